package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.Binding;
import io.cloudsign.saml.core.ErrorCode;
import io.cloudsign.saml.core.PendingRequest;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.RegistrationUnavailableException;
import io.cloudsign.saml.core.SignInRequest;
import io.cloudsign.saml.servlet.internal.Html;
import io.cloudsign.saml.servlet.internal.ReturnPaths;
import io.cloudsign.saml.servlet.internal.StateCookieCodec.Entry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in start: the Sign on URL path ({@link #handle}) and a protected path reached without a
 * signed-in user ({@link #challenge}). Sends the browser to Entra with a fresh AuthnRequest and
 * remembers it in the request-state cookie; answers API calls 401 instead.
 */
final class SignInStart implements Endpoint {
  private static final Logger log = LoggerFactory.getLogger(SamlSsoFilter.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final FilterSettings s;

  SignInStart(FilterSettings settings) {
    this.s = settings;
  }

  /** The Sign on URL path; {@code ?return_to=/path} (query of GET or HEAD only) says where to. */
  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String returnTo =
        Requests.isSafeMethod(request) ? request.getParameter(SamlSsoFilter.RETURN_TO_PARAM) : null;
    SamlPrincipal current;
    try {
      current = Sessions.current(request, s);
    } catch (Sessions.CheckUnavailable e) {
      s.responder.respond(request, response, e.failure());
      return;
    }
    start(request, response, returnPathFor(request, returnTo), current);
  }

  /** A protected path without a signed-in user: redirect a browser navigation, else 401. */
  void challenge(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (!s.redirectToSignIn.test(request)) {
      unauthorized(request, response);
      return;
    }
    if (!Requests.isSafeMethod(request)) {
      start(request, response, returnPathFor(request, null), null);
      return;
    }
    String target = returnPathFor(request, Requests.uriWithQuery(request));
    if ("cross-site".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"))
        && "navigate".equalsIgnoreCase(request.getHeader("Sec-Fetch-Mode"))) {
      // A cross-site navigation (e.g. the redirect after Entra's POST) does not carry
      // SameSite=Strict cookies: reload once as a same-site navigation before asking Entra.
      sameSiteReload(response, target);
      return;
    }
    start(request, response, target, null);
  }

  private void unauthorized(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setStatus(FilterErrorCode.AUTHENTICATION_REQUIRED.status());
    response.setHeader("WWW-Authenticate", "SAML");
    response.setHeader("Cache-Control", "no-store");
    response.setContentType("application/json; charset=UTF-8");
    String signInPath = request.getContextPath() + s.signInPath;
    String body =
        "{\"error\":\""
            + FilterErrorCode.AUTHENTICATION_REQUIRED.id()
            + "\",\"signOnUrl\":\""
            + signInPath
            + "\"}";
    response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
  }

  private static void sameSiteReload(HttpServletResponse response, String target)
      throws IOException {
    String url = Html.escape(target);
    String page =
        Html.page(
            "Continuing…",
            "<meta http-equiv=\"refresh\" content=\"0;url=" + url + "\">",
            "<p>Continuing… <a href=\"" + url + "\">Continue</a></p>");
    response.setStatus(HttpServletResponse.SC_OK);
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setContentType("text/html; charset=UTF-8");
    response.getOutputStream().write(page.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends the browser to Entra for the selected registration; a browser already signed in with that
   * registration ({@code signedIn}) goes straight to {@code returnPath} instead (another
   * registration's sign-in still starts, to switch tenants).
   */
  private void start(
      HttpServletRequest request,
      HttpServletResponse response,
      String returnPath,
      SamlPrincipal signedIn)
      throws IOException {
    Optional<String> selected;
    try {
      selected = s.selector.select(request, s.serviceProvider);
    } catch (RegistrationUnavailableException e) {
      s.responder.respond(
          request,
          response,
          Failure.validation(ErrorCode.REGISTRATION_UNAVAILABLE, e.getMessage()));
      return;
    } catch (RuntimeException e) {
      s.responder.respond(
          request, response, Failure.internal("the RegistrationSelector failed", e));
      return;
    }
    Optional<Registration> registration;
    try {
      registration = selected.flatMap(s.serviceProvider::registration);
    } catch (RegistrationUnavailableException e) {
      s.responder.respond(
          request,
          response,
          Failure.validation(ErrorCode.REGISTRATION_UNAVAILABLE, e.getMessage())
              .at(e.registrationId()));
      return;
    }
    if (registration.isPresent() && !s.servesReplyUrlOf(registration.get())) {
      s.responder.respond(
          request,
          response,
          Failure.validation(
                  ErrorCode.REGISTRATION_UNAVAILABLE,
                  "the tenant's Reply URL "
                      + LogText.value(registration.get().replyUrl().toString())
                      + " has a path this filter does not serve (tenantReplyUrlPaths "
                      + s.tenantReplyUrlPaths
                      + "): correct the tenant's Reply URL")
              .at(registration.get().id()));
      return;
    }
    if (registration.isEmpty()) {
      s.responder.respond(
          request,
          response,
          Failure.of(
              FilterErrorCode.NO_REGISTRATION,
              "no registration selected for "
                  + LogText.value(request.getRequestURI())
                  + " (RegistrationSelector)"));
      return;
    }
    if (signedIn != null && signedIn.registrationId().equals(registration.get().id())) {
      response.setStatus(HttpServletResponse.SC_SEE_OTHER);
      response.setHeader("Location", returnPath);
      response.setHeader("Cache-Control", "no-store");
      return;
    }
    try {
      send(response, registration.get(), returnPath);
    } catch (RegistrationUnavailableException e) {
      // The tenant's 30 s check fell between the lookup above and the AuthnRequest's.
      s.responder.respond(
          request,
          response,
          Failure.validation(ErrorCode.REGISTRATION_UNAVAILABLE, e.getMessage())
              .at(e.registrationId()));
    }
  }

  /**
   * One pending sign-in per browser and Reply URL, last wins: the state cookie is scoped to the
   * Reply URL, so a new sign-in (started elsewhere) replaces an older one. A tab still waiting at
   * Entra then gets missing_request_state or unknown_in_response_to.
   */
  private void send(HttpServletResponse response, Registration reg, String returnPath)
      throws IOException {
    String relayKey = randomToken(16);
    SignInRequest signIn = s.serviceProvider.startSignIn(reg.id(), relayKey);
    PendingRequest pending = signIn.pending();
    Entry entry =
        new Entry(
            reg.id(),
            pending.requestId(),
            pending.issuedAt(),
            pending.expiresAt(),
            relayKey,
            returnPath);
    s.stateCookie.set(reg, entry).forEach(c -> response.addHeader("Set-Cookie", c));
    response.setHeader("Cache-Control", "no-store");
    log.debug(
        "SAML sign-in started: registration={} request={} binding={}",
        reg.id(),
        pending.requestId(),
        signIn.binding());
    if (signIn.binding() == Binding.HTTP_REDIRECT) {
      response.setStatus(HttpServletResponse.SC_FOUND);
      response.setHeader("Location", signIn.redirectUrl().toString());
    } else {
      response.setStatus(HttpServletResponse.SC_OK);
      response.setContentType("text/html; charset=UTF-8");
      response.getOutputStream().write(signIn.postForm().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Where to land after sign-in: a same-origin path that is not one of the filter's own. */
  private String returnPathFor(HttpServletRequest request, String candidate) {
    String ctx = request.getContextPath();
    String home = ctx.isEmpty() ? "/" : ctx + "/";
    String p = ReturnPaths.sanitize(candidate == null ? home : candidate);
    if (p.equals("/")) {
      return home;
    }
    String pathOnly = p.indexOf('?') >= 0 ? p.substring(0, p.indexOf('?')) : p;
    String inContext =
        ctx.isEmpty() ? pathOnly : pathOnly.startsWith(ctx) ? pathOnly.substring(ctx.length()) : "";
    return s.isOwnPath(pathOnly, inContext) ? home : p;
  }

  static String randomToken(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
