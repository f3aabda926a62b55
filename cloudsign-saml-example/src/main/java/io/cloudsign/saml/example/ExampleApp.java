package io.cloudsign.saml.example;

import io.cloudsign.saml.core.FederationMetadataUrl;
import io.cloudsign.saml.core.IdentityProvider;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.SamlMetadataException;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.servlet.SamlSsoFilter;
import io.cloudsign.saml.servlet.UserLinker;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.TestUser;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The runnable example: a small Jetty 12 app behind {@link SamlSsoFilter}. Run with {@code --help}
 * for the options. Without {@code --idp-metadata} it embeds a fake Entra with a login page, so the
 * whole sign-in can be tried in a browser without a tenant.
 */
public final class ExampleApp implements AutoCloseable {
  static final String LISTENING = "cloudsign-saml-example listening on ";

  /** Entra's Logout Url: where Entra's LogoutResponse comes back (single logout). */
  static final String LOGOUT_URL_PATH = "/saml2/logout";

  /** The example's one registration (its one customer tenant); its users are linked within it. */
  static final String REGISTRATION_ID = "example";

  /** The embedded fake Entra's users: one per outcome of linking against the seed table. */
  static final List<TestUser> DEMO_USERS =
      List.of(
          TestUser.bSimon(),
          TestUser.builder()
              .nameId("Inactive.User@contoso.com")
              .displayName("Inactive User")
              .email("Inactive.User@contoso.com")
              .build(),
          TestUser.builder()
              .nameId("New.User@contoso.com")
              .displayName("New User (not provisioned)")
              .email("New.User@contoso.com")
              .build());

  private final Server server;
  private final FakeEntraServer fakeEntra;
  private final int port;
  private final String baseUrl;
  private final String listeningUrl;
  private final IdentityProvider idp;
  private Store store;

  private ExampleApp(
      Server server,
      FakeEntraServer fakeEntra,
      int port,
      String baseUrl,
      String listeningUrl,
      IdentityProvider idp) {
    this.server = server;
    this.fakeEntra = fakeEntra;
    this.port = port;
    this.baseUrl = baseUrl;
    this.listeningUrl = listeningUrl;
    this.idp = idp;
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("cloudsign-saml-example: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(Options.HELP);
      System.out.flush();
      return;
    }
    ExampleApp app;
    try {
      app = start(options);
    } catch (Exception e) {
      System.err.println("cloudsign-saml-example: could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(app::closeQuietly, "shutdown"));
    PrintStream err = System.err;
    if (app.tenantStore != null) {
      err.println("Tenants:                table saml_registrations of --tenants");
      err.println("Reply URL:              " + app.baseUrl + "/saml2/idpresponse (every tenant)");
      err.println("Sign on URL:            " + app.baseUrl + "/login?tenant=ID");
      err.println(
          "Logout Url:             " + app.baseUrl + LOGOUT_URL_PATH + " (column logout_url)");
    } else {
      err.println("Identifier (Entity ID): " + app.spEntityId);
      err.println("Reply URL:              " + app.baseUrl + "/saml2/idpresponse");
      err.println("Sign on URL:            " + app.baseUrl + "/login");
      err.println("Logout Url:             " + app.baseUrl + LOGOUT_URL_PATH);
      err.println("IdP:                    " + app.idp.entityId());
    }
    err.println(
        "Replay cache:           "
            + (app.store == null ? "in this process only" : app.store.description()));
    err.println(
        "Session revocations:    "
            + (app.store == null ? "in this process only" : app.store.description()));
    System.out.println(LISTENING + app.listeningUrl);
    System.out.flush();
    try {
      app.server.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String spEntityId;
  private FederationMetadataUrl metadataUrl;
  private TenantStore tenantStore;

  /**
   * Starts the app in this JVM with the command-line {@code args} ({@code --help} lists them) and
   * returns once it listens, without printing or waiting as {@link #main} does. For the bench's
   * HTTP sign-in load driver, which drives the app over loopback in its own process; {@link
   * #close()} stops it.
   *
   * @throws IllegalArgumentException for an unknown or malformed option
   * @throws Exception when the app cannot start (a port in use, a store not reachable, …)
   */
  public static ExampleApp start(String... args) throws Exception {
    return start(Options.parse(args));
  }

  /** Starts the app (and the embedded fake Entra if no metadata is given). */
  static ExampleApp start(Options o) throws Exception {
    Server server = new Server();
    int port = listen(server, o.bind(), o.port());
    // One address given: the app is reached there (a wildcard one is reached at localhost too).
    String host =
        o.bind()
            .filter(b -> !b.equals("0.0.0.0") && !b.equals("::"))
            .map(b -> b.contains(":") ? "[" + b + "]" : b)
            .orElse("localhost");
    String baseUrl = o.baseUrl().orElse("http://" + host + ":" + port);
    String replyUrl = baseUrl + "/saml2/idpresponse";
    String spEntityId = o.spEntityId().orElse(baseUrl + "/saml2/metadata");
    if (o.tenants().isPresent()) {
      return startWithTenants(o, server, port, host, baseUrl);
    }
    FakeEntraServer fake = null;
    FederationMetadataUrl metadata = null;
    Store store = null;
    try {
      // --store: a store this node cannot reach at start stops it here (exit 1), see Store.
      if (o.store().isPresent()) {
        store = Store.open(o.store().get());
      }
      if (o.idpMetadata().isEmpty()) {
        FakeEntra.Builder entra =
            FakeEntra.builder()
                .application(spEntityId, replyUrl)
                .logoutUrl(spEntityId, baseUrl + LOGOUT_URL_PATH);
        DEMO_USERS.forEach(entra::user);
        // With the app's own key, the fake is set up as Entra would be: "Require verification
        // certificates" and "Token encryption" with the app's certificate.
        o.spKey()
            .ifPresent(
                k -> entra.requireSignedRequests(k.certificate()).tokenEncryption(k.certificate()));
        fake = FakeEntraServer.start(entra, 0);
      }
      // The fake's metadata is read as from Entra's App Federation Metadata Url.
      String source = fake == null ? o.idpMetadata().get() : fake.metadataUrl();
      FederationMetadataUrl refreshed = null;
      IdentityProvider idp;
      if (source.startsWith("https://") || source.startsWith("http://")) {
        refreshed = metadataUrl(source, o.metadataRefresh());
        idp = refreshed.identityProvider();
      } else {
        idp = IdentityProvider.fromMetadata(Path.of(source));
      }
      metadata = refreshed;
      Registration.Builder registration =
          Registration.builder(REGISTRATION_ID)
              .entityId(spEntityId)
              .replyUrl(replyUrl)
              .signOnUrl(baseUrl + "/login")
              .logoutUrl(baseUrl + LOGOUT_URL_PATH)
              .identityProvider(idp);
      o.spKey()
          .ifPresent(
              k ->
                  registration
                      .requestSigningKey(k.privateKey(), k.certificate())
                      .decryptionKey(k.privateKey(), k.certificate()));
      ServiceProvider.Builder spBuilder =
          ServiceProvider.builder().registration(registration.build());
      if (store != null) {
        spBuilder.replayCache(store.replayCache());
      }
      ServiceProvider sp = spBuilder.build();
      SamlSsoFilter.Builder filter = filter(sp, users(o), o.stateKeys());
      if (store != null) {
        filter.sessionRevocations(store.sessionRevocations());
      }
      server.setHandler(context(o, sp, filter.build()));
      server.start();
      ExampleApp app =
          new ExampleApp(server, fake, port, baseUrl, listeningUrl(host, port, baseUrl), idp);
      app.spEntityId = spEntityId;
      app.metadataUrl = metadata;
      app.store = store;
      return app;
    } catch (Exception e) {
      if (store != null) {
        store.close();
      }
      if (metadata != null) {
        metadata.close();
      }
      if (fake != null) {
        fake.close();
      }
      for (Connector c : server.getConnectors()) {
        c.stop();
      }
      throw e;
    }
  }

  /** {@code --tenants}: no fake Entra, no fixed registration; tenants come from the database. */
  private static ExampleApp startWithTenants(
      Options o, Server server, int port, String host, String baseUrl) throws Exception {
    TenantStore tenants = null;
    Store store = null;
    try {
      if (o.store().isPresent()) {
        store = Store.open(o.store().get());
      }
      tenants = TenantStore.open(o.tenants().get(), o.metadataRefresh(), o.spKey());
      ServiceProvider.Builder spBuilder = ServiceProvider.builder().tenants(tenants.tenants());
      if (store != null) {
        spBuilder.replayCache(store.replayCache());
      }
      ServiceProvider sp = spBuilder.build();
      SamlSsoFilter.Builder filter =
          filter(sp, new TenantUsers(), o.stateKeys())
              .registrationSelector(
                  (request, ignored) -> Optional.ofNullable(request.getParameter("tenant")));
      if (store != null) {
        filter.sessionRevocations(store.sessionRevocations());
      }
      server.setHandler(context(o, sp, filter.build()));
      server.start();
      ExampleApp app =
          new ExampleApp(server, null, port, baseUrl, listeningUrl(host, port, baseUrl), null);
      app.tenantStore = tenants;
      app.store = store;
      return app;
    } catch (Exception e) {
      if (tenants != null) {
        tenants.close();
      }
      if (store != null) {
        store.close();
      }
      for (Connector c : server.getConnectors()) {
        c.stop();
      }
      throw e;
    }
  }

  private static String listeningUrl(String host, int port, String baseUrl) {
    return "http://"
        + (host.equals("localhost") ? listeningHost(baseUrl) : host)
        + ":"
        + port
        + "/";
  }

  /**
   * Opens the connectors: {@code bind} only, or by default both loopbacks (127.0.0.1, and ::1 where
   * the machine has IPv6). Returns the port (the chosen one when {@code port} is 0).
   */
  private static int listen(Server server, Optional<String> bind, int port) throws Exception {
    ServerConnector first = new ServerConnector(server);
    first.setHost(bind.orElse("127.0.0.1"));
    first.setPort(port);
    try {
      first.open();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot listen on " + first.getHost() + ":" + port + " (" + e.getMessage() + ")", e);
    }
    server.addConnector(first);
    int bound = first.getLocalPort();
    if (bind.isEmpty()) {
      try {
        ServerConnector v6 = new ServerConnector(server);
        v6.setHost("::1");
        v6.setPort(bound);
        v6.open();
        server.addConnector(v6);
      } catch (IOException ipv6Unavailable) {
        // IPv4 loopback only
      }
    }
    return bound;
  }

  /** The user table: {@code --users}, else everyone Entra vouches for, else the demo seed. */
  private static UserTable users(Options o) throws IOException {
    if (o.usersFile().isPresent()) {
      return UserTable.load(REGISTRATION_ID, o.usersFile().get());
    }
    return o.idpMetadata().isPresent()
        ? UserTable.autoProvisioning(REGISTRATION_ID)
        : UserTable.seeded(REGISTRATION_ID);
  }

  private static SamlSsoFilter.Builder filter(
      ServiceProvider sp, UserLinker users, List<byte[]> keys) {
    SamlSsoFilter.Builder b =
        SamlSsoFilter.builder(sp, users)
            .protectedPaths("/*")
            .publicPaths("/", "/favicon.ico")
            // The contract: GET /me without a session redirects to the IdP, whatever it accepts.
            .redirectToSignIn(r -> isMe(r) || SamlSsoFilter.isBrowserNavigation(r));
    if (!keys.isEmpty()) {
      b.stateKey(keys.get(0))
          .previousStateKeys(keys.subList(1, keys.size()).toArray(byte[][]::new));
    }
    return b;
  }

  private static ServletContextHandler context(
      Options o, ServiceProvider sp, SamlSsoFilter filter) {
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.setContextPath("/");
    context.setMaxFormContentSize(4 * sp.maxResponseChars() + 8192);
    context
        .getSessionHandler()
        .setSameSite(
            "Strict".equals(o.sessionSameSite())
                ? HttpCookie.SameSite.STRICT
                : HttpCookie.SameSite.LAX);
    context.getSessionHandler().setHttpOnly(true);
    context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new Pages.Me()), "/me");
    context.addServlet(new ServletHolder(new Pages.Profile()), "/profile");
    context.addServlet(new ServletHolder(new Pages.Home()), "/");
    return context;
  }

  /** 127.0.0.1 or [::1] when the base URL names it, else localhost. */
  private static String listeningHost(String baseUrl) {
    String host = URI.create(baseUrl).getHost();
    return host != null && (host.equals("127.0.0.1") || host.equals("[::1]")) ? host : "localhost";
  }

  private static boolean isMe(HttpServletRequest r) {
    return "/me".equals(r.getRequestURI());
  }

  /** Entra's App Federation Metadata Url (or the fake's), refreshed every {@code refresh}. */
  private static FederationMetadataUrl metadataUrl(String url, Duration refresh)
      throws SamlMetadataException {
    FederationMetadataUrl.Builder b;
    try {
      b = FederationMetadataUrl.builder(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--idp-metadata " + e.getMessage(), e);
    }
    return b.refreshInterval(refresh).start();
  }

  int port() {
    return port;
  }

  /**
   * The app's base URL, e.g. {@code http://localhost:8080} (Reply URL = it + /saml2/idpresponse).
   */
  public String baseUrl() {
    return baseUrl;
  }

  String listeningUrl() {
    return listeningUrl;
  }

  IdentityProvider identityProvider() {
    return idp;
  }

  /** The embedded fake Entra, when no {@code --idp-metadata} or {@code --tenants} is given. */
  Optional<FakeEntraServer> fakeEntra() {
    return Optional.ofNullable(fakeEntra);
  }

  private void closeQuietly() {
    try {
      close();
    } catch (Exception e) {
      // shutting down
    }
  }

  @Override
  public void close() throws Exception {
    server.stop();
    if (metadataUrl != null) {
      metadataUrl.close();
    }
    if (tenantStore != null) {
      tenantStore.close();
    }
    if (fakeEntra != null) {
      fakeEntra.close();
    }
    if (store != null) {
      store.close();
    }
  }
}
