package io.cloudsign.saml.testkit.internal;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/** A private key and the certificate published for it. */
public record SigningKey(PrivateKey privateKey, X509Certificate certificate) {
  public SigningKey {
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(certificate, "certificate");
  }
}
