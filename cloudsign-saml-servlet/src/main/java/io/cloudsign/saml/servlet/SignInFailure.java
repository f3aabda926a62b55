package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.ErrorCode;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link FailureHandler} may show about a failed sign-in: an HTTP status, a stable code id,
 * a fixed user-facing sentence and a correlation id that also appears in the log line carrying the
 * details. Contains no attacker-controlled text. Immutable.
 *
 * <p>The code is exactly one of: core's {@link ErrorCode} when the Response itself was rejected
 * ({@link #validationCode()}), or the filter's own {@link FilterErrorCode} ({@link #filterCode()};
 * for a refusal of the {@link UserLinker} also {@link #linkReason()}). {@link #code()} is its id.
 */
public final class SignInFailure {
  private final int status;
  private final String code;
  private final String userMessage;
  private final String correlationId;
  private final ErrorCode validationCode;
  private final FilterErrorCode filterCode;
  private final UserLinkException.Reason linkReason;
  private final String retryUrl;

  SignInFailure(
      int status,
      String code,
      String userMessage,
      String correlationId,
      ErrorCode validationCode,
      FilterErrorCode filterCode,
      UserLinkException.Reason linkReason,
      String retryUrl) {
    this.status = status;
    this.code = Objects.requireNonNull(code);
    this.userMessage = Objects.requireNonNull(userMessage);
    this.correlationId = Objects.requireNonNull(correlationId);
    this.validationCode = validationCode;
    this.filterCode = filterCode;
    this.linkReason = linkReason;
    this.retryUrl = retryUrl;
  }

  /**
   * Where to start signing in again (the filter's sign-in path in this context) when a retry can
   * succeed: the request state was lost or expired, the Response was already used or too old. Empty
   * for configuration problems, which a retry only repeats.
   */
  public Optional<String> retryUrl() {
    return Optional.ofNullable(retryUrl);
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

  /** The filter's own code when the filter refused the request (not core's validation). */
  public Optional<FilterErrorCode> filterCode() {
    return Optional.ofNullable(filterCode);
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
