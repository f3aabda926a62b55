package io.cloudsign.saml.spring;

import io.cloudsign.saml.servlet.FilterErrorCode;
import io.cloudsign.saml.servlet.SessionRevocations;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends, at each request, a Spring-authenticated {@link CloudsignSamlAuthentication} whose session
 * Entra ended (IdP-initiated logout, recorded in {@link SessionRevocations} at the Logout Url by
 * the servlet filter, in any browser and, with a shared store, on any node): the security context
 * is cleared, an empty one saved and the HTTP session invalidated, and the request goes on
 * anonymous (a browser is sent to sign in, an API call gets 401). It sits before Spring's {@code
 * LogoutFilter}, so a revoked user's {@code POST /logout} is a local logout. When the store cannot
 * answer, the request is refused with 503 {@code session_check_unavailable} and the session kept
 * (fail closed, as the servlet filter does).
 */
final class SessionCheckFilter extends OncePerRequestFilter {
  private static final Logger log = LoggerFactory.getLogger(SessionCheckFilter.class);

  private final SessionRevocations revocations;
  private final SecurityContextHolderStrategy holder;
  private final SecurityContextRepository contexts;

  SessionCheckFilter(
      SessionRevocations revocations,
      SecurityContextHolderStrategy holder,
      SecurityContextRepository contexts) {
    this.revocations = revocations;
    this.holder = holder;
    this.contexts = contexts;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (holder.getContext().getAuthentication() instanceof CloudsignSamlAuthentication auth) {
      boolean revoked;
      try {
        revoked = revocations.isRevoked(auth.identity());
      } catch (RuntimeException e) {
        log.error(
            "session of {} (registration {}) kept but not let in: {} did not answer: {}",
            safe(auth.getName()),
            safe(auth.identity().registrationId()),
            safe(String.valueOf(revocations)),
            safe(e.toString()));
        unavailable(response);
        return;
      }
      if (revoked) {
        log.info(
            "SAML session of {} ended: the IdP signed the user out (IdP-initiated logout)",
            safe(auth.getName()));
        holder.clearContext();
        contexts.saveContext(holder.createEmptyContext(), request, response);
        HttpSession session = request.getSession(false);
        if (session != null) {
          try {
            session.invalidate();
          } catch (IllegalStateException alreadyInvalid) {
            // nothing to end
          }
        }
      }
    }
    chain.doFilter(request, response);
  }

  /** A value for a log line: control characters replaced, at most 200 characters. */
  private static String safe(String value) {
    String v = value.replaceAll("\\p{Cntrl}", "?");
    return v.length() > 200 ? v.substring(0, 200) + "…" : v;
  }

  private static void unavailable(HttpServletResponse response) throws IOException {
    FilterErrorCode code = FilterErrorCode.SESSION_CHECK_UNAVAILABLE;
    response.setStatus(code.status());
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("Retry-After", "5");
    response.setContentType("text/html;charset=UTF-8");
    response
        .getOutputStream()
        .write(
            ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Try again"
                    + "</title></head><body><p>Your session cannot be checked right now. Please try"
                    + " again in a moment.</p><p>Error code: <code id=\"error-code\">"
                    + code.id()
                    + "</code></p></body></html>")
                .getBytes(StandardCharsets.UTF_8));
  }
}
