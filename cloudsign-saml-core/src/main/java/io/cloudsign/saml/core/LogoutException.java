package io.cloudsign.saml.core;

import java.util.Objects;

/**
 * A logout message (a LogoutResponse or an IdP's LogoutRequest) was refused: {@link #code()} for
 * the browser, the message for the log.
 */
public final class LogoutException extends Exception {
  private static final long serialVersionUID = 1L;

  private final LogoutErrorCode code;

  LogoutException(LogoutErrorCode code, String detail) {
    super(code.id() + ": " + detail);
    this.code = Objects.requireNonNull(code, "code");
  }

  public LogoutErrorCode code() {
    return code;
  }
}
