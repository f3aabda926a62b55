package io.cloudsign.saml.spring;

import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashSet;
import java.util.Set;

/** Which paths belong to cloudsign-saml, as the servlet filter computes them. */
final class Paths {
  /** The servlet filter's own endpoints never continue the chain; if one did, that is a bug. */
  static final FilterChain NO_CHAIN =
      (req, res) -> {
        throw new ServletException("cloudsign-saml endpoint unexpectedly continued the chain");
      };

  private Paths() {}

  static String inContext(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    return path.isEmpty() ? "/" : path;
  }

  /** Reply URL paths, with the context path (as the Reply URL says). */
  static Set<String> replyUrlPaths(ServiceProvider sp) {
    Set<String> out = new LinkedHashSet<>();
    for (Registration r : sp.registrations()) {
      out.add(r.replyUrl().getPath());
    }
    return Set.copyOf(out);
  }

  /** The Logout Url ({@code sp-logout-url}) paths, with the context path. */
  static Set<String> logoutUrlPaths(ServiceProvider sp) {
    Set<String> out = new LinkedHashSet<>();
    for (Registration r : sp.registrations()) {
      r.logoutUrl().ifPresent(u -> out.add(u.getPath()));
    }
    return Set.copyOf(out);
  }

  /** The sign-in path (in context) and each Sign on URL path (full). */
  static Set<String> signInPaths(ServiceProvider sp, String signInPath) {
    Set<String> out = new LinkedHashSet<>();
    out.add(signInPath);
    for (Registration r : sp.registrations()) {
      r.signOnUrl().ifPresent(u -> out.add(u.getPath()));
    }
    out.removeAll(replyUrlPaths(sp));
    return Set.copyOf(out);
  }
}
