package io.cloudsign.saml.core;

/**
 * The finer reason inside a broad {@link ErrorCode}: {@link ErrorCode#INVALID_SIGNATURE} and {@link
 * ErrorCode#MALFORMED_RESPONSE} each cover several causes an administrator fixes differently. Each
 * reason has a stable snake_case {@link #id()} (for logs, metrics and tests) and belongs to exactly
 * one {@link #code()}; every other code is its own reason, {@link #NONE}.
 */
public enum FailureReason {
  /** The code says it all: codes other than invalid_signature and malformed_response. */
  NONE("none", null),

  /** Well formed, but no trusted certificate verifies it: a rolled-over or wrong certificate. */
  SIGNATURE_NOT_VERIFIED("not_verified", ErrorCode.INVALID_SIGNATURE),
  /** Not exactly one Reference, or it does not name the signed element. */
  REFERENCE_MISMATCH("reference_mismatch", ErrorCode.INVALID_SIGNATURE),
  /** Two signatures on one element. */
  DUPLICATE_SIGNATURE("duplicate_signature", ErrorCode.INVALID_SIGNATURE),
  /** A ds:Signature somewhere other than directly in the Response or its Assertion. */
  STRAY_SIGNATURE("stray_signature", ErrorCode.INVALID_SIGNATURE),
  /** Outside the SAML signature profile: transforms, canonicalization, ds:Object, extra content. */
  SIGNATURE_PROFILE("signature_profile", ErrorCode.INVALID_SIGNATURE),
  /** No SignedInfo to read, or a SignatureValue that no key could verify (empty, not base64). */
  UNREADABLE_SIGNATURE("unreadable_signature", ErrorCode.INVALID_SIGNATURE),

  /** No SAMLResponse value at all. */
  EMPTY("empty", ErrorCode.MALFORMED_RESPONSE),
  /** The form did not arrive as the HTTP-POST binding sends it (a field twice, in the query). */
  NOT_POST_BINDING("not_post_binding", ErrorCode.MALFORMED_RESPONSE),
  /** The value is not base64. */
  NOT_BASE64("not_base64", ErrorCode.MALFORMED_RESPONSE),
  /** Not well-formed XML, a DOCTYPE or entity, or nesting deeper than allowed. */
  NOT_XML("not_xml", ErrorCode.MALFORMED_RESPONSE),
  /**
   * More elements, attributes or namespace declarations than any IdP sends (a parse-cost bound).
   */
  PARSE_BOUNDS("parse_bounds", ErrorCode.MALFORMED_RESPONSE),
  /** The root is not one samlp:Response. */
  NOT_A_RESPONSE("not_a_response", ErrorCode.MALFORMED_RESPONSE),
  /** The Response or Assertion Version is not 2.0. */
  NOT_SAML_2("not_saml_2", ErrorCode.MALFORMED_RESPONSE),
  /** A required part is missing or unreadable (e.g. an IssueInstant, a NameID's text). */
  STRUCTURE("structure", ErrorCode.MALFORMED_RESPONSE);

  private final String id;
  private final ErrorCode code;

  FailureReason(String id, ErrorCode code) {
    this.id = id;
    this.code = code;
  }

  /** Stable snake_case identifier, unique among the reasons of one code. */
  public String id() {
    return id;
  }

  /** The code this reason refines; {@code null} for {@link #NONE}. */
  public ErrorCode code() {
    return code;
  }

  /** Whether {@code code} is reported with a finer reason (never {@link #NONE}). */
  static boolean refines(ErrorCode code) {
    return code == ErrorCode.INVALID_SIGNATURE || code == ErrorCode.MALFORMED_RESPONSE;
  }
}
