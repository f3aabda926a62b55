package io.cloudsign.saml.testkit;

import java.util.List;

/**
 * Entra's side of an SP-initiated single logout, for {@link FakeEntraServer}: checks a
 * HTTP-Redirect LogoutRequest as Entra does and says where to redirect, or which AADSTS error page
 * to show.
 */
final class LogoutEndpoint {
  /** Entra's refusal of a LogoutRequest sent by HTTP-POST: it speaks HTTP-Redirect only. */
  static final String[] POST_REFUSED = {
    "AADSTS750054",
    "SAMLRequest or SAMLResponse must be present as query string parameters in HTTP request for"
        + " SAML Redirect binding."
  };

  /**
   * Either {@code location} (answer 302) and the {@code request} it answers, or {@code code} and
   * {@code message} (an error page).
   */
  record Answer(String location, LogoutRequestInfo request, String code, String message) {
    static Answer error(String code, String message) {
      return new Answer(null, null, code, message);
    }
  }

  private LogoutEndpoint() {}

  /**
   * The answer to a GET whose SAMLRequest is a LogoutRequest (the caller has checked its signature
   * when the tenant requires signed requests); {@code attacks} change the LogoutResponse.
   */
  static Answer answer(FakeEntra entra, String rawQuery, List<LogoutAttack> attacks) {
    LogoutRequestInfo req;
    try {
      req = entra.parseLogoutRedirect(rawQuery);
    } catch (IllegalArgumentException e) {
      return Answer.error("AADSTS75005", "The request is not a valid Saml2 protocol message.");
    }
    if (!entra.applications().isEmpty() && !entra.applications().containsKey(req.issuer())) {
      return Answer.error(
          "AADSTS700016",
          "Application with identifier '"
              + req.issuer()
              + "' was not found in the directory '"
              + entra.tenantId()
              + "'.");
    }
    if (entra.logoutUrlOf(req.issuer()).isEmpty()) {
      // Entra cannot send the LogoutResponse anywhere without the app's Logout Url.
      return Answer.error(
          "AADSTS500113",
          "No reply address is registered for the application. (The fake: set it with"
              + " FakeEntra.builder().logoutUrl(identifier, logoutUrl).)");
    }
    LogoutResponseBuilder response = entra.logoutResponseTo(req);
    LogoutAttack.applyToResponse(attacks, response);
    return new Answer(response.redirectUrl(), req, null, null);
  }
}
