package io.cloudsign.saml.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The signed-in user in the HTTP session: found, started (with a new session id) and ended. */
final class Sessions {
  private static final Logger log = LoggerFactory.getLogger(SamlSsoFilter.class);

  private Sessions() {}

  /**
   * The principal of this request's session, or {@code null}; one whose IdP SessionNotOnOrAfter has
   * passed, or that an IdP-initiated logout ended ({@link SessionRevocations}), is removed from the
   * session.
   *
   * @throws CheckUnavailable if the revocations store cannot answer: the session is kept
   */
  static SamlPrincipal current(HttpServletRequest request, FilterSettings s) {
    SamlPrincipal principal = current(request, s.clock);
    if (principal != null && isRevoked(principal, s)) {
      HttpSession session = request.getSession(false);
      if (session != null) {
        session.removeAttribute(SamlPrincipal.ATTRIBUTE);
      }
      log.info(
          "SAML session of {} ended: the IdP signed the user out (IdP-initiated logout)",
          LogText.value(principal.getName()));
      return null;
    }
    return principal;
  }

  /**
   * The principal of this request's session without asking the revocations store (only the
   * SessionNotOnOrAfter check), or {@code null}: for ending that session, never for letting it in.
   */
  static SamlPrincipal unchecked(HttpServletRequest request, FilterSettings s) {
    return current(request, s.clock);
  }

  private static boolean isRevoked(SamlPrincipal principal, FilterSettings s) {
    try {
      return s.revocations.isRevoked(principal);
    } catch (RuntimeException e) {
      throw new CheckUnavailable(
          Failure.of(
              FilterErrorCode.SESSION_CHECK_UNAVAILABLE,
              "the session of "
                  + LogText.value(principal.getName())
                  + " (registration "
                  + LogText.value(principal.registrationId())
                  + ") was kept but not let in: "
                  + LogText.value(String.valueOf(s.revocations))
                  + " did not answer: "
                  + LogText.value(e.getClass().getSimpleName() + ": " + e.getMessage())));
    }
  }

  /**
   * The revocations store could not say whether a session was ended; {@link #failure()} is the 503
   * to answer (the session is not touched).
   */
  static final class CheckUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Failure failure;

    CheckUnavailable(Failure failure) {
      super(failure.logDetail(), null, false, false);
      this.failure = failure;
    }

    Failure failure() {
      return failure;
    }
  }

  private static SamlPrincipal current(HttpServletRequest request, Clock clock) {
    HttpSession session = request.getSession(false);
    if (session == null) {
      return null;
    }
    Object value;
    try {
      value = session.getAttribute(SamlPrincipal.ATTRIBUTE);
    } catch (IllegalStateException invalidated) {
      return null;
    }
    if (!(value instanceof SamlPrincipal principal)) {
      return null;
    }
    Optional<Instant> end = principal.sessionNotOnOrAfter();
    if (end.isPresent() && !clock.instant().isBefore(end.get())) {
      session.removeAttribute(SamlPrincipal.ATTRIBUTE);
      log.info(
          "SAML session of {} ended at the IdP's SessionNotOnOrAfter",
          LogText.value(principal.getName()));
      return null;
    }
    return principal;
  }

  /** Stores the principal in the session, under a new id if a session existed (no fixation). */
  static void start(HttpServletRequest request, SamlPrincipal principal) {
    if (request.getSession(false) != null) {
      request.changeSessionId(); // session fixation: never keep a pre-authentication id
    }
    request.getSession(true).setAttribute(SamlPrincipal.ATTRIBUTE, principal);
  }

  /** Invalidates the session, if any. */
  static void end(HttpServletRequest request) {
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
