package io.cloudsign.saml.core;

import java.util.Objects;

/** A LogoutResponse was refused: {@link #code()} for the browser, the message for the log. */
public final class LogoutResponseException extends Exception {
  private static final long serialVersionUID = 1L;

  private final LogoutErrorCode code;

  LogoutResponseException(LogoutErrorCode code, String detail) {
    super(code.id() + ": " + detail);
    this.code = Objects.requireNonNull(code, "code");
  }

  public LogoutErrorCode code() {
    return code;
  }
}
