package io.cloudsign.saml.servlet;

import io.cloudsign.saml.servlet.internal.Html;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The built-in failure page: only fixed text, the code id, the correlation id and, where a retry
 * can succeed ({@link SignInFailure#retryUrl()}), a link to sign in again.
 */
final class DefaultFailurePage implements FailureHandler {
  static final DefaultFailurePage INSTANCE = new DefaultFailurePage();

  private DefaultFailurePage() {}

  @Override
  public void onFailure(
      HttpServletRequest request, HttpServletResponse response, SignInFailure failure)
      throws IOException {
    String body =
        Html.page(
            "Sign-in failed",
            "",
            "<h1>Sign-in failed</h1><p>"
                + Html.escape(failure.userMessage())
                + "</p><p>Error code: <code id=\"error-code\">"
                + Html.escape(failure.code())
                + "</code><br>Correlation id: <code id=\"correlation-id\">"
                + Html.escape(failure.correlationId())
                + "</code></p>"
                + failure
                    .retryUrl()
                    .map(
                        u ->
                            "<p><a id=\"try-again\" href=\""
                                + Html.escape(u)
                                + "\">Sign in again</a></p>")
                    .orElse("")
                + "<p>Give these to your administrator if the problem persists.</p>");
    response.setStatus(failure.status());
    response.setContentType("text/html; charset=UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
  }
}
