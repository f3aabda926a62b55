package io.cloudsign.saml.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a refused request is answered: logs the detail with a fresh correlation id (WARN,
 * or ERROR with the stack trace for an internal error), then lets the {@link FailureHandler} render
 * the page; if that handler throws, the built-in page is rendered instead. Never creates a session.
 * Thread-safe.
 */
final class FailureResponder {
  private static final Logger log = LoggerFactory.getLogger(SamlSsoFilter.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final FailureHandler handler;
  private final String signInPath;

  FailureResponder(FailureHandler handler, String signInPath) {
    this.handler = Objects.requireNonNull(handler);
    this.signInPath = Objects.requireNonNull(signInPath);
  }

  void respond(HttpServletRequest request, HttpServletResponse response, Failure f)
      throws IOException {
    respond(request, response, f, List.of());
  }

  /**
   * @param setCookies {@code Set-Cookie} header values sent with the page (e.g. ending the request
   *     state), kept even when a failing handler's partial answer is discarded
   */
  void respond(
      HttpServletRequest request, HttpServletResponse response, Failure f, List<String> setCookies)
      throws IOException {
    String correlationId = correlationId();
    if (f.error() != null) {
      log.error("SAML sign-in failed [{}] {}", correlationId, f.logLine(), f.error());
    } else if (f.status() >= 500) {
      log.error("SAML sign-in failed [{}] {}", correlationId, f.logLine());
    } else {
      log.warn("SAML sign-in failed [{}] {}", correlationId, f.logLine());
    }
    setCookies.forEach(c -> response.addHeader("Set-Cookie", c));
    String retry = f.retryable() ? request.getContextPath() + signInPath : null;
    SignInFailure failure = f.toSignInFailure(correlationId, retry);
    try {
      handler.onFailure(request, response, failure);
    } catch (RuntimeException e) {
      log.error("SAML failure handler threw [{}]", correlationId, e);
      if (!response.isCommitted()) {
        response.reset();
        setCookies.forEach(c -> response.addHeader("Set-Cookie", c));
        DefaultFailurePage.INSTANCE.onFailure(request, response, failure);
      }
    }
  }

  private static String correlationId() {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    return HexFormat.of().formatHex(id);
  }
}
