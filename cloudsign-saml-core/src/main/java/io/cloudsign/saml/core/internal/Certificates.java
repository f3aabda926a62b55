package io.cloudsign.saml.core.internal;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

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
}
