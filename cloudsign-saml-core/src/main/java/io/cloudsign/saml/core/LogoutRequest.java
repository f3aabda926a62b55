package io.cloudsign.saml.core;

import java.net.URI;
import java.util.Objects;

/**
 * A started SP-initiated single logout: where to send the browser (the IdP's logout URL with an
 * HTTP-Redirect {@code LogoutRequest}, signed when the registration has a request-signing key), and
 * the pending logout to remember for this browser until the IdP's LogoutResponse arrives (its
 * {@code requestId} is the LogoutRequest's ID, which the response must answer).
 */
public record LogoutRequest(PendingRequest pending, URI redirectUrl) {
  public LogoutRequest {
    Objects.requireNonNull(pending, "pending");
    Objects.requireNonNull(redirectUrl, "redirectUrl");
  }
}
