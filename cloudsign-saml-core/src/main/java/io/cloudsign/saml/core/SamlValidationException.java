package io.cloudsign.saml.core;

import java.util.List;
import java.util.Objects;

/**
 * A SAML Response was rejected. {@link #code()} is the first (most important) failure; {@link
 * #failures()} lists every rule failure found. Structural and protocol failures are collected so an
 * administrator sees every misconfiguration at once; a signature failure stops processing.
 *
 * <p>The message and the failure details are log-safe (attacker-controlled text truncated and
 * stripped of control characters) but are meant for logs: show the browser only {@link
 * ErrorCode#id()} and a correlation id.
 */
public final class SamlValidationException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<ValidationFailure> failures;

  /**
   * @param failures at least one failure; the first is the primary one
   */
  public SamlValidationException(List<ValidationFailure> failures) {
    super(message(failures), null, false, false);
    this.failures = List.copyOf(failures);
  }

  /** Convenience for a single failure of a code without finer reasons. */
  public SamlValidationException(ErrorCode code, String detail) {
    this(List.of(new ValidationFailure(code, detail)));
  }

  /** Convenience for a single failure with its finer reason. */
  public SamlValidationException(ErrorCode code, FailureReason reason, String detail) {
    this(List.of(new ValidationFailure(code, reason, detail)));
  }

  private static String message(List<ValidationFailure> failures) {
    Objects.requireNonNull(failures, "failures");
    if (failures.isEmpty()) {
      throw new IllegalArgumentException("at least one failure is required");
    }
    StringBuilder sb = new StringBuilder();
    for (ValidationFailure f : failures) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(f);
    }
    return sb.toString();
  }

  /** The primary failure's code. */
  public ErrorCode code() {
    return failures.get(0).code();
  }

  /**
   * The primary failure's finer reason ({@link FailureReason#NONE} for codes that have none): e.g.
   * {@code invalid_signature} with {@link FailureReason#SIGNATURE_NOT_VERIFIED} after a certificate
   * rollover, or with {@link FailureReason#REFERENCE_MISMATCH} for a wrapped document.
   */
  public FailureReason reason() {
    return failures.get(0).reason();
  }

  /** Every failure found, primary first. */
  public List<ValidationFailure> failures() {
    return failures;
  }

  /** Whether any failure carries {@code code}. */
  public boolean has(ErrorCode code) {
    return failures.stream().anyMatch(f -> f.code() == code);
  }
}
