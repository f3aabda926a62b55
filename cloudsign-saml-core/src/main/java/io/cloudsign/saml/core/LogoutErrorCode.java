package io.cloudsign.saml.core;

/**
 * Why a logout message was refused, whichever binding (HTTP-Redirect or HTTP-POST) it came by. For
 * a LogoutResponse the user is signed out locally whatever the code: it only says that the IdP's
 * sign-out could not be confirmed, and what to check. A refused IdP LogoutRequest ends no session.
 */
public enum LogoutErrorCode {
  /**
   * Not a logout message by HTTP-Redirect or HTTP-POST: missing, repeated or undecodable
   * parameters, XML outside the parse bounds or with a DOCTYPE, a repeated ID.
   */
  MALFORMED(
      "logout_malformed",
      "The logout message is not a SAML LogoutRequest or LogoutResponse by HTTP-Redirect"
          + " (SAMLResponse or SAMLRequest, RelayState, SigAlg, Signature once each) or by"
          + " HTTP-POST (SAMLRequest or SAMLResponse, RelayState in the form)."),
  /** InResponseTo or RelayState names no logout started by this browser. */
  UNKNOWN_REQUEST(
      "logout_unknown_request",
      "The LogoutResponse answers no logout this browser started (InResponseTo or RelayState)."),
  /** The pending logout expired, or the response's IssueInstant is outside the allowed window. */
  EXPIRED(
      "logout_expired",
      "The logout took too long, or the LogoutResponse's IssueInstant is outside the clock skew."),
  /**
   * A signature is present and does not verify (HTTP-Redirect: over the query as received;
   * HTTP-POST: the enveloped XML signature of the message's root), uses an algorithm that is not
   * allowed, or sits where no signature may (signature wrapping).
   */
  INVALID_SIGNATURE(
      "logout_invalid_signature",
      "The logout message's signature does not verify with the IdP's certificates (HTTP-Redirect:"
          + " over the query as received; HTTP-POST: the XML signature on the message itself), or"
          + " uses an algorithm that is not allowed (RSA/ECDSA with SHA-256/384/512)."),
  /** The Issuer is not one of the registration's logout issuers. */
  INVALID_ISSUER(
      "logout_invalid_issuer",
      "The LogoutResponse's Issuer is not the IdP's (for Entra: https://login.microsoftonline.com/"
          + "<tenant>/ or the sign-in issuer); set logoutIssuers for another IdP."),
  /** The Destination is present and not the registration's Logout Url. */
  INVALID_DESTINATION(
      "logout_invalid_destination",
      "The LogoutResponse's Destination is not this application's Logout Url: check Entra's"
          + " Logout Url field."),
  /** An IdP's LogoutRequest without a signature, and the registration requires one. */
  UNSIGNED(
      "logout_unsigned",
      "The IdP's LogoutRequest is not signed and this registration requires signed ones (anyone"
          + " could otherwise sign anyone out): sign logout messages at the IdP, or allow unsigned"
          + " ones with acceptUnsignedLogoutRequests."),
  /** An IdP's LogoutRequest whose ID was seen before. */
  REPLAYED(
      "logout_replayed", "This LogoutRequest was already processed: a replayed logout message."),
  /** The IdP answered, but not with Success. */
  NOT_CONFIRMED(
      "logout_not_confirmed",
      "The IdP answered the LogoutRequest with a status other than Success: the session at the IdP"
          + " may still be open.");

  private final String id;
  private final String hint;

  LogoutErrorCode(String id, String hint) {
    this.id = id;
    this.hint = hint;
  }

  /** Stable snake_case identifier, safe to show to a browser. */
  public String id() {
    return id;
  }

  /** What an administrator should check. */
  public String hint() {
    return hint;
  }
}
