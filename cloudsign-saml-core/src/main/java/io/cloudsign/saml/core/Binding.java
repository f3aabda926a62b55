package io.cloudsign.saml.core;

/**
 * SAML 2.0 bindings this library speaks (SAML Bindings §3.4, §3.5): for AuthnRequests, and for
 * logout messages (the SP's Logout Url takes both; Entra uses HTTP-Redirect only).
 */
public enum Binding {
  /** HTTP-Redirect: DEFLATE + base64 in the query string; optionally signed over the query. */
  HTTP_REDIRECT("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"),
  /** HTTP-POST: base64 in an auto-submitting HTML form. */
  HTTP_POST("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");

  private final String uri;

  Binding(String uri) {
    this.uri = uri;
  }

  /** The binding's URI as it appears in metadata. */
  public String uri() {
    return uri;
  }
}
