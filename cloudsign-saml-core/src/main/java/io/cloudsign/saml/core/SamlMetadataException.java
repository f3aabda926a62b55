package io.cloudsign.saml.core;

/**
 * Entra's Federation Metadata XML (or a hand-copied certificate) could not be used: not XML, no
 * SAML 2.0 IDPSSODescriptor, no signing certificate, or a signature that does not verify against
 * the pinned certificate. The message says what to fix.
 */
public final class SamlMetadataException extends Exception {
  private static final long serialVersionUID = 1L;

  public SamlMetadataException(String message) {
    super(message);
  }

  public SamlMetadataException(String message, Throwable cause) {
    super(message, cause);
  }
}
