package io.cloudsign.saml.servlet;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Sends each request to the endpoint for its path: the Reply URL, SP metadata, sign-in start or
 * logout; any other path is the application's, reached with the signed-in user exposed, or a
 * sign-in challenge when it is protected. Immutable, built once per filter.
 */
final class Router {
  private final FilterSettings s;
  private final Endpoint replyUrl;
  private final Endpoint metadata;
  private final SignInStart signIn;
  private final LogoutEndpoint logout;
  private final Endpoint logoutUrl;

  Router(FilterSettings settings) {
    this.s = settings;
    this.replyUrl = new ReplyUrlEndpoint(settings);
    this.metadata = new MetadataEndpoint(settings);
    this.signIn = new SignInStart(settings);
    this.logout = new LogoutEndpoint(settings);
    this.logoutUrl = new LogoutUrlEndpoint(settings);
  }

  FilterSettings settings() {
    return s;
  }

  /** Single logout at the IdP for a session that has already ended here (LogoutEndpoint's). */
  java.util.Optional<String> startSingleLogout(
      SamlPrincipal principal, HttpServletResponse response) {
    return logout.singleLogout(principal, response);
  }

  void dispatch(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String path = Requests.pathInContext(request);
    Endpoint own = endpointFor(path, request.getContextPath() + path);
    if (own != null) {
      own.handle(request, response);
      return;
    }
    SamlPrincipal principal;
    try {
      principal = Sessions.current(request, s);
    } catch (Sessions.CheckUnavailable e) {
      s.responder.respond(request, response, e.failure());
      return;
    }
    if (principal != null) {
      request.setAttribute(SamlPrincipal.ATTRIBUTE, principal);
      chain.doFilter(new AuthenticatedRequest(request, principal), response);
    } else if (s.isProtected(path)) {
      signIn.challenge(request, response);
    } else {
      chain.doFilter(request, response);
    }
  }

  /** The filter's own endpoint at this path, or {@code null} for the application's paths. */
  private Endpoint endpointFor(String path, String fullPath) {
    if (s.isReplyUrlPath(fullPath)) {
      return replyUrl;
    }
    if (s.isLogoutUrlPath(fullPath)) {
      return logoutUrl;
    }
    if (s.isMetadataPath(path)) {
      return metadata;
    }
    if (s.isSignInPath(path, fullPath)) {
      return signIn;
    }
    if (path.equals(s.logoutPath)) {
      return logout;
    }
    return null;
  }
}
