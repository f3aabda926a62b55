package io.cloudsign.saml.core;

/**
 * Why a SAML Response was rejected. Each code has a stable snake_case {@link #id()} (safe to show
 * to a browser, to put in metrics and to match in tests) and a {@link #hint()} telling an
 * administrator what to check.
 */
public enum ErrorCode {
  /** The SAMLResponse form value is larger than the configured limit, or was not sent by POST. */
  RESPONSE_TOO_LARGE(
      "response_too_large",
      "The SAMLResponse exceeds the configured maximum size; raise maxResponseChars only if Entra"
          + " really sends larger Responses (e.g. many group claims: use groups.link instead)."),
  /** Not base64, not well-formed XML, a DOCTYPE, not one samlp:Response root, or Version != 2.0. */
  MALFORMED_RESPONSE(
      "malformed_response", "The SAMLResponse is not a base64-encoded SAML 2.0 Response document."),
  /** Response Destination is missing or differs from the Reply URL. */
  INVALID_DESTINATION(
      "invalid_destination",
      "Entra's Reply URL (Assertion Consumer Service URL) must equal the replyUrl configured here."),
  /** Response has no InResponseTo: IdP-initiated (unsolicited) SSO is not accepted. */
  UNSOLICITED_RESPONSE(
      "unsolicited_response",
      "Only SP-initiated sign-in is accepted: start at the application's Sign on URL, not from"
          + " My Apps or Entra's 'Test' button."),
  /** InResponseTo names no pending request of this browser (foreign, expired or already used). */
  UNKNOWN_IN_RESPONSE_TO(
      "unknown_in_response_to",
      "The Response answers a request this browser did not make or already used; start sign-in"
          + " again."),
  /** The pending request this Response answers has expired. */
  PENDING_REQUEST_EXPIRED(
      "pending_request_expired", "The sign-in took too long; start sign-in again."),
  /** Response or Assertion Issuer differs from the IdP entity ID. */
  INVALID_ISSUER(
      "invalid_issuer",
      "The Issuer must equal the 'Microsoft Entra Identifier' (entityID in the federation"
          + " metadata) configured for this registration."),
  /** Status is not Success (Entra reports AADSTS… errors this way). */
  IDP_ERROR_STATUS(
      "idp_error_status",
      "Entra refused the sign-in; the AADSTS code in the log says why (e.g. user not assigned to"
          + " the application)."),
  /** Not exactly one Assertion. */
  INVALID_ASSERTION_COUNT(
      "invalid_assertion_count", "A Response must carry exactly one Assertion."),
  /** An EncryptedAssertion arrived but the registration has no decryption key. */
  ENCRYPTED_ASSERTION_NOT_SUPPORTED(
      "encrypted_assertion_not_supported",
      "Entra encrypts the assertion but this registration has no decryption key: either turn off"
          + " 'Token encryption' for the application in Entra, or configure the key whose"
          + " certificate Entra encrypts to (Registration.Builder#decryptionKey)."),
  /**
   * The EncryptedAssertion could not be decrypted, or what it decrypted to is not a signed
   * Assertion. Every cause gives this one code and the same message, so that a sender learns
   * nothing about the plaintext (no padding or parse oracle).
   */
  DECRYPTION_FAILED(
      "decryption_failed",
      "The EncryptedAssertion could not be decrypted and verified: the certificate imported in"
          + " Entra's 'Token encryption' must be one of this registration's decryption"
          + " certificates (during a rollover configure the old and the new key), and Entra must"
          + " sign the assertion. Which step failed is deliberately not told apart."),
  /** Neither the Response nor the Assertion is signed. */
  MISSING_SIGNATURE(
      "missing_signature",
      "Entra must sign the assertion (Signing Option: 'Sign SAML assertion' or 'Sign SAML response"
          + " and assertion')."),
  /** A signature does not verify with any metadata certificate, or breaks the SAML profile. */
  INVALID_SIGNATURE(
      "invalid_signature",
      "The signature does not verify with the signing certificates configured for this IdP;"
          + " download Entra's current Federation Metadata XML (certificate rollover?)."),
  /** Signature or digest algorithm outside the allowlist (e.g. SHA-1). */
  DISALLOWED_SIGNATURE_ALGORITHM(
      "disallowed_signature_algorithm",
      "Set Entra's Signing Algorithm to SHA-256 (SHA-1 is refused)."),
  /** Two elements share an ID: a signature-wrapping shape. */
  DUPLICATE_ID(
      "duplicate_id", "The document repeats an ID attribute; it is not a genuine Response."),
  /** Conditions NotBefore (or IssueInstant) is in the future beyond the allowed skew. */
  NOT_YET_VALID(
      "not_yet_valid",
      "The assertion is not valid yet: check the server clock (NTP) or raise clockSkew (max 10"
          + " minutes)."),
  /** Conditions NotOnOrAfter has passed (beyond the allowed skew). */
  EXPIRED(
      "expired",
      "The assertion has expired: check the server clock (NTP) or the Response was held too"
          + " long."),
  /** IssueInstant of the Response or Assertion is older than the allowed age. */
  STALE_RESPONSE(
      "stale_response", "The Response was issued too long ago (or the server clock is wrong)."),
  /** AudienceRestriction missing or without the Identifier (Entity ID). */
  INVALID_AUDIENCE(
      "invalid_audience",
      "Entra's Identifier (Entity ID) must equal the entityId configured here."),
  /** A Condition this library does not understand. */
  UNSUPPORTED_CONDITION(
      "unsupported_condition", "The assertion carries a condition this SP cannot evaluate."),
  /** No bearer SubjectConfirmation with matching Recipient, NotOnOrAfter and InResponseTo. */
  INVALID_SUBJECT_CONFIRMATION(
      "invalid_subject_confirmation",
      "The bearer SubjectConfirmation must name the Reply URL as Recipient, answer this request"
          + " and not be expired: check Entra's Reply URL."),
  /** Subject without NameID. */
  MISSING_NAME_ID("missing_name_id", "Entra must send a NameID (Unique User Identifier claim)."),
  /** No AuthnStatement. */
  MISSING_AUTHN_STATEMENT("missing_authn_statement", "The assertion carries no AuthnStatement."),
  /** The assertion ID was already accepted once. */
  REPLAYED_ASSERTION("replayed_assertion", "This assertion was already used to sign in."),
  /** The pending request names a registration this ServiceProvider does not have. */
  UNKNOWN_REGISTRATION(
      "unknown_registration", "The registration this sign-in started with is not configured."),
  /**
   * The tenant's registration cannot be used now: its repository cannot be reached or its row is
   * unusable (fail closed; see {@link RegistrationUnavailableException}).
   */
  REGISTRATION_UNAVAILABLE(
      "registration_unavailable",
      "The tenant's registration cannot be read or built now: the registration repository is"
          + " down, or the tenant's row (metadata, Identifier, Reply URL) is unusable; sign-ins for"
          + " it are refused until it is back or fixed."),
  /**
   * The IdP is an Entra tenant ({@code https://sts.windows.net/<tenant>/}) and the assertion's
   * {@code tenantid} claim names another tenant.
   */
  TENANT_MISMATCH(
      "tenant_mismatch",
      "The assertion's tenantid claim names another Entra tenant than this registration's IdP"
          + " (https://sts.windows.net/<tenant>/): the Response was issued for another tenant;"
          + " check that each customer's registration has that customer's own metadata."),
  /** ForceAuthn was requested, and the AuthnInstant is older than the request. */
  AUTHENTICATION_TOO_OLD(
      "authentication_too_old",
      "Fresh authentication was requested (forceAuthn) but the IdP answered from an earlier"
          + " sign-in session; the IdP must honour ForceAuthn."),
  /** RequestedAuthnContext (exact) was requested, and the assertion shows none of its values. */
  AUTHN_CONTEXT_NOT_SATISFIED(
      "authn_context_not_satisfied",
      "The requested authentication context (e.g. multi-factor) was not met: require it for the"
          + " application in Entra (Conditional Access), or change requestedAuthnContext."),
  /** A NameIDPolicy Format was requested, and the NameID has another Format. */
  NAME_ID_FORMAT_MISMATCH(
      "name_id_format_mismatch",
      "The NameID Format differs from the requested nameIdFormat: set the 'Name identifier"
          + " format' of Entra's Unique User Identifier claim to it, or remove nameIdFormat."),
  /** The replay cache of this registration is full of unexpired entries (fail closed). */
  REPLAY_CACHE_FULL(
      "replay_cache_full",
      "The replay cache of this registration is full; sign-ins are refused until entries expire:"
          + " raise the cache capacity or use a shared store sized for the traffic."),
  /** The replay cache's store could not be reached (fail closed). */
  REPLAY_CACHE_UNAVAILABLE(
      "replay_cache_unavailable",
      "The replay cache's store (database, Redis) cannot be reached; sign-ins are refused until"
          + " it is back.");

  private final String id;
  private final String hint;

  ErrorCode(String id, String hint) {
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
