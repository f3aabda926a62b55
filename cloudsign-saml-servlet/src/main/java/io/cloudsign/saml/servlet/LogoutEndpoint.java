package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.LogoutRequest;
import io.cloudsign.saml.core.PendingRequest;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.servlet.internal.Html;
import io.cloudsign.saml.servlet.internal.StateCookieCodec.Entry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logout path. A GET (or HEAD) only shows a page with a Sign out button, so a link or an image
 * on another site cannot sign anyone out; a POST from the application's own origin ends the local
 * session (the container's {@code logout()} and a new session state) and sends the browser on
 * (303): to the IdP with a LogoutRequest when the registration has a Logout Url and the IdP a
 * logout URL (single logout; {@link LogoutUrlEndpoint} receives the answer), else to the
 * after-logout path. A POST from elsewhere is refused with {@code logout_not_same_origin} and
 * changes nothing.
 */
final class LogoutEndpoint implements Endpoint {
  private static final Logger log = LoggerFactory.getLogger(SamlSsoFilter.class);

  private final FilterSettings s;

  LogoutEndpoint(FilterSettings settings) {
    this.s = settings;
  }

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (Requests.isSafeMethod(request)) {
      confirmationPage(request, response);
      return;
    }
    if (!"POST".equals(request.getMethod())) {
      response.setHeader("Allow", "GET, HEAD, POST");
      response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
      return;
    }
    if (!isSameOrigin(request)) {
      s.responder.respond(
          request,
          response,
          Failure.of(
              FilterErrorCode.LOGOUT_NOT_SAME_ORIGIN,
              "a POST to the logout path from "
                  + LogText.value(String.valueOf(origin(request)))
                  + " (Sec-Fetch-Site "
                  + LogText.value(String.valueOf(request.getHeader("Sec-Fetch-Site")))
                  + ") for host "
                  + Requests.safeHost(request.getHeader("Host"))));
      return;
    }
    SamlPrincipal signedIn;
    try {
      signedIn = Sessions.current(request, s);
    } catch (Sessions.CheckUnavailable e) {
      // Signing out is the safe direction: end the session and start single logout for it.
      signedIn = Sessions.unchecked(request, s);
    }
    Sessions.end(request);
    response.setHeader("Cache-Control", "no-store");
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    Optional<String> atIdp = signedIn == null ? Optional.empty() : singleLogout(signedIn, response);
    response.setHeader("Location", atIdp.orElse(request.getContextPath() + s.afterLogoutPath));
  }

  /**
   * Signed out here; when the registration has a Logout Url and its IdP a logout URL, on to the IdP
   * with a LogoutRequest, the pending logout remembered in a cookie for the Logout Url. Also what
   * {@link SamlSsoFilter#startSingleLogout} does for a framework's own logout.
   */
  Optional<String> singleLogout(SamlPrincipal p, HttpServletResponse response) {
    Optional<Registration> registration;
    Optional<LogoutRequest> started;
    try {
      registration = s.serviceProvider.registration(p.registrationId());
      String relayKey = SignInStart.randomToken(16);
      started =
          registration.isEmpty()
              ? Optional.empty()
              : s.serviceProvider.startLogout(
                  p.registrationId(),
                  p.nameId(),
                  p.nameIdFormat().orElse(null),
                  p.sessionIndex().orElse(null),
                  relayKey);
    } catch (RuntimeException e) {
      log.warn(
          "signed out locally; single logout at the IdP not started for registration {}: {}",
          LogText.value(p.registrationId()),
          LogText.value(String.valueOf(e.getMessage())));
      return Optional.empty();
    }
    if (started.isEmpty()) {
      return Optional.empty();
    }
    if (!s.servesLogoutUrlOf(registration.get())) {
      log.warn(
          "signed out locally; single logout not started for registration {}: its Logout Url {}"
              + " is not served by this filter (add its path to tenantLogoutUrlPaths)",
          LogText.value(p.registrationId()),
          LogText.value(String.valueOf(registration.get().logoutUrl().orElse(null))));
      return Optional.empty();
    }
    PendingRequest pending = started.get().pending();
    Entry entry =
        new Entry(
            pending.registrationId(),
            pending.requestId(),
            pending.issuedAt(),
            pending.expiresAt(),
            pending.relayState().orElseThrow(),
            s.afterLogoutPath);
    s.logoutCookie.set(registration.get(), entry).forEach(c -> response.addHeader("Set-Cookie", c));
    log.info(
        "signed out locally; single logout sent to the IdP: registration={} request={}",
        LogText.value(p.registrationId()),
        pending.requestId());
    return Optional.of(started.get().redirectUrl().toString());
  }

  /**
   * Whether the POST comes from a page of this origin: the browser's {@code Sec-Fetch-Site} when it
   * sends one (every current browser does), else the {@code Origin} (or, without one, the {@code
   * Referer}) whose host and port equal the request's {@code Host} header. Without any of them the
   * answer is no: a browser always sends one of them with a form POST.
   */
  static boolean isSameOrigin(HttpServletRequest request) {
    String site = request.getHeader("Sec-Fetch-Site");
    if (site != null) {
      return site.equalsIgnoreCase("same-origin");
    }
    String origin = origin(request);
    String host = request.getHeader("Host");
    if (origin == null || host == null) {
      return false;
    }
    try {
      URI u = new URI(origin);
      if (u.getHost() == null || u.getRawAuthority() == null || u.getRawUserInfo() != null) {
        return false;
      }
      return u.getRawAuthority().toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT));
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /** The request's Origin header, else its Referer; {@code null} for neither or "null". */
  private static String origin(HttpServletRequest request) {
    String origin = request.getHeader("Origin");
    if (origin == null || origin.equals("null")) {
      origin = request.getHeader("Referer");
    }
    return origin == null || origin.equals("null") ? null : origin;
  }

  /** A page with the Sign out button (a same-origin POST); it cannot be framed by another site. */
  private void confirmationPage(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String action = Html.escape(request.getContextPath() + s.logoutPath);
    String page =
        Html.page(
            "Sign out",
            "",
            "<h1>Sign out?</h1><form method=\"post\" action=\""
                + action
                + "\"><button id=\"sign-out\" type=\"submit\">Sign out</button></form>");
    response.setStatus(HttpServletResponse.SC_OK);
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Content-Security-Policy", "frame-ancestors 'none'");
    response.setContentType("text/html; charset=UTF-8");
    response.getOutputStream().write(page.getBytes(StandardCharsets.UTF_8));
  }
}
