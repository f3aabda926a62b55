package io.cloudsign.saml.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Renders a failed sign-in. The default ({@link #defaultPage()}) answers {@link
 * SignInFailure#status()} with a small HTML page showing only the code and the correlation id.
 *
 * <p>The filter has already logged the details (at WARN, with the correlation id) and created no
 * session. Implementations must not echo request data and must be thread-safe.
 */
@FunctionalInterface
public interface FailureHandler {
  void onFailure(HttpServletRequest request, HttpServletResponse response, SignInFailure failure)
      throws IOException;

  /** The built-in page: status, "Sign-in failed", the code id and the correlation id. */
  static FailureHandler defaultPage() {
    return DefaultFailurePage.INSTANCE;
  }
}
