package io.cloudsign.saml.testkit.internal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Keys of the attacker in the certificate-faking attacks: never one of a fake's own keys. Not API.
 */
public final class AttackerKeys {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AttackerKeys() {}

  /** A certificate copying {@code original}'s subject, issuer, serial and validity: new key. */
  public static SigningKey clone(X509Certificate original) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(((RSAPublicKey) original.getPublicKey()).getModulus().bitLength(), RANDOM);
      KeyPair kp = g.generateKeyPair();
      var b =
          new JcaX509v3CertificateBuilder(
              X500Name.getInstance(original.getIssuerX500Principal().getEncoded()),
              original.getSerialNumber(),
              original.getNotBefore(),
              original.getNotAfter(),
              X500Name.getInstance(original.getSubjectX500Principal().getEncoded()),
              kp.getPublic());
      var signer = new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate());
      return new SigningKey(
          kp.getPrivate(), new JcaX509CertificateConverter().getCertificate(b.build(signer)));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot clone the certificate", e);
    }
  }

  /** An RSA key of {@code bits} with a self-signed certificate with Entra's subject. */
  public static SigningKey rsaKey(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits, RANDOM);
      KeyPair kp = g.generateKeyPair();
      X500Name name = new X500Name(Certificates.ENTRA_SUBJECT);
      Instant now = Instant.now();
      var b =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.valueOf(RANDOM.nextLong() & Long.MAX_VALUE),
              Date.from(now.minusSeconds(86400)),
              Date.from(now.plusSeconds(3 * 365 * 86400L)),
              name,
              kp.getPublic());
      var signer = new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate());
      return new SigningKey(
          kp.getPrivate(), new JcaX509CertificateConverter().getCertificate(b.build(signer)));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate an RSA-" + bits + " key", e);
    }
  }
}
