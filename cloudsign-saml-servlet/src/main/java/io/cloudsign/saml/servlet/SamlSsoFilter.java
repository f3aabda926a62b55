package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.servlet.internal.PathPattern;
import io.cloudsign.saml.servlet.internal.StateCookieCodec;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs browsers in with Microsoft Entra ID (SP-initiated SAML 2.0) in front of a Jakarta Servlet 6
 * application.
 *
 * <p>What it answers, paths inside the web application (all configurable):
 *
 * <ul>
 *   <li>a <b>protected path</b> (default {@code /*}) without a signed-in user: a browser navigation
 *       is redirected to Entra with a fresh AuthnRequest (HTTP-Redirect, or the HTTP-POST form if
 *       the registration says so); other requests ({@code X-Requested-With: XMLHttpRequest}, {@code
 *       Sec-Fetch-Mode} other than navigate, or an {@code Accept} header that admits no HTML) get
 *       401 with a small JSON body ({@link FilterErrorCode#AUTHENTICATION_REQUIRED});
 *   <li>the <b>Sign on URL</b> path (default {@code /login}, plus the path of each registration's
 *       signOnUrl) starts sign-in; {@code ?return_to=/path} says where to land afterwards (a
 *       browser already signed in with that registration goes there at once, without Entra);
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
 * {@link FailureHandler} renders a 4xx page with a code ({@link FilterErrorCode} or core's {@code
 * ErrorCode}) and a correlation id; details go to the log (slf4j, WARN); no session is created.
 *
 * <p><b>Security guarantees.</b> The pending request lives in a dedicated cookie ({@code HttpOnly;
 * Secure; SameSite=None}) signed with HMAC-SHA256 over the registration and its Reply URL, and
 * compared in constant time, so a cookie minted for another registration or Reply URL is refused
 * ({@code invalid_request_state}); the app's own session cookie keeps its SameSite policy. For an
 * https Reply URL the cookie is {@code __Host-} prefixed ({@code Path=/}, no {@code Domain}: no
 * sibling subdomain or plain-http page can plant it); on an http loopback Reply URL (local
 * development) its {@code Path} is the Reply URL path. It holds one sign-in in flight per browser
 * and Reply URL: the latest started wins (a tab still waiting at Entra is refused and starts
 * again). Any Response posted to the Reply URL consumes the cookie, accepted or not; once its
 * sign-in has expired ({@code pendingRequestLifetime}) the Response is refused unread ({@code
 * request_state_expired}). A Response is accepted only if its InResponseTo names an entry of
 * <i>this</i> browser's cookie and the posted RelayState is the one bound to that entry; core's
 * replay cache refuses a second use of the assertion. The return path is kept in the signed cookie
 * (RelayState is an opaque 128-bit value) and must be a same-origin path; anything else becomes
 * {@code /}. With {@code SameSite=Strict} session cookies, the cross-site redirect after the
 * Response lands without the cookie; the filter then answers that navigation (recognised by {@code
 * Sec-Fetch-Site: cross-site}) with a page that reloads the same URL as a same-site navigation.
 * What the application itself must do against login CSRF is in the README.
 *
 * <p>Map the filter to {@code /*} (it must see the Reply URL, sign-in, logout and metadata paths)
 * for the {@code REQUEST} dispatcher; {@link #init} refuses to start when the mapping misses one of
 * them, when a Reply URL is outside the context path, or, on Tomcat, when no servlet is mapped
 * there (Tomcat answers 404 before filters run). The container's form size limit must admit the
 * {@code SAMLResponse}: at least {@code 3 * maxResponseChars + 8192} bytes (Jetty's default of 200
 * kB is below what the default {@code maxResponseChars} needs).
 *
 * <p>Thread-safe once initialised.
 *
 * <pre>{@code
 * SamlSsoFilter filter =
 *     SamlSsoFilter.builder(serviceProvider, linker).protectedPaths("/app/*").build();
 * servletContext.addFilter("saml", filter).addMappingForUrlPatterns(null, false, "/*");
 * }</pre>
 *
 * <p>In {@code web.xml}, declare this class and name a {@link SamlSsoFilterFactory} in the {@code
 * factory} init-param.
 */
public final class SamlSsoFilter implements Filter {
  /** The init-param naming a {@link SamlSsoFilterFactory} class (web.xml registration). */
  public static final String FACTORY_INIT_PARAM = "factory";

  /** The sign-in path's query parameter for the path to return to after sign-in. */
  public static final String RETURN_TO_PARAM = "return_to";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Logger log = LoggerFactory.getLogger(SamlSsoFilter.class);

  private volatile Router router;

  /**
   * For {@code web.xml}: configured in {@link #init} through the {@value #FACTORY_INIT_PARAM}
   * init-param. Programmatic users call {@link #builder} instead.
   */
  public SamlSsoFilter() {}

  private SamlSsoFilter(Router router) {
    this.router = router;
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
    return BrowserNavigation.test(request);
  }

  @Override
  public void init(FilterConfig filterConfig) throws ServletException {
    if (router == null) {
      this.router = WebXml.filterFrom(filterConfig).router;
    }
    MappingCheck.check(filterConfig, router.settings());
  }

  boolean isConfigured() {
    return router != null;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    Router r = router;
    if (r == null) {
      throw new ServletException("SamlSsoFilter is not configured (init was not called)");
    }
    r.dispatch(request, response, chain);
  }

  /**
   * Starts single logout at the IdP for a user whose local session the caller has already ended,
   * for a framework that owns the logout itself (the Spring Boot starter calls it from Spring
   * Security's logout success handler). It is what this filter's logout path does after ending the
   * session: when the principal's registration has a Logout Url and its IdP a logout URL, core
   * builds the LogoutRequest (NameID, SessionIndex), the pending logout is added to {@code
   * response} as the HMAC-signed logout cookie for the Logout Url, and the IdP URL to send the
   * browser to is returned; the IdP's LogoutResponse then arrives at the Logout Url, which this
   * filter answers (303 to the after-logout path, or the "not confirmed" page with its code).
   *
   * <p><b>Security guarantees.</b> It never ends or starts a session and never writes a body; the
   * caller must have ended the local session first (only a signed-out browser leaves for the IdP).
   * A registration that cannot be read or an IdP that refuses to build the request gives empty,
   * with a WARN: the user stays signed out locally.
   *
   * @param principal the user just signed out, as it was in the session
   * @param response the response that will redirect the browser (not yet committed)
   * @return the IdP's single logout URL with the LogoutRequest, or empty for local logout only
   * @throws IllegalStateException if the filter is not configured (web.xml before {@link #init})
   */
  public Optional<URI> startSingleLogout(SamlPrincipal principal, HttpServletResponse response) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(response, "response");
    Router r = router;
    if (r == null) {
      throw new IllegalStateException("SamlSsoFilter is not configured (init was not called)");
    }
    return r.startSingleLogout(principal, response).map(URI::create);
  }

  @Override
  public void destroy() {}

  /**
   * Configures a {@link SamlSsoFilter}; {@link #build()} checks every value. Defaults: protect
   * {@code /*}; sign-in {@code /login}; logout {@code /logout} then {@code /}; metadata {@code
   * /saml2/metadata}; state cookie {@code cloudsign_saml_state} keyed by a random key per start
   * (set {@link #stateKey} when several nodes serve the Reply URL).
   */
  public static final class Builder {
    // Package-private: FilterSettings takes its values from here once, at build().
    final ServiceProvider serviceProvider;
    final UserLinker userLinker;
    List<PathPattern> protectedPaths = List.of(new PathPattern("/*"));
    List<PathPattern> publicPaths = List.of();
    String signInPath = "/login";
    String logoutPath = "/logout";
    String afterLogoutPath = "/";
    String metadataPath = "/saml2/metadata";
    RegistrationSelector selector = RegistrationSelector.byDefault();
    FailureHandler failureHandler = FailureHandler.defaultPage();
    Predicate<HttpServletRequest> redirectToSignIn = SamlSsoFilter::isBrowserNavigation;
    String stateCookieName = "cloudsign_saml_state";
    Clock clock;
    boolean requireReplyUrlHost;
    Set<String> tenantReplyUrlPaths;
    Set<String> tenantLogoutUrlPaths;
    SessionRevocations revocations = SessionRevocations.inMemory();
    private byte[] stateKey;
    List<byte[]> previousStateKeys = List.of();

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
    public Builder signInPath(String path) {
      this.signInPath = path("signInPath", path);
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
     * needs the same key. Default: random per start, with a WARN at build (a restart makes sign-ins
     * in flight fail with {@code invalid_request_state}). To rotate it, see {@link
     * #previousStateKeys}. Deployments that share a key still cannot use each other's cookies: the
     * MAC binds the registration and its Reply URL.
     */
    public Builder stateKey(byte[] key) {
      if (key == null || key.length < 32) {
        throw new IllegalArgumentException("stateKey must have at least 32 bytes");
      }
      this.stateKey = key.clone();
      return this;
    }

    /**
     * Keys of earlier rotations, still accepted for state cookies made before the rotation (never
     * used for new ones). To rotate on every node without breaking sign-ins in flight: deploy the
     * new key as {@link #stateKey} with the old one here; after the pending-request lifetime
     * (default 15 minutes) has passed on every node, drop the old one. Each at least 32 bytes.
     */
    public Builder previousStateKeys(byte[]... keys) {
      List<byte[]> list = new ArrayList<>();
      for (byte[] k : Objects.requireNonNull(keys, "keys")) {
        if (k == null || k.length < 32) {
          throw new IllegalArgumentException("previousStateKeys must each have at least 32 bytes");
        }
        list.add(k.clone());
      }
      this.previousStateKeys = List.copyOf(list);
      return this;
    }

    /**
     * The state cookie's name. Default {@code cloudsign_saml_state}. For an https Reply URL the
     * cookie is named {@code __Host-<name>-<tag>}, the tag being 8 hex digits of SHA-256 of the
     * Reply URL path.
     */
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
     * The Reply URL paths (with the context path) at which tenants of the ServiceProvider's {@link
     * io.cloudsign.saml.core.TenantRegistrations} are served. Default {@code /saml2/idpresponse}
     * when it has tenants. A tenant whose Reply URL has another path cannot sign in here: starting
     * its sign-in answers {@code registration_unavailable} naming the path.
     */
    public Builder tenantReplyUrlPaths(String... paths) {
      Set<String> set = new LinkedHashSet<>();
      for (String p : paths) {
        set.add(path("tenantReplyUrlPaths", p));
      }
      if (set.isEmpty()) {
        throw new IllegalArgumentException("tenantReplyUrlPaths needs at least one path");
      }
      this.tenantReplyUrlPaths = Set.copyOf(set);
      return this;
    }

    /**
     * The Logout Url paths (with the context path) at which tenants of the ServiceProvider's {@link
     * io.cloudsign.saml.core.TenantRegistrations} with a Logout Url are served: the IdP's
     * LogoutResponse to a logout started here (the browser's logout cookie names the tenant) and
     * the IdP's LogoutRequest (for the tenant of the browser's session, or the one the {@link
     * #registrationSelector} chooses for the request). Default {@code /saml2/logout} when it has
     * tenants. A tenant whose Logout Url has another path signs out locally only (a WARN says so).
     */
    public Builder tenantLogoutUrlPaths(String... paths) {
      Set<String> set = new LinkedHashSet<>();
      for (String p : paths) {
        set.add(path("tenantLogoutUrlPaths", p));
      }
      if (set.isEmpty()) {
        throw new IllegalArgumentException("tenantLogoutUrlPaths needs at least one path");
      }
      this.tenantLogoutUrlPaths = Set.copyOf(set);
      return this;
    }

    /**
     * Where IdP-initiated logouts are recorded and checked at every request, so that they end the
     * user's sessions in every browser and on every node. Default {@link
     * SessionRevocations#inMemory()} (one node); give every node of a cluster one shared
     * implementation.
     */
    public Builder sessionRevocations(SessionRevocations revocations) {
      this.revocations = Objects.requireNonNull(revocations, "revocations");
      return this;
    }

    /**
     * Accept a POST to the Reply URL only when the request's host ({@code getServerName()},
     * case-insensitive; the port is not compared) is the host of the Reply URL configured for the
     * registration the state cookie names; otherwise {@code reply_url_host_mismatch} (400), before
     * the Response is read. Default off.
     *
     * <p>Turn it on when registrations are told apart by host (a subdomain per customer): it stops
     * a Response and state cookie of tenant A from being posted to tenant B's host and signing in
     * there as A. The container must see the browser's {@code Host}: behind a proxy, forward it or
     * enable the container's forwarded-header handling, or every sign-in is refused.
     */
    public Builder requireReplyUrlHost(boolean require) {
      this.requireReplyUrlHost = require;
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
      for (String p : List.of(signInPath, logoutPath, metadataPath)) {
        if (!own.add(p)) {
          throw new IllegalArgumentException(
              "signInPath, logoutPath and metadataPath must differ: " + p);
        }
      }
      if (tenantReplyUrlPaths == null) {
        tenantReplyUrlPaths =
            serviceProvider.tenants().isPresent() ? Set.of("/saml2/idpresponse") : Set.of();
      }
      for (String p : tenantReplyUrlPaths) {
        if (own.contains(p) || p.equals("/") || p.indexOf(';') >= 0 || p.indexOf(',') >= 0) {
          throw new IllegalArgumentException(
              "tenantReplyUrlPaths: "
                  + p
                  + " collides with a filter path or cannot be a Reply URL");
        }
      }
      if (tenantLogoutUrlPaths == null) {
        tenantLogoutUrlPaths =
            serviceProvider.tenants().isPresent() ? Set.of("/saml2/logout") : Set.of();
      }
      for (String p : tenantLogoutUrlPaths) {
        if (own.contains(p) || p.equals("/") || tenantReplyUrlPaths.contains(p)) {
          throw new IllegalArgumentException(
              "tenantLogoutUrlPaths: "
                  + p
                  + " collides with a filter path or a tenant Reply URL path: give the Logout Url"
                  + " a path of its own (e.g. /saml2/logout)");
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
        if (r.logoutUrl().isPresent()) {
          String slo = r.logoutUrl().get().getPath();
          boolean replyPath =
              serviceProvider.registrations().stream()
                  .anyMatch(o -> o.replyUrl().getPath().equals(slo));
          if (slo == null || slo.isEmpty() || slo.equals("/") || own.contains(slo) || replyPath) {
            throw new IllegalArgumentException(
                "registration '"
                    + r.id()
                    + "': the Logout Url needs a path of its own (e.g. /saml2/logout), not the"
                    + " Reply URL's or a filter path: "
                    + r.logoutUrl().get());
          }
        }
      }
      byte[] key = stateKey;
      if (key == null) {
        if (!previousStateKeys.isEmpty()) {
          throw new IllegalArgumentException(
              "previousStateKeys needs a stateKey (the current key that signs new state cookies)");
        }
        key = new byte[32];
        RANDOM.nextBytes(key);
        log.warn(
            "no stateKey configured: the state cookie key is random for this start, so a restart"
                + " or a second node serving the Reply URL makes sign-ins in flight fail with"
                + " invalid_request_state; set SamlSsoFilter.Builder#stateKey (the same on every"
                + " node) unless this is one node in development");
      }
      SamlSsoFilter filter = new SamlSsoFilter(new Router(new FilterSettings(this, key)));
      if (stateKey != null) {
        log.info(
            "state cookie keys: signing with key id {}, also accepting {} (compare across nodes)",
            StateCookieCodec.keyId(stateKey),
            previousStateKeys.stream().map(StateCookieCodec::keyId).toList());
      }
      return filter;
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
