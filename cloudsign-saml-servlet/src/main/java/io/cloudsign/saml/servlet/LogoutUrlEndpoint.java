package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.IdpLogoutRequest;
import io.cloudsign.saml.core.LogoutException;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.servlet.internal.Html;
import io.cloudsign.saml.servlet.internal.StateCookieCodec.Entry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registration's Logout Url: receives the IdP's LogoutResponse to the logout this browser started
 * (a GET by HTTP-Redirect, checked by core over the raw query string, as Entra sends it; or a POST
 * by HTTP-POST, as Keycloak and SimpleSAMLphp send it), ends the pending logout and sends the
 * browser to the after-logout path (303). The local session was ended before the browser left for
 * the IdP; a refused or missing answer only means that the sign-out at the IdP is not confirmed,
 * which the page says (400, with the code), and the session stays ended.
 *
 * <p>An IdP's LogoutRequest (IdP-initiated logout, by GET or POST) ends that user's sessions once
 * core has verified it, and is answered by HTTP-Redirect; a refused one ends nobody's session (400,
 * with the code). A POST here comes cross-site from the IdP by design: the message's signature, not
 * its origin, authenticates it (the same-origin POST /logout is another path).
 */
final class LogoutUrlEndpoint implements Endpoint {
  private static final Logger log = LoggerFactory.getLogger(SamlSsoFilter.class);

  private final FilterSettings s;

  LogoutUrlEndpoint(FilterSettings settings) {
    this.s = settings;
  }

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    List<Registration> here =
        s.logoutUrlServedAt(request, request.getContextPath() + Requests.pathInContext(request));
    String query = request.getQueryString();
    LogoutForm form = null;
    if ("POST".equals(request.getMethod())) {
      try {
        form = LogoutForm.read(request);
      } catch (LogoutForm.Malformed e) {
        here.forEach(
            r -> s.logoutCookie.clear(r).forEach(c -> response.addHeader("Set-Cookie", c)));
        response.setHeader("Cache-Control", "no-store");
        notConfirmed(response, "logout_malformed", e.getMessage());
        return;
      }
      if (form.isRequest()) {
        LogoutForm posted = form;
        idpInitiated(
            request,
            response,
            here,
            ids ->
                s.serviceProvider.validateLogoutRequestPost(
                    posted.message(), posted.relayState(), ids));
        return;
      }
    } else if ("GET".equals(request.getMethod())
        && query != null
        && (query.startsWith("SAMLRequest=") || query.contains("&SAMLRequest="))) {
      idpInitiated(
          request, response, here, ids -> s.serviceProvider.validateLogoutRequest(query, ids));
      return;
    }
    answerToThisBrowsersLogout(request, response, here, form, query);
  }

  /**
   * The IdP's LogoutResponse, by GET ({@code form} null) or POST, to the logout this browser's
   * cookie names.
   */
  private void answerToThisBrowsersLogout(
      HttpServletRequest request,
      HttpServletResponse response,
      List<Registration> here,
      LogoutForm form,
      String query)
      throws IOException {
    // No session is ended before the answer verifies: a link or image to the Logout Url on
    // another site must not sign anyone out (the local session ended at POST /logout already).
    here.forEach(r -> s.logoutCookie.clear(r).forEach(c -> response.addHeader("Set-Cookie", c)));
    response.setHeader("Cache-Control", "no-store");
    if (!"GET".equals(request.getMethod()) && form == null) {
      notConfirmed(response, "logout_malformed", "a " + Requests.safeMethod(request) + " request");
      return;
    }
    Optional<Entry> pending = s.logoutCookie.read(request, here);
    if (pending.isEmpty()) {
      notConfirmed(
          response,
          "logout_unknown_request",
          "no pending logout in this browser (cookie missing, expired or not signed by this"
              + " node's state key)");
      return;
    }
    try {
      if (form != null) {
        s.serviceProvider.validateLogoutResponsePost(
            form.message(), form.relayState(), pending.get().toPendingRequest());
      } else {
        s.serviceProvider.validateLogoutResponse(query, pending.get().toPendingRequest());
      }
    } catch (LogoutException e) {
      notConfirmed(response, e.code().id(), e.getMessage() + " | hint: " + e.code().hint());
      return;
    } catch (RuntimeException e) {
      notConfirmed(response, "registration_unavailable", String.valueOf(e.getMessage()));
      return;
    }
    Sessions.end(request); // a session started meanwhile in this browser ends with its logout
    log.info(
        "single logout confirmed by the IdP: registration={} request={}",
        LogText.value(pending.get().registrationId()),
        pending.get().requestId());
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", request.getContextPath() + pending.get().returnPath());
  }

  /** Validates an IdP's LogoutRequest, whatever binding it came by, for these registrations. */
  @FunctionalInterface
  private interface LogoutRequestCheck {
    IdpLogoutRequest validate(List<String> registrationIds) throws LogoutException;
  }

  /**
   * The IdP ends the user's sessions (it signed the user out of another application): the
   * LogoutRequest is checked, the sessions of its NameID (and SessionIndex) recorded as ended in
   * {@link SessionRevocations} (every browser, every node sharing them) and this browser's ended
   * too, then the IdP gets its LogoutResponse. A refused LogoutRequest ends nothing.
   */
  private void idpInitiated(
      HttpServletRequest request,
      HttpServletResponse response,
      List<Registration> here,
      LogoutRequestCheck check)
      throws IOException {
    response.setHeader("Cache-Control", "no-store");
    IdpLogoutRequest logout;
    try {
      logout = check.validate(here.stream().map(Registration::id).toList());
    } catch (LogoutException e) {
      refused(response, e.code().id(), e.getMessage() + " | hint: " + e.code().hint());
      return;
    }
    boolean recorded = revoke(logout);
    SamlPrincipal current = SamlPrincipal.of(request).orElse(null);
    if (current != null && endsSessionOf(logout, current)) {
      Sessions.end(request); // this browser's session ends even when the store failed
    }
    if (recorded) {
      log.info(
          "IdP-initiated logout: registration={} request={} sessions of {} ended",
          LogText.value(logout.registrationId()),
          LogText.value(logout.id()),
          LogText.value(logout.nameId()));
    }
    response.setStatus(HttpServletResponse.SC_FOUND);
    response.setHeader(
        "Location",
        (recorded
                ? s.serviceProvider.logoutResponse(logout)
                : s.serviceProvider.logoutFailedResponse(logout))
            .toString());
  }

  /**
   * Records the logout for every browser and node; false (after an ERROR naming the store) when the
   * store failed: then only this browser is signed out, and the IdP is told so (Responder).
   */
  private boolean revoke(IdpLogoutRequest logout) {
    try {
      s.revocations.revoke(
          logout.registrationId(), logout.nameId(), logout.sessionIndexes(), s.clock.instant());
      return true;
    } catch (RuntimeException e) {
      log.error(
          "IdP-initiated logout NOT recorded: {} failed; registration={} request={}: only this"
              + " browser's session of {} ended, its sessions in other browsers and on other nodes"
              + " stay signed in; the IdP is answered with Status Responder: {}",
          LogText.value(String.valueOf(s.revocations)),
          LogText.value(logout.registrationId()),
          LogText.value(logout.id()),
          LogText.value(logout.nameId()),
          LogText.value(e.getClass().getSimpleName() + ": " + e.getMessage()));
      return false;
    }
  }

  /** Whether the logout names this session (its user, and its SessionIndex when it lists any). */
  private static boolean endsSessionOf(IdpLogoutRequest logout, SamlPrincipal p) {
    return logout.registrationId().equals(p.registrationId())
        && logout.nameId().equals(p.nameId())
        && (logout.sessionIndexes().isEmpty()
            || p.sessionIndex().map(logout.sessionIndexes()::contains).orElse(false));
  }

  private static void refused(HttpServletResponse response, String code, String detail)
      throws IOException {
    log.warn("IdP-initiated logout refused; no session was ended: {}", LogText.value(detail));
    String page =
        Html.page(
            "Logout refused",
            "",
            "<h1>This sign-out request was refused</h1><p>It could not be verified as coming from"
                + " Microsoft Entra ID; nobody was signed out.</p><p>Error code: <code"
                + " id=\"error-code\">"
                + Html.escape(code)
                + "</code></p>");
    response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
    response.setContentType("text/html; charset=UTF-8");
    response.getOutputStream().write(page.getBytes(StandardCharsets.UTF_8));
  }

  private static void notConfirmed(HttpServletResponse response, String code, String detail)
      throws IOException {
    log.warn(
        "single logout not confirmed (a sign-out started here ended the local session already):"
            + " {}",
        LogText.value(detail));
    String page =
        Html.page(
            "Sign-out not confirmed",
            "",
            "<h1>Sign-out not confirmed</h1><p>The answer from Microsoft Entra ID to a sign-out"
                + " could not be verified. A sign-out you started in this application has signed"
                + " you out of it; close the browser to end the Entra session too.</p><p>Error"
                + " code: <code id=\"error-code\">"
                + Html.escape(code)
                + "</code></p>");
    response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
    response.setContentType("text/html; charset=UTF-8");
    response.getOutputStream().write(page.getBytes(StandardCharsets.UTF_8));
  }
}
