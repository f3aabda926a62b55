package io.cloudsign.saml.core;

import java.security.cert.X509Certificate;

final class MetadataParser {
  static IdentityProvider parse(byte[] xml, X509Certificate trustedSigner)
      throws SamlMetadataException {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
