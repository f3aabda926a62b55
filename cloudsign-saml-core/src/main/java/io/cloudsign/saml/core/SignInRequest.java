package io.cloudsign.saml.core;

import java.net.URI;
import java.util.Objects;

/**
 * A freshly built AuthnRequest, ready to send to Entra, and the {@link PendingRequest} to remember
 * for this browser.
 *
 * <p>Send it with {@link #redirectUrl()} (HTTP-Redirect: answer 302 with that Location) or {@link
 * #postForm()} (HTTP-POST: answer 200 with that HTML page), as {@link #binding()} says. Immutable.
 */
public final class SignInRequest {
  private final PendingRequest pending;
  private final Binding binding;
  private final URI destination;
  private final String samlRequest;
  private final URI redirectUrl;
  private final String postForm;

  /** Internal: created by {@link ServiceProvider#startSignIn}. */
  SignInRequest(
      PendingRequest pending,
      Binding binding,
      URI destination,
      String samlRequest,
      URI redirectUrl,
      String postForm) {
    this.pending = Objects.requireNonNull(pending);
    this.binding = Objects.requireNonNull(binding);
    this.destination = Objects.requireNonNull(destination);
    this.samlRequest = Objects.requireNonNull(samlRequest);
    this.redirectUrl = redirectUrl;
    this.postForm = postForm;
  }

  /** What to remember for this browser until the Response arrives. */
  public PendingRequest pending() {
    return pending;
  }

  /** The binding this request is meant to be sent with (the registration's choice). */
  public Binding binding() {
    return binding;
  }

  /** The IdP's single sign-on URL for {@link #binding()}. */
  public URI destination() {
    return destination;
  }

  /**
   * The {@code SAMLRequest} parameter value: for HTTP-Redirect DEFLATE+base64 (not URL-encoded),
   * for HTTP-POST base64 of the XML.
   */
  public String samlRequest() {
    return samlRequest;
  }

  /**
   * The full HTTP-Redirect URL (with {@code SAMLRequest}, {@code RelayState} and, if the
   * registration signs requests, {@code SigAlg} and {@code Signature}).
   *
   * @throws IllegalStateException if {@link #binding()} is HTTP-POST
   */
  public URI redirectUrl() {
    if (redirectUrl == null) {
      throw new IllegalStateException("this request uses HTTP-POST; use postForm()");
    }
    return redirectUrl;
  }

  /**
   * As {@link #postForm()}, but the page submits itself from a {@code <script nonce="cspNonce">}
   * instead of an inline event handler, for pages served with a strict {@code
   * Content-Security-Policy: script-src 'nonce-…'}.
   *
   * @throws IllegalStateException if {@link #binding()} is HTTP-Redirect
   */
  public String postForm(String cspNonce) {
    java.util.Objects.requireNonNull(cspNonce, "cspNonce");
    if (!cspNonce.matches("[A-Za-z0-9+/=_-]{16,128}")) {
      throw new IllegalArgumentException("cspNonce must be 16-128 base64 characters");
    }
    postForm(); // binding check
    return AuthnRequests.postForm(
        destination, samlRequest, pending.relayState().orElse(null), cspNonce);
  }

  /**
   * A complete HTML page that POSTs the request to the IdP as soon as it loads (and offers a button
   * when scripts are off). Serve it with {@code Content-Type: text/html; charset=UTF-8}.
   *
   * @throws IllegalStateException if {@link #binding()} is HTTP-Redirect
   */
  public String postForm() {
    if (postForm == null) {
      throw new IllegalStateException("this request uses HTTP-Redirect; use redirectUrl()");
    }
    return postForm;
  }
}
