package io.cloudsign.saml.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cloudsign.saml.testkit.internal.Bindings;
import io.cloudsign.saml.testkit.internal.Certificates;
import io.cloudsign.saml.testkit.internal.RedirectSignature;
import io.cloudsign.saml.testkit.internal.SigningKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.Base64;
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
 *       AuthnRequest's (AADSTS76021).
 * </ul>
 *
 * <p>The Reply URL check needs {@link FakeEntra.Builder#application}: without any registered
 * application every sign-in is refused with AADSTS50011, as Entra refuses an unknown app.
 *
 * <p><b>Security guarantees.</b> Binds to the loopback address only; request bodies and queries
 * above 512 KiB are refused (413/414); every echoed value is HTML-escaped; pending sign-ins are
 * one-use, random 128-bit handles, at most 1000 kept.
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
  private static final int MAX_BODY = 512 * 1024;
  private static final int MAX_PENDING = 1000;
  private static final int MAX_RECORDED = 100;
  private static final SecureRandom RANDOM = new SecureRandom();

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
        if (rawQuery == null || !Bindings.rawQueryParameters(rawQuery).containsKey("SAMLRequest")) {
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
          logout(ex, LogoutEndpoint.answer(current, rawQuery));
          return;
        }
        signIn(ex, () -> current.parseRedirect(rawQuery));
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

  /** Entra's answer to a LogoutRequest: a 302 to the app's Logout Url, or an error page. */
  private static void logout(HttpExchange ex, LogoutEndpoint.Answer answer) throws IOException {
    if (answer.location() == null) {
      error(ex, answer.code(), answer.message());
      return;
    }
    ex.getResponseHeaders().set("Location", answer.location());
    sendBytes(ex, 302, "text/plain; charset=utf-8", new byte[0]);
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
    String[] refusal = refusal(req);
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

  /** Entra's checks of an AuthnRequest: {code, message} of the first it fails, or null. */
  private String[] refusal(AuthnRequestInfo req) {
    if (!req.id().isEmpty() && Character.isDigit(req.id().charAt(0))) {
      return new String[] {
        "AADSTS7500529",
        "The value '" + req.id() + "' is not a valid SAML ID. The ID must not begin with a number."
      };
    }
    List<String> replyUrls = entra.applications().get(req.issuer());
    if (replyUrls == null && !entra.applications().isEmpty()) {
      return new String[] {
        "AADSTS700016",
        "Application with identifier '"
            + req.issuer()
            + "' was not found in the directory '"
            + entra.tenantId()
            + "'. This can happen if the application has not been installed by the administrator"
            + " of the tenant or consented to by any user in the tenant."
      };
    }
    String acs = req.assertionConsumerServiceUrl();
    if (replyUrls == null || (acs != null && !replyUrls.contains(acs))) {
      return new String[] {
        "AADSTS50011",
        "The redirect URI '"
            + (acs == null ? "" : acs)
            + "' specified in the request does not match the redirect URIs configured for the"
            + " application '"
            + req.issuer()
            + "'."
            + (entra.applications().isEmpty()
                ? " (No application is registered: use FakeEntra.builder().application(identifier,"
                    + " replyUrl).)"
                : "")
      };
    }
    if (req.hasSubject()) {
      return new String[] {
        "AADSTS90011", "The SAML authentication request property 'Subject' is not supported."
      };
    }
    return null;
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
      user = typedUser(typed);
    } else {
      error(ex, "AADSTS900144", "The request body must contain the following parameter: 'nameId'.");
      return;
    }
    answer(ex, req, user, b -> {});
  }

  private TestUser typedUser(String nameId) {
    for (TestUser u : entra.users()) {
      if (u.nameId().equalsIgnoreCase(nameId)) {
        return u;
      }
    }
    TestUser.Builder b =
        TestUser.builder()
            .nameId(nameId)
            .objectId(UUID.nameUUIDFromBytes(nameId.getBytes(StandardCharsets.UTF_8)).toString())
            .displayName(nameId);
    if (nameId.contains("@")) {
      b.email(nameId);
    }
    return b.build();
  }

  private void answer(
      HttpExchange ex, AuthnRequestInfo req, TestUser user, Consumer<ResponseBuilder> shape)
      throws IOException {
    ResponseBuilder rb = entra.respondTo(req).user(user);
    shape.accept(rb);
    Consumer<ResponseBuilder> variant = nextAnswer.getAndSet(null);
    if (variant != null) {
      variant.accept(rb);
    }
    String acs =
        req.assertionConsumerServiceUrl() != null
            ? req.assertionConsumerServiceUrl()
            : entra.applications().get(req.issuer()).get(0);
    send(
        ex,
        200,
        "text/html; charset=utf-8",
        SignInPages.autoPost(acs, rb.build(), req.relayState()));
  }

  private static void error(HttpExchange ex, String code, String message) throws IOException {
    send(ex, 400, "text/html; charset=utf-8", SignInPages.error(code, message));
  }

  // ------------------------------------------------------------------ plumbing

  private static String newHandle() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The url-encoded form body, or null after answering 413/400 itself. */
  private static Map<String, String> readForm(HttpExchange ex) throws IOException {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      send(ex, 415, "text/plain; charset=utf-8", "expected application/x-www-form-urlencoded");
      return null;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (InputStream in = ex.getRequestBody()) {
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        body.write(buf, 0, n);
        if (body.size() > MAX_BODY) {
          // Drop up to 8 MiB more so the client sees the 413 rather than a reset connection.
          long dropped = 0;
          while (dropped < 8L * 1024 * 1024 && (n = in.read(buf)) > 0) {
            dropped += n;
          }
          send(ex, 413, "text/plain; charset=utf-8", "request body too large");
          return null;
        }
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : body.toString(StandardCharsets.US_ASCII).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = Bindings.decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : Bindings.decode(pair.substring(eq + 1));
      if (out.putIfAbsent(name, value) != null) {
        send(ex, 400, "text/plain; charset=utf-8", "a form field appears twice");
        return null;
      }
    }
    return out;
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    sendBytes(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void sendBytes(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    var h = ex.getResponseHeaders();
    h.set("Content-Type", type);
    h.set("Cache-Control", "no-store");
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "no-referrer");
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
