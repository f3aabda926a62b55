package io.cloudsign.saml.core;

import java.util.Objects;

/**
 * One rule a Response broke: a stable {@link ErrorCode} and a log-safe detail (expected and actual
 * values, truncated, control characters removed) that tells an administrator what to change.
 *
 * <p>The detail is for logs, never for the browser.
 */
public record ValidationFailure(ErrorCode code, String detail) {
  public ValidationFailure {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(detail, "detail");
  }

  @Override
  public String toString() {
    return code.id() + ": " + detail;
  }
}
