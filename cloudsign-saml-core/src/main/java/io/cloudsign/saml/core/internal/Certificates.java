package io.cloudsign.saml.core.internal;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;

/** Certificate decoding shared by metadata and configuration. Not API. */
public final class Certificates {
  private Certificates() {}

  /**
   * Decodes base64 DER (as in metadata's {@code ds:X509Certificate} or Entra's "Certificate
   * (Base64)"), with or without PEM armour and whitespace.
   *
   * @throws IllegalArgumentException if it is not one X.509 certificate
   */
  public static X509Certificate parse(String base64OrPem) {
    if (base64OrPem == null || base64OrPem.isBlank()) {
      throw new IllegalArgumentException("certificate is empty");
    }
    String body =
        base64OrPem
            .replace("-----BEGIN CERTIFICATE-----", "")
            .replace("-----END CERTIFICATE-----", "")
            .replaceAll("\\s", "");
    try {
      byte[] der = Base64.getDecoder().decode(body);
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
      throw new IllegalArgumentException(
          "not a base64 X.509 certificate (expected Entra's 'Certificate (Base64)'): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * A certificate as an admin finds it again: its SHA-256 thumbprint, the SHA-1 thumbprint Entra's
   * <i>SAML Certificates</i> section shows, and its validity, e.g. {@code SHA-256 3F…, Entra
   * thumbprint 9A…, valid 2026-01-01 to 2029-01-01}. Log-safe (hex and dates only).
   */
  public static String describe(X509Certificate certificate) {
    byte[] der;
    try {
      der = certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      return "a certificate that cannot be encoded";
    }
    return "SHA-256 "
        + thumbprint("SHA-256", der)
        + ", Entra thumbprint "
        + thumbprint("SHA-1", der)
        + ", valid "
        + certificate.getNotBefore().toInstant().toString().substring(0, 10)
        + " to "
        + certificate.getNotAfter().toInstant().toString().substring(0, 10);
  }

  private static String thumbprint(String algorithm, byte[] der) {
    try {
      return HexFormat.of()
          .withUpperCase()
          .formatHex(MessageDigest.getInstance(algorithm).digest(der));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + algorithm, e);
    }
  }
}
