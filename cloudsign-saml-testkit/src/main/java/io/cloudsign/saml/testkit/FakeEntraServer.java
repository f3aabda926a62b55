package io.cloudsign.saml.testkit;

import static io.cloudsign.saml.testkit.Exchanges.MAX_BODY;
import static io.cloudsign.saml.testkit.Exchanges.error;
import static io.cloudsign.saml.testkit.Exchanges.newHandle;
import static io.cloudsign.saml.testkit.Exchanges.readForm;
import static io.cloudsign.saml.testkit.Exchanges.send;
import static io.cloudsign.saml.testkit.Exchanges.sendBytes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cloudsign.saml.testkit.internal.Bindings;
import io.cloudsign.saml.testkit.internal.Certificates;
import io.cloudsign.saml.testkit.internal.RedirectSignature;
import io.cloudsign.saml.testkit.internal.SigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The fake Entra as a loopback HTTP server, for tests that drive a real browser or HTTP client
 * through sign-in, and for the example app.
 *
 * <p>Endpoints (all under {@code http://127.0.0.1:<port>/<tenant>/}):
 *
 * <ul>
 *   <li>{@code GET federationmetadata/2007-06/federationmetadata.xml}: the signed Federation
 *       Metadata XML, with a UTF-8 BOM as Entra serves it ({@link #metadataUrl()});
 *   <li>{@code GET saml2?SAMLRequest=…} (HTTP-Redirect) and {@code POST saml2} (HTTP-POST): an
 *       AuthnRequest is checked as Entra does (a registered application's Identifier, else
 *       AADSTS700016; an ACS URL among its Reply URLs, else AADSTS50011; no Subject; an ID not
 *       starting with a digit, else AADSTS7500529) and a login page is shown: one button per
 *       configured user ({@code id="user-<index>"}) and a form with a text input {@code
 *       id/name="nameId"} and a button {@code id="sign-in"} for any other NameID;
 *   <li>the login page then answers with an auto-submitting form (script plus a noscript button)
 *       that POSTs {@code SAMLResponse} and {@code RelayState} to the request's ACS URL. A request
 *       with {@code IsPassive="true"} is answered at once with Entra's AADSTS50058 NoPassive error;
 *   <li>{@code GET saml2?SAMLRequest=…} whose SAMLRequest is a {@code samlp:LogoutRequest}
 *       (SP-initiated single logout): answered with a 302 to the application's Logout Url ({@link
 *       FakeEntra.Builder#logoutUrl}) carrying Entra's LogoutResponse ({@link
 *       FakeEntra#logoutResponseTo}: unsigned, lower-case percent-encoding); an unknown Issuer gets
 *       AADSTS700016, an application without a Logout Url AADSTS500113. A LogoutRequest sent by
 *       {@code POST saml2} is refused with AADSTS750054, as Entra accepts it by HTTP-Redirect only.
 *       With {@link FakeEntra.Builder#requireSignedRequests} its signature is checked like an
 *       AuthnRequest's (AADSTS76021). The user's other applications are signed out first, as below;
 *   <li>{@code GET oauth2/logout?user=<nameId>} ({@link #signOutUrl}): the user signs out at Entra,
 *       and Entra's front channel sends an IdP-initiated LogoutRequest to each application the user
 *       signed in to here that has a Logout Url; {@code GET saml2?SAMLResponse=…} receives each
 *       application's LogoutResponse and checks it. Hostile variants: {@link #nextIdpLogoutWith}
 *       and {@link #answerNextLogoutWith} with a {@link LogoutAttack}.
 * </ul>
 *
 * <p>The Reply URL check needs {@link FakeEntra.Builder#application}: without any registered
 * application every sign-in is refused with AADSTS50011, as Entra refuses an unknown app.
 *
 * <p><b>Security guarantees.</b> Binds to the loopback address only; request bodies and queries
 * above 512 KiB are refused (413/414); every echoed value is HTML-escaped; pending sign-ins are
 * one-use, random 128-bit handles, at most 1000 kept; pending IdP-initiated logouts are one-use (by
 * their request ID), at most 1000 kept, as are the users of the session book.
 *
 * <p>Thread-safe. Close it (try-with-resources or an {@code @AfterAll}) to free the port.
 *
 * <pre>{@code
 * try (FakeEntraServer idp =
 *     FakeEntraServer.start(
 *         FakeEntra.builder().application("urn:my-sp", "http://localhost:8080/saml2/idpresponse"),
 *         0)) {
 *   configureSp(idp.metadataUrl());
 *   idp.answerNextWith(Attack.expired()); // the next sign-in gets an expired Response
 *   // ... sign in through the SP under test and see it refuse the Response
 * }
 * }</pre>
 */
public final class FakeEntraServer implements AutoCloseable {
  private static final int MAX_PENDING = 1000;
  private static final int MAX_RECORDED = 100;

  private final HttpServer server;
  private final ExecutorService executor;
  private volatile FakeEntra entra;
  private volatile int metadataFailure;
  private final java.util.concurrent.atomic.AtomicInteger metadataRequests =
      new java.util.concurrent.atomic.AtomicInteger();
  private final String baseUrl;
  private final String tenantPath;
  private final Map<String, AuthnRequestInfo> pending = new LinkedHashMap<>();
  private final Deque<AuthnRequestInfo> received = new ArrayDeque<>();
  private final AtomicReference<Consumer<ResponseBuilder>> nextAnswer = new AtomicReference<>();
  private final SessionBook sessions = new SessionBook();
  private final IdpLogout idpLogout = new IdpLogout(() -> entra, sessions);

  private FakeEntraServer(FakeEntra.Builder builder, int port) throws IOException {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535 (0 = any free port): " + port);
    }
    InetAddress loopback = InetAddress.getLoopbackAddress();
    this.server = HttpServer.create(new InetSocketAddress(loopback, port), 50);
    this.baseUrl = "http://" + loopback.getHostAddress() + ":" + server.getAddress().getPort();
    String tenant = builder.tenantIdOrNull();
    if (tenant == null) {
      tenant = UUID.randomUUID().toString();
      builder.tenantId(tenant);
    }
    this.tenantPath = "/" + tenant + "/";
    builder.ssoUrl(baseUrl + tenantPath + "saml2");
    this.entra = builder.build();
    this.executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "fake-entra-" + server.getAddress().getPort());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts a server on {@code port} (0 = any free port) for the fake that {@code builder}
   * configures. The builder's SSO URL is set to this server ({@code
   * http://127.0.0.1:<port>/<tenant>/saml2}) and its tenant id fixed (random if unset).
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static FakeEntraServer start(FakeEntra.Builder builder, int port) {
    Objects.requireNonNull(builder, "builder");
    try {
      return new FakeEntraServer(builder, port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake Entra on port " + port, e);
    }
  }

  /** {@link #start(FakeEntra.Builder, int)} on any free port. */
  public static FakeEntraServer start(FakeEntra.Builder builder) {
    return start(builder, 0);
  }

  /**
   * The fake this server answers with now (a certificate rollover below replaces it: the tenant,
   * users and applications stay, the keys change).
   */
  public FakeEntra entra() {
    return entra;
  }

  // ------------------------------------------------------------ certificate rollover, as in Entra

  /**
   * Entra's <i>New Certificate</i>: creates a signing certificate and publishes it in the metadata,
   * <b>inactive</b> (Responses are still signed with the active one). Returns it.
   */
  public synchronized X509Certificate addSigningCertificate() {
    FakeEntra now = entra;
    SigningKey added = Certificates.generate(Certificates.ENTRA_SUBJECT, now.clock().instant());
    List<SigningKey> keys = new java.util.ArrayList<>(now.keys());
    keys.add(added);
    entra = now.rekeyed(keys, now.activeKey());
    return added.certificate();
  }

  /**
   * Entra's <i>Make certificate active</i>: from now on Responses and the metadata are signed with
   * {@code certificate}, one of the published ones.
   *
   * @throws IllegalArgumentException if it is not published
   */
  public synchronized void activateSigningCertificate(X509Certificate certificate) {
    FakeEntra now = entra;
    entra = now.rekeyed(now.keys(), published(now, certificate));
  }

  /**
   * Deletes an inactive certificate from the metadata (Entra refuses to delete the active one).
   *
   * @throws IllegalArgumentException if it is not published, or is the active one
   */
  public synchronized void removeSigningCertificate(X509Certificate certificate) {
    FakeEntra now = entra;
    SigningKey gone = published(now, certificate);
    if (gone.equals(now.activeKey())) {
      throw new IllegalArgumentException(
          "the active certificate cannot be removed: activate another one first");
    }
    List<SigningKey> keys = new java.util.ArrayList<>(now.keys());
    keys.remove(gone);
    entra = now.rekeyed(keys, now.activeKey());
  }

  private static SigningKey published(FakeEntra now, X509Certificate certificate) {
    Objects.requireNonNull(certificate, "certificate");
    return now.keys().stream()
        .filter(k -> k.certificate().equals(certificate))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "not a published signing certificate: "
                        + certificate.getSubjectX500Principal()));
  }

  /**
   * The metadata URL answers {@code status} (e.g. 503) until {@link #serveMetadata()}: an outage of
   * the App Federation Metadata Url.
   */
  public void failMetadata(int status) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be an HTTP error (400..599): " + status);
    }
    metadataFailure = status;
  }

  /** The metadata URL serves the metadata again. */
  public void serveMetadata() {
    metadataFailure = 0;
  }

  /** How many times the metadata URL was requested (served or failed). */
  public int metadataRequestCount() {
    return metadataRequests.get();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String baseUrl() {
    return baseUrl;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The App Federation Metadata URL. */
  public String metadataUrl() {
    return baseUrl + tenantPath + "federationmetadata/2007-06/federationmetadata.xml";
  }

  /** The Login URL (same as {@code entra().ssoUrl()}). */
  public String ssoUrl() {
    return entra.ssoUrl();
  }

  /**
   * Makes the next answer (and only that one) go through {@code variant} after the fake has preset
   * it from the request and the chosen user, e.g. {@code answerNextWith(b ->
   * b.signResponse().with(Attack.expired()))}.
   */
  public void answerNextWith(Consumer<ResponseBuilder> variant) {
    nextAnswer.set(Objects.requireNonNull(variant, "variant"));
  }

  /**
   * Makes the next answer (and only that one) carry {@code attacks}, e.g. {@code
   * answerNextWith(Attack.expired())}.
   *
   * @throws IllegalArgumentException if no attack is given or two of them conflict
   */
  public void answerNextWith(Attack... attacks) {
    if (attacks.length == 0) {
      throw new IllegalArgumentException("answerNextWith needs at least one attack");
    }
    List<Attack> list = List.of(attacks);
    entra.response().with(attacks); // conflicts fail here, not on the sign-in thread
    answerNextWith(b -> b.with(list.toArray(Attack[]::new)));
  }

  // ------------------------------------------------------------ single logout, IdP-initiated

  /**
   * Where a test sends its browser to sign {@code nameId} out at Entra, as the user does on Entra's
   * {@code oauth2/logout} page or from My Apps: {@code
   * http://127.0.0.1:<port>/<tenant>/oauth2/logout?user=<nameId>}. Entra's front channel then sends
   * the browser, by HTTP-Redirect (302), a LogoutRequest ({@link IdpLogoutRequestBuilder}: Entra's
   * shape, with the NameID, its Format and the SessionIndex of the user's last sign-in there) to
   * each application the user signed in to through this server that has a Logout Url, one after the
   * other. Each answer must come back to the Login URL ({@link FakeEntra#sloUrl()}) as a GET with a
   * LogoutResponse, which is checked: {@code InResponseTo} = the request's ID, {@code Issuer} = the
   * application's Identifier, {@code Destination} (if present) = the Login URL, Status Success, and
   * a signature (if present) with the {@link FakeEntra.Builder#requireSignedRequests verification
   * certificates} (if any). A failed check shows an error page whose code names it ({@code
   * logout_response_unknown_request}, {@code logout_response_wrong_issuer}, {@code
   * logout_response_wrong_destination}, {@code logout_response_bad_signature}, {@code
   * logout_response_not_success}); after the last application the page says "You signed out of your
   * account" ({@code id="signed-out"}), at once if the user has no such application.
   *
   * <p>An SP-initiated LogoutRequest from one application does the same for the user's other
   * applications before its own LogoutResponse is sent.
   */
  public String signOutUrl(String nameId) {
    Objects.requireNonNull(nameId, "nameId");
    return baseUrl + tenantPath + "oauth2/logout?user=" + Bindings.encodeLowerCase(nameId);
  }

  /** {@link #signOutUrl(String)} for {@code user}'s NameID. */
  public String signOutUrl(TestUser user) {
    return signOutUrl(Objects.requireNonNull(user, "user").nameId());
  }

  /**
   * Whether the LogoutRequests of {@link #signOutUrl} carry an HTTP-Redirect signature ({@link
   * IdpLogoutRequestBuilder#signed()}) with the active key. Default {@code false}: Entra's shape is
   * unsigned (an SP that requires signed LogoutRequests refuses it; turn this on for such an SP).
   */
  public void signLogoutRequests(boolean sign) {
    idpLogout.signRequests(sign);
  }

  /**
   * Makes the next IdP-initiated LogoutRequest (and only that one) carry {@code attacks}, e.g.
   * {@code nextIdpLogoutWith(LogoutAttack.WRONG_ISSUER)}; the server still signs it as {@link
   * #signLogoutRequests} says unless an attack chooses the signature.
   *
   * @throws IllegalArgumentException if no attack is given, one is for LogoutResponses only, or two
   *     conflict
   * @throws IllegalStateException for {@link LogoutAttack#REPLAYED} before any IdP-initiated
   *     LogoutRequest was sent
   */
  public void nextIdpLogoutWith(LogoutAttack... attacks) {
    idpLogout.nextRequestWith(attacks);
  }

  /**
   * Makes the LogoutResponse to the next SP-initiated logout (and only that one) carry {@code
   * attacks}, e.g. {@code answerNextLogoutWith(LogoutAttack.UNKNOWN_IN_RESPONSE_TO)}.
   *
   * @throws IllegalArgumentException if no attack is given, one is for LogoutRequests only, or two
   *     conflict
   */
  public void answerNextLogoutWith(LogoutAttack... attacks) {
    idpLogout.nextResponseWith(attacks);
  }

  /** The LogoutResponses received at the Login URL, checked or not, oldest first (the last 100). */
  public List<LogoutResponseInfo> receivedLogoutResponses() {
    return idpLogout.received();
  }

  /**
   * The Identifiers of the applications {@code nameId} is signed in to through this server (signed
   * in, and not signed out since), in the order of their first sign-in.
   */
  public List<String> signedInApplications(String nameId) {
    return sessions.of(Objects.requireNonNull(nameId, "nameId")).stream()
        .map(SessionBook.SignedIn::application)
        .toList();
  }

  /** The AuthnRequests received and accepted for sign-in, oldest first (the last 100). */
  public List<AuthnRequestInfo> receivedRequests() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** The most recent accepted AuthnRequest. */
  public Optional<AuthnRequestInfo> lastRequest() {
    synchronized (received) {
      return Optional.ofNullable(received.peekLast());
    }
  }

  /** Stops the server at once and frees the port. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "FakeEntraServer[" + baseUrl + ", " + entra.entityId() + "]";
  }

  // ------------------------------------------------------------------ HTTP

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String method = ex.getRequestMethod();
      String rawQuery = ex.getRequestURI().getRawQuery();
      if (rawQuery != null && rawQuery.length() > MAX_BODY) {
        send(ex, 414, "text/plain; charset=utf-8", "request URI too long");
        return;
      }
      if (path.equalsIgnoreCase(tenantPath + "federationmetadata/2007-06/federationmetadata.xml")
          && method.equals("GET")) {
        metadataRequests.incrementAndGet();
        int failure = metadataFailure;
        if (failure != 0) {
          send(ex, failure, "text/plain; charset=utf-8", "metadata unavailable");
          return;
        }
        sendBytes(ex, 200, "text/xml; charset=utf-8", entra.metadata().withBom().bytes());
      } else if (path.equals(tenantPath + "saml2") && method.equals("GET")) {
        redirectBinding(ex, rawQuery);
      } else if (path.equals(tenantPath + "oauth2/logout") && method.equals("GET")) {
        String user = rawQuery == null ? null : Bindings.rawQueryParameters(rawQuery).get("user");
        if (user == null || user.isEmpty()) {
          error(ex, "AADSTS900144", "The request must contain the following parameter: 'user'.");
          return;
        }
        step(ex, idpLogout.signOut(Bindings.decode(user)));
      } else if (path.equals(tenantPath + "saml2") && method.equals("POST")) {
        Map<String, String> form = readForm(ex);
        if (form == null) {
          return;
        }
        String samlRequest = form.get("SAMLRequest");
        if (samlRequest == null) {
          error(ex, "AADSTS750054", "SAMLRequest must be present in the HTTP-POST form.");
          return;
        }
        if (LogoutRequestInfo.isLogoutPost(samlRequest)) {
          error(ex, LogoutEndpoint.POST_REFUSED[0], LogoutEndpoint.POST_REFUSED[1]);
          return;
        }
        if (!entra.requestVerificationCertificates().isEmpty()) {
          unsigned(ex, "only signed HTTP-Redirect requests are accepted");
          return;
        }
        signIn(ex, () -> entra.parsePost(samlRequest, form.get("RelayState")));
      } else if (path.equals(tenantPath + "saml2/login") && method.equals("POST")) {
        Map<String, String> form = readForm(ex);
        if (form != null) {
          login(ex, form);
        }
      } else {
        send(ex, 404, "text/plain; charset=utf-8", "not found");
      }
    } catch (RuntimeException e) {
      send(ex, 500, "text/plain; charset=utf-8", "fake Entra failed: " + e.getClass().getName());
    }
  }

  /** A GET to the Login URL: an AuthnRequest, a LogoutRequest, or an app's LogoutResponse. */
  private void redirectBinding(HttpExchange ex, String rawQuery) throws IOException {
    Map<String, String> raw = rawQuery == null ? Map.of() : Bindings.rawQueryParameters(rawQuery);
    if (raw.containsKey("SAMLResponse") && !raw.containsKey("SAMLRequest")) {
      step(ex, idpLogout.receive(rawQuery));
      return;
    }
    if (!raw.containsKey("SAMLRequest")) {
      error(
          ex,
          "AADSTS750054",
          "SAMLRequest or SAMLResponse must be present as query string parameters in HTTP"
              + " request for SAML Redirect binding.");
      return;
    }
    FakeEntra current = entra;
    if (!current.requestVerificationCertificates().isEmpty()) {
      String problem =
          RedirectSignature.problem(rawQuery, current.requestVerificationCertificates());
      if (problem != null) {
        unsigned(ex, problem);
        return;
      }
    }
    if (LogoutRequestInfo.isLogoutRedirect(rawQuery)) {
      LogoutEndpoint.Answer answer =
          LogoutEndpoint.answer(current, rawQuery, idpLogout.takeResponseAttacks());
      if (answer.location() == null) {
        error(ex, answer.code(), answer.message());
        return;
      }
      LogoutRequestInfo req = answer.request();
      step(ex, idpLogout.afterSpLogout(req.issuer(), req.nameId(), answer.location()));
      return;
    }
    signIn(ex, () -> current.parseRedirect(rawQuery));
  }

  /** A front-channel logout step: a 302, an error page or the signed-out page. */
  private static void step(HttpExchange ex, IdpLogout.Step step) throws IOException {
    if (step.location() != null) {
      ex.getResponseHeaders().set("Location", step.location());
      sendBytes(ex, 302, "text/plain; charset=utf-8", new byte[0]);
    } else if (step.code() != null) {
      error(ex, step.code(), step.message());
    } else {
      send(ex, 200, "text/html; charset=utf-8", SignInPages.signedOut());
    }
  }

  /** Entra's answer when "Require verification certificates" is on and the check fails. */
  private static void unsigned(HttpExchange ex, String why) throws IOException {
    error(
        ex,
        "AADSTS76021",
        "ApplicationRequiresSignedRequests: The request sent by client is not signed while the"
            + " application requires signed requests ("
            + why
            + ").");
  }

  private interface RequestParser {
    AuthnRequestInfo parse();
  }

  private void signIn(HttpExchange ex, RequestParser parser) throws IOException {
    AuthnRequestInfo req;
    try {
      req = parser.parse();
    } catch (IllegalArgumentException e) {
      error(ex, "AADSTS75005", "The request is not a valid Saml2 protocol message.");
      return;
    }
    String[] refusal = SignInChecks.refusal(entra, req);
    if (refusal != null) {
      error(ex, refusal[0], refusal[1]);
      return;
    }
    synchronized (received) {
      received.addLast(req);
      while (received.size() > MAX_RECORDED) {
        received.removeFirst();
      }
    }
    if (req.passive()) {
      answer(
          ex,
          req,
          entra.users().get(0),
          b ->
              b.errorStatus(
                  "AADSTS50058", "A silent sign-in request was sent but no user is signed in."));
      return;
    }
    String handle = newHandle();
    synchronized (pending) {
      pending.put(handle, req);
      var it = pending.keySet().iterator();
      while (pending.size() > MAX_PENDING && it.hasNext()) {
        it.next();
        it.remove();
      }
    }
    send(
        ex,
        200,
        "text/html; charset=utf-8",
        SignInPages.login(entra, req, tenantPath + "saml2/login", handle));
  }

  private void login(HttpExchange ex, Map<String, String> form) throws IOException {
    String handle = form.getOrDefault("flow", "");
    AuthnRequestInfo req;
    synchronized (pending) {
      req = pending.remove(handle);
    }
    if (req == null) {
      error(
          ex,
          "AADSTS90100",
          "This sign-in has expired or was already completed. Start again from the application.");
      return;
    }
    TestUser user;
    String index = form.get("user");
    String typed = form.getOrDefault("nameId", "").strip();
    if (index != null) {
      int i;
      try {
        i = Integer.parseInt(index);
      } catch (NumberFormatException e) {
        i = -1;
      }
      if (i < 0 || i >= entra.users().size()) {
        error(ex, "AADSTS50034", "The user account does not exist in this directory.");
        return;
      }
      user = entra.users().get(i);
    } else if (!typed.isEmpty()) {
      user = SignInChecks.typedUser(entra, typed);
    } else {
      error(ex, "AADSTS900144", "The request body must contain the following parameter: 'nameId'.");
      return;
    }
    answer(ex, req, user, b -> {});
  }

  private void answer(
      HttpExchange ex, AuthnRequestInfo req, TestUser user, Consumer<ResponseBuilder> shape)
      throws IOException {
    List<String> ids = new java.util.ArrayList<>();
    ResponseBuilder rb =
        entra
            .respondTo(req)
            .user(user)
            .ids(
                () -> {
                  String id = "_" + UUID.randomUUID();
                  ids.add(id);
                  return id;
                });
    shape.accept(rb);
    Consumer<ResponseBuilder> variant = nextAnswer.getAndSet(null);
    if (variant != null) {
      variant.accept(rb);
    }
    String samlResponse = rb.build();
    if (!rb.isErrorStatus() && ids.size() > 1) {
      // Entra's SessionIndex is the Assertion's ID, the second ID a Response is written with.
      sessions.signedIn(
          new SessionBook.SignedIn(
              req.issuer(), rb.nameIdValue(), rb.nameIdFormatValue(), ids.get(1)));
    }
    String acs =
        req.assertionConsumerServiceUrl() != null
            ? req.assertionConsumerServiceUrl()
            : entra.applications().get(req.issuer()).get(0);
    send(
        ex,
        200,
        "text/html; charset=utf-8",
        SignInPages.autoPost(acs, samlResponse, req.relayState()));
  }
}
