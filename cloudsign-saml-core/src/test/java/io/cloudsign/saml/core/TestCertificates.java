package io.cloudsign.saml.core;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed certificates for SP-side keys in tests. */
final class TestCertificates {
  private TestCertificates() {}

  static X509Certificate selfSigned(KeyPair keys, String dn) throws Exception {
    return selfSigned(keys, dn, "SHA256withRSA");
  }

  static X509Certificate selfSigned(KeyPair keys, String dn, String algorithm) throws Exception {
    Instant now = Instant.now();
    X500Name name = new X500Name(dn);
    var builder =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(Duration.ofDays(365))),
            name,
            keys.getPublic());
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())));
  }
}
