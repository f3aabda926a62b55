package io.cloudsign.saml.core;

import static io.cloudsign.saml.core.ErrorCode.AUTHENTICATION_TOO_OLD;
import static io.cloudsign.saml.core.ErrorCode.AUTHN_CONTEXT_NOT_SATISFIED;
import static io.cloudsign.saml.core.ErrorCode.DECRYPTION_FAILED;
import static io.cloudsign.saml.core.ErrorCode.DISALLOWED_SIGNATURE_ALGORITHM;
import static io.cloudsign.saml.core.ErrorCode.DUPLICATE_ID;
import static io.cloudsign.saml.core.ErrorCode.ENCRYPTED_ASSERTION_NOT_SUPPORTED;
import static io.cloudsign.saml.core.ErrorCode.EXPIRED;
import static io.cloudsign.saml.core.ErrorCode.IDP_ERROR_STATUS;
import static io.cloudsign.saml.core.ErrorCode.INVALID_ASSERTION_COUNT;
import static io.cloudsign.saml.core.ErrorCode.INVALID_AUDIENCE;
import static io.cloudsign.saml.core.ErrorCode.INVALID_DESTINATION;
import static io.cloudsign.saml.core.ErrorCode.INVALID_ISSUER;
import static io.cloudsign.saml.core.ErrorCode.INVALID_SIGNATURE;
import static io.cloudsign.saml.core.ErrorCode.INVALID_SUBJECT_CONFIRMATION;
import static io.cloudsign.saml.core.ErrorCode.MALFORMED_RESPONSE;
import static io.cloudsign.saml.core.ErrorCode.MISSING_AUTHN_STATEMENT;
import static io.cloudsign.saml.core.ErrorCode.MISSING_NAME_ID;
import static io.cloudsign.saml.core.ErrorCode.MISSING_SIGNATURE;
import static io.cloudsign.saml.core.ErrorCode.NAME_ID_FORMAT_MISMATCH;
import static io.cloudsign.saml.core.ErrorCode.NOT_YET_VALID;
import static io.cloudsign.saml.core.ErrorCode.PENDING_REQUEST_EXPIRED;
import static io.cloudsign.saml.core.ErrorCode.REGISTRATION_UNAVAILABLE;
import static io.cloudsign.saml.core.ErrorCode.REPLAYED_ASSERTION;
import static io.cloudsign.saml.core.ErrorCode.REPLAY_CACHE_FULL;
import static io.cloudsign.saml.core.ErrorCode.REPLAY_CACHE_UNAVAILABLE;
import static io.cloudsign.saml.core.ErrorCode.RESPONSE_TOO_LARGE;
import static io.cloudsign.saml.core.ErrorCode.STALE_RESPONSE;
import static io.cloudsign.saml.core.ErrorCode.TENANT_MISMATCH;
import static io.cloudsign.saml.core.ErrorCode.UNKNOWN_IN_RESPONSE_TO;
import static io.cloudsign.saml.core.ErrorCode.UNKNOWN_REGISTRATION;
import static io.cloudsign.saml.core.ErrorCode.UNSOLICITED_RESPONSE;
import static io.cloudsign.saml.core.ErrorCode.UNSUPPORTED_CONDITION;
import static io.cloudsign.saml.core.ResponseRule.of;

import java.util.List;

/**
 * The order of the Response rules, written once. Each rule is a small named part in {@link
 * MessageRules}, {@link DecryptionRule}, {@link SignatureRule}, {@link AssertionRules}, {@link
 * RequestedRules} or {@link ReplayRule}; adding a rule is adding its method there and one line
 * here. The README's list "What a Response must pass" and {@link ErrorCode} follow this list (a
 * test compares them).
 *
 * <p>Why this order: the message-level rules find the pending request and so the registration whose
 * settings the rest is checked against; the signature rule stops processing on failure, and only
 * then is anything the assertion says read; the replay cache is written last, so that a rejected
 * Response never consumes its assertion ID.
 */
final class ResponseRules {
  static final List<ResponseRule> ORDER =
      List.of(
          of("size", MessageRules::size, RESPONSE_TOO_LARGE, MALFORMED_RESPONSE),
          of("parse", MessageRules::parse, MALFORMED_RESPONSE, DUPLICATE_ID),
          of(
              "in-response-to",
              MessageRules::inResponseTo,
              UNSOLICITED_RESPONSE,
              UNKNOWN_IN_RESPONSE_TO,
              PENDING_REQUEST_EXPIRED,
              UNKNOWN_REGISTRATION,
              REGISTRATION_UNAVAILABLE),
          of("destination", MessageRules::destination, INVALID_DESTINATION),
          of("response-issuer", MessageRules::responseIssuer, INVALID_ISSUER),
          of("status", MessageRules::status, IDP_ERROR_STATUS),
          of(
              "assertion-count",
              MessageRules::assertionCount,
              ENCRYPTED_ASSERTION_NOT_SUPPORTED,
              INVALID_ASSERTION_COUNT),
          of(
              "decryption",
              DecryptionRule::decrypt,
              DECRYPTION_FAILED,
              INVALID_SIGNATURE,
              DISALLOWED_SIGNATURE_ALGORITHM),
          of(
              "signature",
              SignatureRule::signatures,
              MISSING_SIGNATURE,
              INVALID_SIGNATURE,
              DISALLOWED_SIGNATURE_ALGORITHM,
              DECRYPTION_FAILED),
          of("assertion-version", AssertionRules::version, MALFORMED_RESPONSE),
          of("assertion-issuer", AssertionRules::issuer, INVALID_ISSUER),
          of(
              "issue-instant",
              AssertionRules::issueInstants,
              MALFORMED_RESPONSE,
              NOT_YET_VALID,
              STALE_RESPONSE),
          of(
              "conditions",
              AssertionRules::conditions,
              INVALID_AUDIENCE,
              NOT_YET_VALID,
              EXPIRED,
              UNSUPPORTED_CONDITION),
          of("name-id", AssertionRules::nameId, MISSING_NAME_ID),
          of(
              "subject-confirmation",
              AssertionRules::subjectConfirmation,
              INVALID_SUBJECT_CONFIRMATION),
          of("authn-statement", AssertionRules::authnStatement, MISSING_AUTHN_STATEMENT, EXPIRED),
          of("tenant-id", AssertionRules::tenantId, TENANT_MISMATCH),
          of("force-authn", RequestedRules::forceAuthn, AUTHENTICATION_TOO_OLD),
          of("authn-context", RequestedRules::authnContext, AUTHN_CONTEXT_NOT_SATISFIED),
          of("name-id-format", RequestedRules::nameIdFormat, NAME_ID_FORMAT_MISMATCH),
          of("all-passed", AssertionRules::allPassed),
          of(
              "replay",
              ReplayRule::replay,
              REPLAYED_ASSERTION,
              UNKNOWN_IN_RESPONSE_TO,
              REPLAY_CACHE_FULL,
              REPLAY_CACHE_UNAVAILABLE));

  private ResponseRules() {}
}
