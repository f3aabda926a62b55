package io.cloudsign.saml.spring;

import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.servlet.SamlPrincipal;
import io.cloudsign.saml.servlet.SamlSsoFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Set;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The cloudsign-saml endpoints inside Spring Security's filter chain, composed from the servlet
 * module's public {@link SamlSsoFilter}: the Reply URL, sign-in start and SP metadata paths go to
 * it, and so does each registration's Logout Url ({@code GET}: Entra's LogoutResponse or
 * LogoutRequest, answered by the servlet filter); every other path goes on down the chain untouched
 * (authorization, logout and CSRF are Spring's). Spring's default logout success URL, {@code
 * <sign-in path>?logout}, is answered with a "signed out" page instead of a new trip to Entra.
 *
 * <p>On the Reply URL the servlet filter validates the Response, checks the state cookie and
 * RelayState, asks the UserLinker and, on success, leaves the {@link SamlPrincipal} in the session
 * with a 303 to the return path (nothing written yet). This filter then moves the principal out of
 * the session into a {@link CloudsignSamlAuthentication}: Spring's {@link
 * SessionAuthenticationStrategy} runs (session fixation, CSRF token), the context is saved through
 * the {@link SecurityContextRepository}, and the {@link AuthenticationSuccessHandler} answers
 * (default: 303 to the return path). Failures never reach here: the servlet filter's {@code
 * FailureHandler} is the Spring failure handler's adapter.
 */
final class SignInFilter extends OncePerRequestFilter {
  /** Request attribute: the return path the servlet filter chose (same origin), for handlers. */
  static final String RETURN_PATH = SignInFilter.class.getName() + ".RETURN_PATH";

  private final SamlSsoFilter saml;
  private final ServiceProvider serviceProvider;
  private final Set<String> replyUrlPaths;
  private final Set<String> logoutUrlPaths;
  private final Set<String> signInPaths;
  private final String signInPath;
  private final String metadataPath;
  private final CloudsignSamlAuthoritiesMapper authorities;
  private final SessionAuthenticationStrategy sessions;
  private final SecurityContextRepository contexts;
  private final SecurityContextHolderStrategy holder;
  private final AuthenticationSuccessHandler success;

  SignInFilter(
      SamlSsoFilter saml,
      ServiceProvider serviceProvider,
      String signInPath,
      String metadataPath,
      CloudsignSamlAuthoritiesMapper authorities,
      SessionAuthenticationStrategy sessions,
      SecurityContextRepository contexts,
      SecurityContextHolderStrategy holder,
      AuthenticationSuccessHandler success) {
    this.saml = saml;
    this.serviceProvider = serviceProvider;
    this.replyUrlPaths = Paths.replyUrlPaths(serviceProvider);
    this.logoutUrlPaths = Paths.logoutUrlPaths(serviceProvider);
    this.signInPaths = Paths.signInPaths(serviceProvider, signInPath);
    this.signInPath = signInPath;
    this.metadataPath = metadataPath;
    this.authorities = authorities;
    this.sessions = sessions;
    this.contexts = contexts;
    this.holder = holder;
    this.success = success;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String path = Paths.inContext(request);
    String full = request.getContextPath() + path;
    if (replyUrlPaths.contains(full)) {
      replyUrl(request, response);
    } else if (logoutUrlPaths.contains(full)) {
      logoutUrl(request, response);
    } else if (path.equals(signInPath)
        && "GET".equals(request.getMethod())
        && "logout".equals(request.getQueryString())) {
      signedOut(request, response);
    } else if ((signInPaths.contains(path) || signInPaths.contains(full))
        && alreadySignedIn(path, full)) {
      response.setStatus(HttpServletResponse.SC_SEE_OTHER);
      response.setHeader("Location", request.getContextPath() + localReturnTo(request));
      response.setHeader("Cache-Control", "no-store");
    } else if (signInPaths.contains(path)
        || signInPaths.contains(full)
        || path.equals(metadataPath)
        || path.startsWith(metadataPath + "/")) {
      saml.doFilter(request, response, Paths.NO_CHAIN);
    } else {
      chain.doFilter(request, response);
    }
  }

  private void replyUrl(HttpServletRequest request, HttpServletResponse response)
      throws IOException, ServletException {
    removePrincipal(request.getSession(false)); // only this request's sign-in may count
    saml.doFilter(request, response, Paths.NO_CHAIN);
    HttpSession session = request.getSession(false);
    if (session == null
        || !(session.getAttribute(SamlPrincipal.ATTRIBUTE) instanceof SamlPrincipal p)) {
      return; // refused: the failure handler has answered
    }
    removePrincipal(session);
    String returnPath = response.getHeader("Location");
    response.setStatus(HttpServletResponse.SC_OK);
    response.setHeader("Location", null);
    Registration registration =
        serviceProvider
            .registration(p.registrationId())
            .orElseThrow(() -> new IllegalStateException("unknown registration"));
    CloudsignSamlAuthentication auth =
        new CloudsignSamlAuthentication(p, authorities.authorities(p, registration));
    sessions.onAuthentication(auth, request, response);
    SecurityContext context = holder.createEmptyContext();
    context.setAuthentication(auth);
    holder.setContext(context);
    contexts.saveContext(context, request, response);
    request.setAttribute(RETURN_PATH, returnPath == null ? "/" : returnPath);
    success.onAuthenticationSuccess(request, response, auth);
  }

  /**
   * The Logout Url, answered by the servlet filter: a LogoutResponse to this browser's pending
   * logout (checked over the raw query), or Entra's LogoutRequest, recorded in the session
   * revocations and answered. The Spring-authenticated identity is lent to the servlet filter as
   * the request's {@link SamlPrincipal}, so that a LogoutRequest naming it also ends this browser's
   * session at once; when the session was ended, the context is cleared.
   */
  private void logoutUrl(HttpServletRequest request, HttpServletResponse response)
      throws IOException, ServletException {
    if (holder.getContext().getAuthentication() instanceof CloudsignSamlAuthentication auth) {
      request.setAttribute(SamlPrincipal.ATTRIBUTE, auth.identity());
    }
    saml.doFilter(request, response, Paths.NO_CHAIN);
    request.removeAttribute(SamlPrincipal.ATTRIBUTE);
    if (request.getSession(false) == null) {
      holder.clearContext();
    }
  }

  /**
   * True when this browser is signed in with the registration this sign-in path starts (its Sign on
   * URL path, or the sign-in path when there is one registration): no second trip to Entra, as the
   * servlet filter does. Another registration's sign-in still starts, to switch tenants.
   */
  private boolean alreadySignedIn(String path, String full) {
    if (!(holder.getContext().getAuthentication() instanceof CloudsignSamlAuthentication auth)) {
      return false;
    }
    String signedIn = auth.identity().registrationId();
    for (Registration r : serviceProvider.registrations()) {
      boolean startsThis =
          r.signOnUrl().map(u -> u.getPath().equals(full)).orElse(false)
              || (path.equals(signInPath) && serviceProvider.registrations().size() == 1);
      if (startsThis) {
        return r.id().equals(signedIn);
      }
    }
    return false;
  }

  /**
   * {@code ?return_to=} when it is a plain local path (letters, digits, {@code /._~-}; no {@code
   * //}, no {@code ..}, no query), else {@code /}: a redirect target the browser cannot read as
   * another origin.
   */
  static String localReturnTo(HttpServletRequest request) {
    String to = request.getParameter(SamlSsoFilter.RETURN_TO_PARAM);
    if (to == null
        || to.length() > 512
        || !to.matches("/(?![/\\\\])[A-Za-z0-9._~/-]*")
        || to.contains("//")
        || to.contains("/..")) {
      return "/";
    }
    return to;
  }

  /**
   * Spring Security's default logout success URL ({@code /login?logout}): a page, not a new
   * sign-in, or Entra's single sign-on session would sign the user straight back in.
   */
  private void signedOut(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType("text/html;charset=UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response
        .getWriter()
        .print(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signed"
                + " out</title></head><body><p id=\"signed-out\">You are signed out.</p><p><a"
                + " id=\"sign-in\" href=\""
                + request.getContextPath()
                + signInPath
                + "\">Sign in again</a></p></body></html>");
  }

  private static void removePrincipal(HttpSession session) {
    if (session != null) {
      try {
        session.removeAttribute(SamlPrincipal.ATTRIBUTE);
      } catch (IllegalStateException invalidated) {
        // nothing to remove
      }
    }
  }
}
