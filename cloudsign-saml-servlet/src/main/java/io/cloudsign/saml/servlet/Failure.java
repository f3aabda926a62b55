package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.ErrorCode;
import java.util.Objects;

/**
 * A refused request as the filter answers it: the code the browser sees (core's {@link ErrorCode}
 * or the filter's {@link FilterErrorCode}), the detail that goes only to the log, and the cause of
 * an internal error. {@link FailureResponder} turns it into the answer.
 */
record Failure(
    ErrorCode validationCode,
    FilterErrorCode filterCode,
    UserLinkException.Reason linkReason,
    String logDetail,
    Throwable error,
    String registrationId) {

  Failure {
    if ((validationCode == null) == (filterCode == null)) {
      throw new IllegalArgumentException("exactly one of validationCode and filterCode");
    }
    Objects.requireNonNull(logDetail, "logDetail");
  }

  /** The filter refused the request before or after validation. */
  static Failure of(FilterErrorCode code, String logDetail) {
    return new Failure(null, Objects.requireNonNull(code), null, logDetail, null, null);
  }

  /** Core rejected the Response (or the form that should carry it). */
  static Failure validation(ErrorCode code, String logDetail) {
    return new Failure(Objects.requireNonNull(code), null, null, logDetail, null, null);
  }

  /** The application's UserLinker refused the verified identity. */
  static Failure refusedBy(UserLinkException.Reason reason, String logDetail) {
    return new Failure(null, reason.code(), reason, logDetail, null, null);
  }

  /** Application code (selector, linker) or the validator threw: 500, logged with the trace. */
  static Failure internal(String logDetail, Throwable error) {
    return new Failure(
        null, FilterErrorCode.INTERNAL_ERROR, null, logDetail, Objects.requireNonNull(error), null);
  }

  /** The same failure, logged as one at {@code registrationId}. */
  Failure at(String registrationId) {
    return new Failure(validationCode, filterCode, linkReason, logDetail, error, registrationId);
  }

  /** What an administrator should check, as the code's javadoc and the README say. */
  String hint() {
    return filterCode != null ? filterCode.hint() : validationCode.hint();
  }

  /**
   * The one log line's text after the correlation id: status, the code once (core's messages start
   * with it), the registration when known, the detail and the admin hint; on one line whatever the
   * detail holds.
   */
  String logLine() {
    String detail = logDetail.startsWith(code()) ? logDetail : code() + ": " + logDetail;
    return LogText.line(
        status()
            + " "
            + (registrationId == null ? "" : "registration=" + registrationId + " ")
            + detail
            + " | hint: "
            + hint());
  }

  int status() {
    return filterCode != null ? filterCode.status() : statusOf(validationCode);
  }

  String code() {
    return filterCode != null ? filterCode.id() : validationCode.id();
  }

  String userMessage() {
    return filterCode != null ? filterCode.userMessage() : userMessageOf(validationCode);
  }

  SignInFailure toSignInFailure(String correlationId, String retryUrl) {
    return new SignInFailure(
        status(),
        code(),
        userMessage(),
        correlationId,
        validationCode,
        filterCode,
        linkReason,
        retryUrl);
  }

  /**
   * Whether starting sign-in again can succeed: the browser's state was lost, expired or used up,
   * or Entra's answer was too old or too weak for this request. Not for configuration problems (a
   * wrong Identifier, Reply URL or certificate), which a retry only repeats.
   */
  boolean retryable() {
    if (filterCode != null) {
      return switch (filterCode) {
        case MISSING_REQUEST_STATE,
            INVALID_REQUEST_STATE,
            REQUEST_STATE_EXPIRED,
            RELAY_STATE_MISMATCH,
            METHOD_NOT_ALLOWED ->
            true;
        default -> false;
      };
    }
    return switch (validationCode) {
      case UNSOLICITED_RESPONSE,
          UNKNOWN_IN_RESPONSE_TO,
          PENDING_REQUEST_EXPIRED,
          REPLAYED_ASSERTION,
          EXPIRED,
          STALE_RESPONSE,
          AUTHENTICATION_TOO_OLD,
          AUTHN_CONTEXT_NOT_SATISFIED,
          REPLAY_CACHE_UNAVAILABLE,
          REGISTRATION_UNAVAILABLE ->
          true;
      default -> false;
    };
  }

  /**
   * 413 for size, 400 for a body that is not a Response, 503 when the tenant's registration cannot
   * be read now, 403 for every rule a Response broke.
   */
  static int statusOf(ErrorCode code) {
    return switch (code) {
      case RESPONSE_TOO_LARGE -> 413;
      case REGISTRATION_UNAVAILABLE -> 503;
      case MALFORMED_RESPONSE -> 400;
      default -> 403;
    };
  }

  private static String userMessageOf(ErrorCode code) {
    return switch (code) {
      case IDP_ERROR_STATUS -> "Microsoft Entra ID did not sign you in.";
      case UNKNOWN_IN_RESPONSE_TO, PENDING_REQUEST_EXPIRED, REPLAYED_ASSERTION ->
          "This sign-in is no longer valid. Please start signing in again.";
      case UNSOLICITED_RESPONSE -> "Please start signing in from this application's sign-in page.";
      default -> "The sign-in response could not be accepted.";
    };
  }
}
