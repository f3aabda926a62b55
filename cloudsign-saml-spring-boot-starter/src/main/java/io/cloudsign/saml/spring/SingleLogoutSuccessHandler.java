package io.cloudsign.saml.spring;

import io.cloudsign.saml.servlet.SamlSsoFilter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.logout.LogoutSuccessHandler;

/**
 * Spring Security's logout success handler with single logout: runs after Spring's logout handlers
 * (session invalidated, context cleared, CSRF token removed). When the user who signed out is a
 * {@link CloudsignSamlAuthentication} whose registration has a Logout Url ({@code sp-logout-url})
 * and whose IdP has a logout URL, the browser is sent to Entra (303) with the LogoutRequest and the
 * pending-logout cookie, through the servlet module's {@link SamlSsoFilter#startSingleLogout};
 * every other logout goes to the handler the application's {@code http.logout(…)} had (by default
 * Spring's redirect to {@code /login?logout}).
 */
final class SingleLogoutSuccessHandler implements LogoutSuccessHandler {
  private final SamlSsoFilter saml;
  private final LogoutSuccessHandler otherwise;

  SingleLogoutSuccessHandler(SamlSsoFilter saml, LogoutSuccessHandler otherwise) {
    this.saml = saml;
    this.otherwise = otherwise;
  }

  @Override
  public void onLogoutSuccess(
      HttpServletRequest request, HttpServletResponse response, Authentication authentication)
      throws IOException, ServletException {
    Optional<URI> atEntra =
        authentication instanceof CloudsignSamlAuthentication a
            ? saml.startSingleLogout(a.identity(), response)
            : Optional.empty();
    if (atEntra.isEmpty()) {
      otherwise.onLogoutSuccess(request, response, authentication);
      return;
    }
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", atEntra.get().toString());
    response.setHeader("Cache-Control", "no-store");
  }
}
