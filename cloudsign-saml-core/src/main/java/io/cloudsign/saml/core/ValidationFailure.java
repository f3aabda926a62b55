package io.cloudsign.saml.core;

import java.util.Objects;

/**
 * One rule a Response broke: a stable {@link ErrorCode}, for the broad codes a stable finer {@link
 * FailureReason} (which an administrator and a test can read without parsing the detail), and a
 * log-safe detail (expected and actual values, truncated, control characters removed) that tells an
 * administrator what to change.
 *
 * <p>The detail is for logs, never for the browser.
 *
 * @param reason {@link FailureReason#NONE} for every code but {@code invalid_signature} and {@code
 *     malformed_response}, which always carry one of their own reasons
 */
public record ValidationFailure(ErrorCode code, FailureReason reason, String detail) {
  public ValidationFailure {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    if (FailureReason.refines(code) ? reason.code() != code : reason != FailureReason.NONE) {
      throw new IllegalArgumentException("reason " + reason + " does not refine " + code);
    }
  }

  /** A failure of a code that has no finer reasons. */
  public ValidationFailure(ErrorCode code, String detail) {
    this(code, FailureReason.NONE, detail);
  }

  @Override
  public String toString() {
    return reason == FailureReason.NONE
        ? code.id() + ": " + detail
        : code.id() + " (" + reason.id() + "): " + detail;
  }
}
