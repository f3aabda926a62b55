package io.cloudsign.saml.testkit.internal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** RSA-2048 keys and self-signed certificates shaped like Entra's SAML signing certificates. */
public final class Certificates {
  /** The subject (and issuer) Entra gives every SAML signing certificate it creates. */
  public static final String ENTRA_SUBJECT = "CN=Microsoft Azure Federated SSO Certificate";

  private static final SecureRandom RANDOM = new SecureRandom();

  private Certificates() {}

  /**
   * A fresh RSA-2048 key with a self-signed SHA256withRSA certificate valid three years from now.
   */
  public static SigningKey generate(String subject, Instant now) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048, RANDOM);
      KeyPair kp = g.generateKeyPair();
      X500Name name = new X500Name(subject);
      byte[] serial = new byte[16];
      RANDOM.nextBytes(serial);
      Instant notBefore = now.minus(Duration.ofDays(1));
      Instant notAfter = now.plus(Duration.ofDays(3 * 365));
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(1, serial),
              Date.from(notBefore),
              Date.from(notAfter),
              name,
              kp.getPublic());
      var signer = new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate());
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(signer));
      return new SigningKey(kp.getPrivate(), cert);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate an RSA key and certificate", e);
    }
  }

  /**
   * DER of the certificate in base64 on one line, as in Entra's {@code X509Certificate} elements.
   */
  public static String base64(X509Certificate cert) {
    try {
      return Base64.getEncoder().encodeToString(cert.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded", e);
    }
  }

  private static final class AttackerHolder {
    static final SigningKey ATTACKER = generate(ENTRA_SUBJECT, Instant.now());
  }

  private static final class UnknownRecipientHolder {
    static final SigningKey UNKNOWN = generate("CN=unknown service provider", Instant.now());
  }

  /** A key pair nobody else holds, to encrypt for when the recipient does not matter. */
  public static SigningKey unknownRecipient() {
    return UnknownRecipientHolder.UNKNOWN;
  }

  /**
   * One attacker key per JVM, with the same subject as Entra's certificates (a forger would copy
   * it).
   */
  public static SigningKey attacker() {
    return AttackerHolder.ATTACKER;
  }
}
