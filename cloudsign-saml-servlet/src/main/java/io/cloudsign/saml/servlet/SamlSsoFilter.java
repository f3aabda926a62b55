package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.Binding;
import io.cloudsign.saml.core.ErrorCode;
import io.cloudsign.saml.core.PendingRequest;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.SamlValidationException;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.core.SignOnRequest;
import io.cloudsign.saml.core.VerifiedAssertion;
import io.cloudsign.saml.servlet.internal.Html;
import io.cloudsign.saml.servlet.internal.PathPattern;
import io.cloudsign.saml.servlet.internal.ReturnPaths;
import io.cloudsign.saml.servlet.internal.StateCookieCodec;
import io.cloudsign.saml.servlet.internal.StateCookieCodec.Entry;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs browsers in with Microsoft Entra ID (SP-initiated SAML 2.0, DESIGN §3) in front of a
 * Jakarta Servlet 6 application.
 *
 * <p>What it answers, paths inside the web application (all configurable):
 *
 * <ul>
 *   <li>a <b>protected path</b> (default {@code /*}) without a signed-in user: a browser navigation
 *       is redirected to Entra with a fresh AuthnRequest (HTTP-Redirect, or the HTTP-POST form if
 *       the registration says so); other requests ({@code X-Requested-With: XMLHttpRequest}, {@code
 *       Sec-Fetch-Mode} other than navigate, or an {@code Accept} header that admits no HTML) get
 *       401 with a small JSON body;
 *   <li>the <b>Sign on URL</b> path (default {@code /login}, plus the path of each registration's
 *       signOnUrl) starts sign-in; {@code ?return_to=/path} says where to land afterwards;
 *   <li>the <b>Reply URL</b> path of each registration (e.g. {@code /saml2/idpresponse}): {@code
 *       POST} validates the Response with core; any other method is 405;
 *   <li>{@code GET /saml2/metadata} (or {@code /saml2/metadata/<registration id>}): SP metadata to
 *       upload to Entra;
 *   <li>{@code /logout} (GET or POST): ends the local session and redirects to {@code /}.
 * </ul>
 *
 * <p>On success the session id is rotated ({@code changeSessionId}), the {@link SamlPrincipal} is
 * stored in the session, and the browser gets {@code 303 See Other} to the path it first asked for.
 * Later requests see the principal through {@code getUserPrincipal()}, {@code getRemoteUser()},
 * {@code isUserInRole()} and the request attribute {@link SamlPrincipal#ATTRIBUTE}. On failure the
 * {@link FailureHandler} renders a 4xx page with a code and a correlation id; details go to the log
 * (slf4j, WARN); no session is created.
 *
 * <p><b>Security guarantees.</b> The pending request lives in a dedicated cookie ({@code HttpOnly;
 * Secure; SameSite=None}, {@code Path} = the Reply URL path) signed with HMAC-SHA256 and compared
 * in constant time; the app's own session cookie keeps its SameSite policy. It holds one sign-in in
 * flight per browser and Reply URL: the latest started wins (the cookie is invisible outside the
 * Reply URL path, so a new sign-in replaces it; a tab still waiting at Entra is refused and starts
 * again). Any Response posted to the Reply URL consumes the cookie, accepted or not. A Response is
 * accepted only if its InResponseTo names an entry of <i>this</i> browser's cookie and the posted
 * RelayState is the one bound to that entry; core's replay cache refuses a second use of the
 * assertion. The return path is kept in the signed cookie (RelayState is an opaque 128-bit value)
 * and must be a same-origin path; anything else becomes {@code /}. With {@code SameSite=Strict}
 * session cookies, the cross-site redirect after the Response lands without the cookie; the filter
 * then answers that navigation (recognised by {@code Sec-Fetch-Site: cross-site}) with a page that
 * reloads the same URL as a same-site navigation.
 *
 * <p>Map the filter to {@code /*} (it must see the Reply URL, sign-on, logout and metadata paths)
 * for the {@code REQUEST} dispatcher. The container's form size limit must admit the {@code
 * SAMLResponse} (Jetty's default is 200 kB; raise it to a little more than the ServiceProvider's
 * {@code maxResponseChars}).
 *
 * <p>Thread-safe once initialised.
 *
 * <pre>{@code
 * SamlSsoFilter filter = SamlSsoFilter.builder(serviceProvider, linker)
 *     .protectedPaths("/app/*")
 *     .build();
 * servletContext.addFilter("saml", filter).addMappingForUrlPatterns(null, false, "/*");
 * }</pre>
 *
 * <p>In {@code web.xml}, declare this class and name a {@link SamlSsoFilterFactory} in the {@code
 * factory} init-param.
 */
public final class SamlSsoFilter implements Filter {
  /** The init-param naming a {@link SamlSsoFilterFactory} class (web.xml registration). */
  public static final String FACTORY_INIT_PARAM = "factory";

  /** The sign-on path's query parameter for the path to return to after sign-in. */
  public static final String RETURN_TO_PARAM = "return_to";

  private static final Logger log = LoggerFactory.getLogger(SamlSsoFilter.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_COOKIE_VALUE = 3800;

  private volatile Settings settings;

  /**
   * For {@code web.xml}: configured in {@link #init} through the {@value #FACTORY_INIT_PARAM}
   * init-param. Programmatic users call {@link #builder} instead.
   */
  public SamlSsoFilter() {}

  private SamlSsoFilter(Settings settings) {
    this.settings = settings;
  }

  /**
   * @param serviceProvider the registrations this filter signs users in with
   * @param userLinker maps each verified identity to a local user, or refuses it
   */
  public static Builder builder(ServiceProvider serviceProvider, UserLinker userLinker) {
    return new Builder(serviceProvider, userLinker);
  }

  /**
   * Whether a request looks like a browser navigation that can follow a redirect to Entra: not XHR,
   * {@code Sec-Fetch-Mode} absent or {@code navigate}, and {@code Accept} absent or admitting HTML
   * ({@code text/html}, {@code application/xhtml+xml}, {@code text/*} or {@code * / *}). The
   * default of {@link Builder#redirectToSignIn}.
   */
  public static boolean isBrowserNavigation(HttpServletRequest request) {
    if ("XMLHttpRequest".equalsIgnoreCase(request.getHeader("X-Requested-With"))) {
      return false;
    }
    String mode = request.getHeader("Sec-Fetch-Mode");
    if (mode != null && !mode.equalsIgnoreCase("navigate")) {
      return false;
    }
    Enumeration<String> accepts = request.getHeaders("Accept");
    if (accepts == null || !accepts.hasMoreElements()) {
      return true;
    }
    boolean any = false;
    while (accepts.hasMoreElements()) {
      for (String range : accepts.nextElement().split(",")) {
        String[] parts = range.split(";");
        String type = parts[0].strip().toLowerCase(Locale.ROOT);
        if (type.isEmpty()) {
          continue;
        }
        any = true;
        boolean refused = false;
        for (int i = 1; i < parts.length; i++) {
          String p = parts[i].strip().toLowerCase(Locale.ROOT).replace(" ", "");
          if (p.equals("q=0") || p.matches("q=0\\.0{0,3}")) {
            refused = true;
          }
        }
        if (!refused
            && (type.equals("text/html")
                || type.equals("application/xhtml+xml")
                || type.equals("text/*")
                || type.equals("*/*"))) {
          return true;
        }
      }
    }
    return !any;
  }

  @Override
  public void init(FilterConfig filterConfig) throws ServletException {
    if (settings != null) {
      return;
    }
    String className = filterConfig.getInitParameter(FACTORY_INIT_PARAM);
    if (className == null || className.isBlank()) {
      throw new ServletException(
          "SamlSsoFilter: set the init-param '"
              + FACTORY_INIT_PARAM
              + "' to the class name of your SamlSsoFilterFactory, or register a filter built"
              + " with SamlSsoFilter.builder(…)");
    }
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if (loader == null) {
        loader = SamlSsoFilter.class.getClassLoader();
      }
      Class<?> type = Class.forName(className.strip(), true, loader);
      if (!SamlSsoFilterFactory.class.isAssignableFrom(type)) {
        throw new ServletException(
            "SamlSsoFilter: " + className + " does not implement SamlSsoFilterFactory");
      }
      SamlSsoFilterFactory factory =
          (SamlSsoFilterFactory) type.getDeclaredConstructor().newInstance();
      SamlSsoFilter built = factory.create(filterConfig);
      if (built == null || built.settings == null) {
        throw new ServletException(
            "SamlSsoFilter: "
                + className
                + ".create must return SamlSsoFilter.builder(…).build(), not an unconfigured"
                + " filter");
      }
      this.settings = built.settings;
    } catch (ServletException e) {
      throw e;
    } catch (Exception e) {
      throw new ServletException(
          "SamlSsoFilter: the factory " + className + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    Settings s = settings;
    if (s == null) {
      throw new ServletException("SamlSsoFilter is not configured (init was not called)");
    }
    String path = pathInContext(request);
    String fullPath = request.getContextPath() + path;

    List<Registration> acs = s.acsRegistrations.get(fullPath);
    if (acs != null) {
      handleReply(request, response, s, acs);
      return;
    }
    if (path.equals(s.metadataPath) || path.startsWith(s.metadataPath + "/")) {
      handleMetadata(request, response, s, path.substring(s.metadataPath.length()));
      return;
    }
    if (path.equals(s.signOnPath) || s.signOnFullPaths.contains(fullPath)) {
      String returnTo =
          isSafeMethod(request) ? request.getParameter(RETURN_TO_PARAM) : null; // query only
      startSignIn(request, response, s, returnPathFor(request, s, returnTo));
      return;
    }
    if (path.equals(s.logoutPath)) {
      handleLogout(request, response, s);
      return;
    }

    SamlPrincipal principal = currentPrincipal(request, s);
    if (principal != null) {
      request.setAttribute(SamlPrincipal.ATTRIBUTE, principal);
      chain.doFilter(new AuthenticatedRequest(request, principal), response);
      return;
    }
    if (s.isProtected(path)) {
      challenge(request, response, s);
      return;
    }
    chain.doFilter(request, response);
  }

  @Override
  public void destroy() {}

  // ---------------------------------------------------------------------------------------------

  private static String pathInContext(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    return path.isEmpty() ? "/" : path;
  }

  private static boolean isSafeMethod(HttpServletRequest request) {
    return "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
  }

  private static String requestUriWithQuery(HttpServletRequest request) {
    String query = request.getQueryString();
    return request.getRequestURI() + (query == null ? "" : "?" + query);
  }

  /** Where to land after sign-in: a same-origin path that is not one of the filter's own. */
  private static String returnPathFor(HttpServletRequest request, Settings s, String candidate) {
    String home = request.getContextPath().isEmpty() ? "/" : request.getContextPath() + "/";
    String p = ReturnPaths.sanitize(candidate == null ? home : candidate);
    if (p.equals("/")) {
      return home;
    }
    String pathOnly = p.indexOf('?') >= 0 ? p.substring(0, p.indexOf('?')) : p;
    String ctx = request.getContextPath();
    String inContext =
        ctx.isEmpty() ? pathOnly : pathOnly.startsWith(ctx) ? pathOnly.substring(ctx.length()) : "";
    if (s.acsRegistrations.containsKey(pathOnly)
        || s.signOnFullPaths.contains(pathOnly)
        || inContext.equals(s.signOnPath)
        || inContext.equals(s.logoutPath)
        || inContext.startsWith(s.metadataPath)) {
      return home;
    }
    return p;
  }

  private SamlPrincipal currentPrincipal(HttpServletRequest request, Settings s) {
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
    if (end.isPresent() && !s.clock.instant().isBefore(end.get())) {
      session.removeAttribute(SamlPrincipal.ATTRIBUTE);
      log.info("SAML session of {} ended at the IdP's SessionNotOnOrAfter", principal.getName());
      return null;
    }
    return principal;
  }

  private void challenge(HttpServletRequest request, HttpServletResponse response, Settings s)
      throws IOException {
    if (!s.redirectToSignIn.test(request)) {
      response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
      response.setHeader("WWW-Authenticate", "SAML");
      response.setHeader("Cache-Control", "no-store");
      response.setContentType("application/json; charset=UTF-8");
      String signOn = request.getContextPath() + s.signOnPath;
      response
          .getOutputStream()
          .write(
              ("{\"error\":\"authentication_required\",\"signOnUrl\":\"" + signOn + "\"}")
                  .getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (!isSafeMethod(request)) {
      startSignIn(request, response, s, returnPathFor(request, s, null));
      return;
    }
    String target = returnPathFor(request, s, requestUriWithQuery(request));
    if ("cross-site".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"))
        && "navigate".equalsIgnoreCase(request.getHeader("Sec-Fetch-Mode"))) {
      // A cross-site navigation (e.g. the redirect after Entra's POST) does not carry
      // SameSite=Strict cookies: reload once as a same-site navigation before asking Entra.
      sameSiteReload(response, target);
      return;
    }
    startSignIn(request, response, s, target);
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

  private void startSignIn(
      HttpServletRequest request, HttpServletResponse response, Settings s, String returnPath)
      throws IOException {
    Optional<String> selected;
    try {
      selected = s.selector.select(request, s.serviceProvider);
    } catch (RuntimeException e) {
      fail(request, response, s, internalError(), "the RegistrationSelector failed", e, null);
      return;
    }
    Optional<Registration> registration = selected.flatMap(s.serviceProvider::registration);
    if (registration.isEmpty()) {
      fail(
          request,
          response,
          s,
          new Failure(
              404,
              "no_registration",
              "This sign-in address does not belong to any configured organisation.",
              null,
              null),
          "no registration selected for " + request.getRequestURI() + " (RegistrationSelector)",
          null,
          null);
      return;
    }
    Registration reg = registration.get();
    String relayKey = randomToken(16);
    SignOnRequest signOn = s.serviceProvider.startSignOn(reg.id(), relayKey);
    PendingRequest pending = signOn.pending();
    String cookiePath = s.cookiePath(reg);

    // One pending sign-in per browser and Reply URL path, last wins: the cookie is scoped to the
    // Reply URL path, so a new sign-in (started elsewhere) cannot see, and so replaces, an older
    // one. A tab still waiting at Entra then gets missing_request_state or unknown_in_response_to.
    Entry entry =
        new Entry(
            reg.id(),
            pending.requestId(),
            pending.issuedAt(),
            pending.expiresAt(),
            relayKey,
            returnPath);
    String value = s.codec.encode(s.cookieName, cookiePath, List.of(entry));
    long maxAge = Math.max(1, s.serviceProvider.pendingRequestLifetime().toSeconds());
    response.addHeader("Set-Cookie", stateCookie(s.cookieName, value, cookiePath, maxAge));
    response.setHeader("Cache-Control", "no-store");
    log.debug(
        "SAML sign-in started: registration={} request={} binding={}",
        reg.id(),
        pending.requestId(),
        signOn.binding());
    if (signOn.binding() == Binding.HTTP_REDIRECT) {
      response.setStatus(HttpServletResponse.SC_FOUND);
      response.setHeader("Location", signOn.redirectUrl().toString());
    } else {
      response.setStatus(HttpServletResponse.SC_OK);
      response.setContentType("text/html; charset=UTF-8");
      response.getOutputStream().write(signOn.postForm().getBytes(StandardCharsets.UTF_8));
    }
  }

  private void handleReply(
      HttpServletRequest request,
      HttpServletResponse response,
      Settings s,
      List<Registration> registrations)
      throws IOException {
    if (!"POST".equals(request.getMethod())) {
      response.setHeader("Allow", "POST");
      fail(
          request,
          response,
          s,
          new Failure(
              405,
              "method_not_allowed",
              "Entra sends sign-in responses to this address by POST only.",
              null,
              null),
          "the Reply URL accepts POST only, got " + safeMethod(request),
          null,
          null);
      return;
    }
    String cookiePath = s.cookiePath(registrations.get(0));
    long length = request.getContentLengthLong();
    if (length > s.maxFormBytes) {
      discardBody(request, response, length);
      failValidation(
          request,
          response,
          s,
          ErrorCode.RESPONSE_TOO_LARGE,
          "the form is " + length + " bytes, more than " + s.maxFormBytes,
          cookiePath);
      return;
    }
    String samlResponse;
    String relayState;
    try {
      String query = request.getQueryString();
      String[] responses = request.getParameterValues("SAMLResponse");
      String[] relays = request.getParameterValues("RelayState");
      if ((query != null && query.contains("SAML"))
          || (responses != null && responses.length > 1)
          || (relays != null && relays.length > 1)) {
        failValidation(
            request,
            response,
            s,
            ErrorCode.MALFORMED_RESPONSE,
            "SAMLResponse and RelayState must arrive once each, in the POST body (HTTP-POST"
                + " binding)",
            cookiePath);
        return;
      }
      samlResponse = responses == null ? null : responses[0];
      relayState = relays == null ? null : relays[0];
    } catch (RuntimeException e) {
      failValidation(
          request,
          response,
          s,
          ErrorCode.MALFORMED_RESPONSE,
          "the form could not be read (too large for the container's form limit, or not"
              + " application/x-www-form-urlencoded): "
              + e.getClass().getSimpleName(),
          cookiePath);
      return;
    }
    if (samlResponse == null || samlResponse.isBlank()) {
      failValidation(
          request,
          response,
          s,
          ErrorCode.MALFORMED_RESPONSE,
          "no SAMLResponse form field",
          cookiePath);
      return;
    }
    StateRead state = readState(request, s, cookiePath);
    Set<String> here = new LinkedHashSet<>();
    registrations.forEach(r -> here.add(r.id()));
    List<Entry> entries = new ArrayList<>();
    for (Entry e : state.entries) {
      if (here.contains(e.registrationId())) {
        entries.add(e);
      }
    }
    if (entries.isEmpty()) {
      boolean tampered = state.invalid && state.entries.isEmpty();
      fail(
          request,
          response,
          s,
          new Failure(
              400,
              tampered ? "invalid_request_state" : "missing_request_state",
              "This sign-in cannot be matched to this browser. Please start signing in again.",
              null,
              null),
          tampered
              ? "the state cookie '" + s.cookieName + "' failed its integrity check"
              : "no pending sign-in in the state cookie '"
                  + s.cookieName
                  + "' (Path="
                  + cookiePath
                  + "): sign-in was not started in this browser, took longer than "
                  + s.serviceProvider.pendingRequestLifetime()
                  + ", or the browser did not send the cookie (it is Secure: the Reply URL must"
                  + " be https or http://localhost, on the host where sign-in started)",
          null,
          cookiePath);
      return;
    }
    List<PendingRequest> pending = new ArrayList<>();
    entries.forEach(e -> pending.add(e.toPendingRequest()));
    VerifiedAssertion identity;
    try {
      identity = s.serviceProvider.validate(samlResponse, pending);
    } catch (SamlValidationException e) {
      fail(
          request,
          response,
          s,
          new Failure(statusFor(e.code()), e.code().id(), userMessageFor(e.code()), e.code(), null),
          e.getMessage(),
          null,
          cookiePath);
      return;
    } catch (RuntimeException e) {
      fail(request, response, s, internalError(), "the Response validator failed", e, cookiePath);
      return;
    }
    Entry matched = null;
    for (Entry e : entries) {
      if (e.registrationId().equals(identity.registrationId())
          && e.requestId().equals(identity.inResponseTo())) {
        matched = e;
      }
    }
    if (matched == null
        || relayState == null
        || !MessageDigest.isEqual(
            relayState.getBytes(StandardCharsets.UTF_8),
            matched.relayKey().getBytes(StandardCharsets.UTF_8))) {
      fail(
          request,
          response,
          s,
          new Failure(
              400,
              "relay_state_mismatch",
              "This sign-in cannot be matched to this browser. Please start signing in again.",
              null,
              null),
          relayState == null
              ? "the POST carried no RelayState (Entra echoes the one sent)"
              : "the posted RelayState is not the one bound to the answered request",
          null,
          cookiePath);
      return;
    }
    LocalUser user;
    try {
      user = Objects.requireNonNull(s.userLinker.link(identity), "UserLinker returned null");
    } catch (UserLinkException e) {
      UserLinkException.Reason reason = e.reason();
      fail(
          request,
          response,
          s,
          new Failure(403, reason.id(), reason.userMessage(), null, reason),
          "user linker refused " + identity + ": " + e.getMessage(),
          null,
          cookiePath);
      return;
    } catch (RuntimeException e) {
      fail(request, response, s, internalError(), "the UserLinker failed", e, cookiePath);
      return;
    }

    SamlPrincipal principal = new SamlPrincipal(user, identity);
    if (request.getSession(false) != null) {
      request.changeSessionId(); // session fixation: never keep a pre-authentication id
    }
    HttpSession session = request.getSession(true);
    session.setAttribute(SamlPrincipal.ATTRIBUTE, principal);

    response.addHeader("Set-Cookie", stateCookie(s.cookieName, "", cookiePath, 0)); // consumed
    log.info(
        "SAML sign-in: registration={} local user={} assertion={}",
        identity.registrationId(),
        user.name(),
        identity.assertionId());
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", matched.returnPath());
    response.setHeader("Cache-Control", "no-store");
  }

  /** Bodies up to this size are read and dropped before a 413, so the client sees the page. */
  private static final long DISCARD_LIMIT = 8L * 1024 * 1024;

  /**
   * Reads and drops an over-limit body (never parsing it) so the browser receives the error page
   * instead of a connection reset; a body larger than {@link #DISCARD_LIMIT} is not read and the
   * connection is closed after the answer.
   */
  private static void discardBody(
      HttpServletRequest request, HttpServletResponse response, long length) {
    if (length > DISCARD_LIMIT) {
      response.setHeader("Connection", "close");
      return;
    }
    try (java.io.InputStream in = request.getInputStream()) {
      byte[] buffer = new byte[16 * 1024];
      long left = length;
      int n;
      while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
        left -= n;
      }
    } catch (IOException e) {
      response.setHeader("Connection", "close");
    }
  }

  private void handleMetadata(
      HttpServletRequest request, HttpServletResponse response, Settings s, String rest)
      throws IOException {
    if (!isSafeMethod(request)) {
      response.setHeader("Allow", "GET, HEAD");
      response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
      return;
    }
    Optional<String> id;
    if (rest.isEmpty()) {
      id =
          s.serviceProvider.registrations().size() == 1
              ? Optional.of(s.serviceProvider.registrations().iterator().next().id())
              : Optional.empty();
    } else {
      id = Optional.of(rest.substring(1));
    }
    Optional<Registration> reg = id.flatMap(s.serviceProvider::registration);
    if (reg.isEmpty()) {
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
      return;
    }
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType("application/samlmetadata+xml; charset=UTF-8");
    response.setHeader(
        "Content-Disposition", "inline; filename=\"" + reg.get().id() + "-sp-metadata.xml\"");
    response
        .getOutputStream()
        .write(s.serviceProvider.metadata(reg.get().id()).getBytes(StandardCharsets.UTF_8));
  }

  private static void handleLogout(
      HttpServletRequest request, HttpServletResponse response, Settings s) {
    HttpSession session = request.getSession(false);
    if (session != null) {
      try {
        session.invalidate();
      } catch (IllegalStateException alreadyInvalid) {
        // nothing to end
      }
    }
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", request.getContextPath() + s.afterLogoutPath);
    response.setHeader("Cache-Control", "no-store");
  }

  // ---------------------------------------------------------------------------------------------

  private record Failure(
      int status,
      String code,
      String userMessage,
      ErrorCode validationCode,
      UserLinkException.Reason linkReason) {}

  private static Failure internalError() {
    return new Failure(
        500,
        "internal_error",
        "Sign-in failed because of an error in this application.",
        null,
        null);
  }

  private void failValidation(
      HttpServletRequest request,
      HttpServletResponse response,
      Settings s,
      ErrorCode code,
      String detail,
      String clearCookiePath)
      throws IOException {
    fail(
        request,
        response,
        s,
        new Failure(statusFor(code), code.id(), userMessageFor(code), code, null),
        detail,
        null,
        clearCookiePath);
  }

  private void fail(
      HttpServletRequest request,
      HttpServletResponse response,
      Settings s,
      Failure f,
      String logDetail,
      Throwable error,
      String clearCookiePath)
      throws IOException {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    String correlationId = HexFormat.of().formatHex(id);
    if (error != null) {
      log.error(
          "SAML sign-in failed [{}] {} {}: {}",
          correlationId,
          f.status(),
          f.code(),
          logDetail,
          error);
    } else {
      log.warn(
          "SAML sign-in failed [{}] {} {}: {}", correlationId, f.status(), f.code(), logDetail);
    }
    if (clearCookiePath != null) {
      response.addHeader("Set-Cookie", stateCookie(s.cookieName, "", clearCookiePath, 0));
    }
    SignInFailure failure =
        new SignInFailure(
            f.status(),
            f.code(),
            f.userMessage(),
            correlationId,
            f.validationCode(),
            f.linkReason());
    try {
      s.failureHandler.onFailure(request, response, failure);
    } catch (RuntimeException e) {
      log.error("SAML failure handler threw [{}]", correlationId, e);
      if (!response.isCommitted()) {
        response.reset();
        DefaultFailurePage.INSTANCE.onFailure(request, response, failure);
      }
    }
  }

  static int statusFor(ErrorCode code) {
    return switch (code) {
      case RESPONSE_TOO_LARGE -> 413;
      case MALFORMED_RESPONSE -> 400;
      default -> 403;
    };
  }

  private static String userMessageFor(ErrorCode code) {
    return switch (code) {
      case IDP_ERROR_STATUS -> "Microsoft Entra ID did not sign you in.";
      case UNKNOWN_IN_RESPONSE_TO, PENDING_REQUEST_EXPIRED, REPLAYED_ASSERTION ->
          "This sign-in is no longer valid. Please start signing in again.";
      case UNSOLICITED_RESPONSE -> "Please start signing in from this application's sign-in page.";
      default -> "The sign-in response could not be accepted.";
    };
  }

  private static String safeMethod(HttpServletRequest request) {
    String m = request.getMethod();
    return m != null && m.matches("[A-Z]{1,16}") ? m : "?";
  }

  private static String randomToken(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String stateCookie(String name, String value, String path, long maxAge) {
    StringBuilder sb =
        new StringBuilder(name)
            .append('=')
            .append(value)
            .append("; Path=")
            .append(path)
            .append("; Max-Age=")
            .append(maxAge);
    if (maxAge == 0) {
      sb.append("; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    }
    return sb.append("; Secure; HttpOnly; SameSite=None").toString();
  }

  private record StateRead(boolean present, boolean invalid, List<Entry> entries) {}

  /** Every entry of every state cookie that verifies; a browser may send several (paths). */
  private static StateRead readState(HttpServletRequest request, Settings s, String cookiePath) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return new StateRead(false, false, List.of());
    }
    boolean present = false;
    boolean invalid = false;
    List<Entry> entries = new ArrayList<>();
    for (Cookie c : cookies) {
      if (!s.cookieName.equals(c.getName()) || c.getValue() == null || c.getValue().isEmpty()) {
        continue;
      }
      present = true;
      Optional<List<Entry>> decoded = s.codec.decode(s.cookieName, cookiePath, c.getValue());
      if (decoded.isPresent()) {
        entries.addAll(decoded.get());
      } else {
        invalid = true;
      }
    }
    return new StateRead(present, invalid, entries);
  }

  /** Immutable configuration. */
  private static final class Settings {
    final ServiceProvider serviceProvider;
    final UserLinker userLinker;
    final List<PathPattern> protectedPaths;
    final List<PathPattern> publicPaths;
    final String signOnPath;
    final Set<String> signOnFullPaths;
    final String logoutPath;
    final String afterLogoutPath;
    final String metadataPath;
    final Map<String, List<Registration>> acsRegistrations;
    final RegistrationSelector selector;
    final FailureHandler failureHandler;
    final Predicate<HttpServletRequest> redirectToSignIn;
    final StateCookieCodec codec;
    final String cookieName;
    final long maxFormBytes;
    final Clock clock;

    Settings(Builder b, byte[] key) {
      this.serviceProvider = b.serviceProvider;
      this.userLinker = b.userLinker;
      this.protectedPaths = List.copyOf(b.protectedPaths);
      this.publicPaths = List.copyOf(b.publicPaths);
      this.signOnPath = b.signOnPath;
      this.logoutPath = b.logoutPath;
      this.afterLogoutPath = b.afterLogoutPath;
      this.metadataPath = b.metadataPath;
      this.selector = b.selector;
      this.failureHandler = b.failureHandler;
      this.redirectToSignIn = b.redirectToSignIn;
      this.codec = new StateCookieCodec(key);
      this.cookieName = b.stateCookieName;
      this.clock = b.clock;
      this.maxFormBytes = 3L * serviceProvider.maxResponseChars() + 8192;
      Map<String, List<Registration>> acs = new LinkedHashMap<>();
      Set<String> signOn = new LinkedHashSet<>();
      for (Registration r : serviceProvider.registrations()) {
        acs.computeIfAbsent(r.replyUrl().getPath(), k -> new ArrayList<>()).add(r);
        r.signOnUrl().ifPresent(u -> signOn.add(u.getPath()));
      }
      acs.replaceAll((k, v) -> List.copyOf(v));
      this.acsRegistrations = Collections.unmodifiableMap(acs);
      signOn.removeAll(acs.keySet());
      this.signOnFullPaths = Collections.unmodifiableSet(signOn);
    }

    String cookiePath(Registration r) {
      String p = r.replyUrl().getRawPath();
      return p == null || p.isEmpty() ? "/" : p;
    }

    boolean isProtected(String path) {
      for (PathPattern p : publicPaths) {
        if (p.matches(path)) {
          return false;
        }
      }
      for (PathPattern p : protectedPaths) {
        if (p.matches(path)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * Configures a {@link SamlSsoFilter}; {@link #build()} checks every value. Defaults: protect
   * {@code /*}; sign-on {@code /login}; logout {@code /logout} then {@code /}; metadata {@code
   * /saml2/metadata}; state cookie {@code cloudsign_saml_state} keyed by a random key per start
   * (set {@link #stateKey} when several nodes serve the Reply URL).
   */
  public static final class Builder {
    private final ServiceProvider serviceProvider;
    private final UserLinker userLinker;
    private List<PathPattern> protectedPaths = List.of(new PathPattern("/*"));
    private List<PathPattern> publicPaths = List.of();
    private String signOnPath = "/login";
    private String logoutPath = "/logout";
    private String afterLogoutPath = "/";
    private String metadataPath = "/saml2/metadata";
    private RegistrationSelector selector = RegistrationSelector.byDefault();
    private FailureHandler failureHandler = FailureHandler.defaultPage();
    private Predicate<HttpServletRequest> redirectToSignIn = SamlSsoFilter::isBrowserNavigation;
    private byte[] stateKey;
    private String stateCookieName = "cloudsign_saml_state";
    private Clock clock;

    private Builder(ServiceProvider serviceProvider, UserLinker userLinker) {
      this.serviceProvider = Objects.requireNonNull(serviceProvider, "serviceProvider");
      this.userLinker = Objects.requireNonNull(userLinker, "userLinker");
      this.clock = serviceProvider.clock();
    }

    /**
     * Paths that require a signed-in user: {@code /*}, {@code /prefix/*}, {@code *.ext} or exact
     * paths inside the web application. Default {@code /*}.
     */
    public Builder protectedPaths(String... patterns) {
      this.protectedPaths = patterns(patterns);
      return this;
    }

    /** Exceptions to {@link #protectedPaths} (e.g. {@code /}, {@code /static/*}). Default none. */
    public Builder publicPaths(String... patterns) {
      this.publicPaths = patterns(patterns);
      return this;
    }

    /** The path that starts sign-in (Entra's Sign on URL). Default {@code /login}. */
    public Builder signOnPath(String path) {
      this.signOnPath = path("signOnPath", path);
      return this;
    }

    /** The path that ends the local session. Default {@code /logout}. */
    public Builder logoutPath(String path) {
      this.logoutPath = path("logoutPath", path);
      return this;
    }

    /** Where the browser goes after logout. Default {@code /}. */
    public Builder afterLogoutPath(String path) {
      this.afterLogoutPath = path("afterLogoutPath", path);
      return this;
    }

    /** The SP metadata path. Default {@code /saml2/metadata}. */
    public Builder metadataPath(String path) {
      this.metadataPath = path("metadataPath", path);
      return this;
    }

    /** Chooses the registration when sign-in starts; see {@link RegistrationSelector}. */
    public Builder registrationSelector(RegistrationSelector selector) {
      this.selector = Objects.requireNonNull(selector, "selector");
      return this;
    }

    /** Renders failures; default {@link FailureHandler#defaultPage()}. */
    public Builder failureHandler(FailureHandler handler) {
      this.failureHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Decides whether an unauthenticated request to a protected path is redirected to Entra ({@code
     * true}) or answered 401 ({@code false}). Default {@link #isBrowserNavigation}.
     */
    public Builder redirectToSignIn(Predicate<HttpServletRequest> predicate) {
      this.redirectToSignIn = Objects.requireNonNull(predicate, "predicate");
      return this;
    }

    /**
     * The HMAC-SHA256 key of the state cookie, at least 32 bytes; every node serving the Reply URL
     * needs the same key. Default: random per start (a restart makes sign-ins in flight fail with
     * {@code invalid_request_state}).
     */
    public Builder stateKey(byte[] key) {
      if (key == null || key.length < 32) {
        throw new IllegalArgumentException("stateKey must have at least 32 bytes");
      }
      this.stateKey = key.clone();
      return this;
    }

    /** The state cookie's name. Default {@code cloudsign_saml_state}. */
    public Builder stateCookieName(String name) {
      if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}") || name.startsWith("__")) {
        throw new IllegalArgumentException(
            "stateCookieName must be 1-64 characters of A-Z a-z 0-9 _ - not starting with __: "
                + name);
      }
      this.stateCookieName = name;
      return this;
    }

    /**
     * The clock for the filter's own time checks (state cookie pruning, SessionNotOnOrAfter).
     * Default: the ServiceProvider's clock.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @throws IllegalArgumentException if paths collide or a Reply URL path cannot scope a cookie
     */
    public SamlSsoFilter build() {
      Set<String> own = new LinkedHashSet<>();
      for (String p : List.of(signOnPath, logoutPath, metadataPath)) {
        if (!own.add(p)) {
          throw new IllegalArgumentException(
              "signOnPath, logoutPath and metadataPath must differ: " + p);
        }
      }
      for (Registration r : serviceProvider.registrations()) {
        String acs = r.replyUrl().getRawPath();
        if (acs == null || acs.isEmpty() || acs.equals("/")) {
          throw new IllegalArgumentException(
              "registration '"
                  + r.id()
                  + "': the Reply URL needs a path of its own (e.g. /saml2/idpresponse): "
                  + r.replyUrl());
        }
        if (acs.indexOf(';') >= 0 || acs.indexOf(',') >= 0) {
          throw new IllegalArgumentException(
              "registration '" + r.id() + "': the Reply URL path must not contain ; or ,");
        }
        if (own.contains(r.replyUrl().getPath())) {
          throw new IllegalArgumentException(
              "registration '" + r.id() + "': the Reply URL path collides with a filter path");
        }
      }
      byte[] key = stateKey;
      if (key == null) {
        key = new byte[32];
        RANDOM.nextBytes(key);
      }
      return new SamlSsoFilter(new Settings(this, key));
    }

    private static List<PathPattern> patterns(String... patterns) {
      Objects.requireNonNull(patterns, "patterns");
      List<PathPattern> list = new ArrayList<>();
      for (String p : patterns) {
        list.add(new PathPattern(p));
      }
      return List.copyOf(list);
    }

    private static String path(String what, String path) {
      if (path == null || !path.startsWith("/") || path.startsWith("//") || path.contains("*")) {
        throw new IllegalArgumentException(what + " must be a path starting with /: " + path);
      }
      return path;
    }
  }
}
