package io.cloudsign.saml.servlet;

import jakarta.servlet.http.HttpServletRequest;

/**
 * A logout message posted to a Logout Url (HTTP-POST binding, SAML Bindings §3.5): {@code
 * SAMLRequest} (an IdP-initiated logout) or {@code SAMLResponse} (the answer to one this browser
 * started), and {@code RelayState}, once each, in a bounded {@code
 * application/x-www-form-urlencoded} body. Such a POST comes cross-site from the IdP by design: the
 * message's signature (checked by core), not the request's origin, authenticates it.
 */
record LogoutForm(boolean isRequest, String message, String relayState) {
  /**
   * Core takes at most 64 Ki characters of base64; URL-encoding can triple them ({@code +}, {@code
   * /}, {@code =}), plus the RelayState.
   */
  static final long MAX_BYTES = 3L * 64 * 1024 + 8192;

  /** The form could not be a logout message; the message is log-safe. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /** Reads the POST body's logout message without reading more than {@link #MAX_BYTES}. */
  static LogoutForm read(HttpServletRequest request) throws Malformed {
    long length = request.getContentLengthLong();
    if (length > MAX_BYTES) {
      throw new Malformed("a logout form of " + length + " bytes, more than " + MAX_BYTES);
    }
    String query = request.getQueryString();
    if (query != null && query.contains("SAML")) {
      throw new Malformed("a POST with SAML parameters in its query (HTTP-POST: the body only)");
    }
    String[] requests;
    String[] responses;
    String[] relays;
    try {
      requests = request.getParameterValues("SAMLRequest");
      responses = request.getParameterValues("SAMLResponse");
      relays = request.getParameterValues("RelayState");
    } catch (RuntimeException e) {
      throw new Malformed("the form could not be read: " + e.getClass().getSimpleName());
    }
    if ((requests == null) == (responses == null)) {
      throw new Malformed(
          requests == null
              ? "a POST without a SAMLRequest or SAMLResponse field"
              : "a POST with both a SAMLRequest and a SAMLResponse field");
    }
    String[] message = requests != null ? requests : responses;
    if (message.length > 1 || (relays != null && relays.length > 1)) {
      throw new Malformed("SAMLRequest/SAMLResponse and RelayState must arrive once each");
    }
    return new LogoutForm(requests != null, message[0], relays == null ? null : relays[0]);
  }
}
