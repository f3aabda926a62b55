package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.ErrorCode;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link FailureHandler} may show about a failed sign-in: an HTTP status, a stable code id
 * (an {@link ErrorCode#id()}, a {@link UserLinkException.Reason#id()} or one of the filter's own
 * codes listed below), a fixed user-facing sentence and a correlation id that also appears in the
 * log line carrying the details. Contains no attacker-controlled text. Immutable.
 *
 * <p>The filter's own codes: {@code missing_request_state} (400, the state cookie did not arrive:
 * sign-in was not started in this browser, took too long, or the cookie was blocked), {@code
 * invalid_request_state} (400, the state cookie was altered), {@code relay_state_mismatch} (400),
 * {@code no_registration} (404), {@code method_not_allowed} (405), {@code internal_error} (500).
 */
public final class SignInFailure {
  private final int status;
  private final String code;
  private final String userMessage;
  private final String correlationId;
  private final ErrorCode validationCode;
  private final UserLinkException.Reason linkReason;

  SignInFailure(
      int status,
      String code,
      String userMessage,
      String correlationId,
      ErrorCode validationCode,
      UserLinkException.Reason linkReason) {
    this.status = status;
    this.code = Objects.requireNonNull(code);
    this.userMessage = Objects.requireNonNull(userMessage);
    this.correlationId = Objects.requireNonNull(correlationId);
    this.validationCode = validationCode;
    this.linkReason = linkReason;
  }

  /** The HTTP status to answer (4xx; 500 only for an unexpected error). */
  public int status() {
    return status;
  }

  /** Stable snake_case code, safe to show. */
  public String code() {
    return code;
  }

  /** A fixed sentence for the user. */
  public String userMessage() {
    return userMessage;
  }

  /** Random id, also in the log line with the details. */
  public String correlationId() {
    return correlationId;
  }

  /** The core validation code when the Response itself was rejected. */
  public Optional<ErrorCode> validationCode() {
    return Optional.ofNullable(validationCode);
  }

  /** The user linker's reason when it refused the user. */
  public Optional<UserLinkException.Reason> linkReason() {
    return Optional.ofNullable(linkReason);
  }

  @Override
  public String toString() {
    return "SignInFailure{" + status + " " + code + " [" + correlationId + "]}";
  }
}
