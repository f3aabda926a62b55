package io.cloudsign.saml.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cloudsign.saml.core.IdentityProvider;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.SignInClient;
import io.cloudsign.saml.testkit.TestUser;
import jakarta.servlet.DispatcherType;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container mistakes a new user makes end in the filter's own page with {@code
 * container_misconfigured} and a log line saying what to fix, never in the container's error page:
 * no session support (Jetty), and a form size limit below the filter's (Jetty's maxFormContentSize,
 * Tomcat's maxPostSize). Mistakes that would keep requests from ever reaching the filter (a mapping
 * that misses its paths; on Tomcat, no servlet there) stop the start with a message naming the fix.
 * On real embedded Jetty 12 and Tomcat 11, through the real filter and a {@link FakeEntraServer}.
 */
class ContainerMistakesTest {
  private static final String ENTITY_ID = "urn:amazon:cognito:sp:ap-northeast-1_CONTAINERS";

  @TempDir Path tomcatBase;

  private FakeEntraServer idp;
  private AutoCloseable app;
  private Context tomcatContext;

  @AfterEach
  void stop() throws Exception {
    if (app != null) {
      app.close();
    }
    if (idp != null) {
      idp.close();
    }
  }

  @Test
  void signInWhenJettyHasNoSessionSupportThenOurPageNotJettys() throws Exception {
    int port = freePort();
    SamlSsoFilter filter = filterFor("http://localhost:" + port, TestUser.bSimon());
    app = jetty(port, filter, false, 200_000);

    HttpResponse<String> page = SignInClient.create().signIn(uri(port, "/inbox"));

    assertThat(page.statusCode()).isEqualTo(500);
    assertThat(page.body())
        .contains("<code id=\"error-code\">container_misconfigured</code>")
        .doesNotContain("SessionManager")
        .doesNotContain("Exception");
  }

  @Test
  void signInWhenJettyFormLimitIsBelowTheFiltersThenOurPageNamesTheCode() throws Exception {
    int port = freePort();
    SamlSsoFilter filter = filterFor("http://localhost:" + port, userWithManyClaims());
    app = jetty(port, filter, true, 10_000);

    HttpResponse<String> page = SignInClient.create().signIn(uri(port, "/inbox"));

    assertThat(page.statusCode()).isEqualTo(500);
    assertThat(page.body())
        .contains("<code id=\"error-code\">container_misconfigured</code>")
        .doesNotContain("Form is larger");
  }

  @Test
  void replyUrlWhenFormIsBadlyEncodedThenMalformedNotContainerMisconfigured() throws Exception {
    int port = freePort();
    app = jetty(port, filterFor("http://localhost:" + port, TestUser.bSimon()), true, 200_000);
    for (String body : new String[] {"SAMLResponse=%zz&RelayState=x", "SAMLResponse=%"}) {
      HttpResponse<String> page =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(uri(port, "/saml2/idpresponse"))
                      .header("Content-Type", "application/x-www-form-urlencoded")
                      .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(page.body()).as(body).doesNotContain("container_misconfigured");
      assertThat(page.statusCode()).as(body).isEqualTo(400);
    }
  }

  @Test
  void signInWhenJettyIsSetUpRightThenSignedIn() throws Exception {
    int port = freePort();
    SamlSsoFilter filter = filterFor("http://localhost:" + port, userWithManyClaims());
    app = jetty(port, filter, true, 1024 * 1024);

    HttpResponse<String> page = SignInClient.create().signIn(uri(port, "/inbox"));

    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("user=bsimon");
  }

  @Test
  void signInWhenTomcatMaxPostSizeIsBelowTheFiltersThenOurPageNamesTheCode() throws Exception {
    int port = freePort();
    SamlSsoFilter filter = filterFor("http://localhost:" + port, userWithManyClaims());
    app = tomcat(port, filter, 10_000);

    HttpResponse<String> page = SignInClient.create().signIn(uri(port, "/inbox"));

    assertThat(page.statusCode()).isEqualTo(500);
    assertThat(page.body()).contains("<code id=\"error-code\">container_misconfigured</code>");
  }

  @Test
  void signInWhenTomcatIsSetUpRightThenSignedIn() throws Exception {
    int port = freePort();
    SamlSsoFilter filter = filterFor("http://localhost:" + port, userWithManyClaims());
    app = tomcat(port, filter, 2 * 1024 * 1024);

    HttpResponse<String> page = SignInClient.create().signIn(uri(port, "/inbox"));

    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("user=bsimon");
  }

  @Test
  void startWhenJettyMapsTheFilterToAppOnlyThenRefusedNamingTheReplyUrl() throws Exception {
    int port = freePort();
    SamlSsoFilter filter = filterFor("http://localhost:" + port, TestUser.bSimon());

    Throwable refused =
        catchThrowable(() -> app = jetty(port, filter, true, 200_000, "/app/*", true));

    assertThat(messages(refused))
        .contains("SamlSsoFilter cannot work here")
        .contains("mapped to [/app/*]")
        .contains("/saml2/idpresponse (the Reply URL path of [contoso])")
        .contains("/login (the sign-in path)")
        .contains("/saml2/metadata (the metadata path)")
        .contains("Map the filter to /*");
  }

  @Test
  void startWhenJettyHasNoServletThenTheFilterStillAnswers() throws Exception {
    int port = freePort();
    app =
        jetty(
            port,
            filterFor("http://localhost:" + port, TestUser.bSimon()),
            true,
            200_000,
            "/*",
            false);

    HttpResponse<String> metadata = SignInClient.create().get(uri(port, "/saml2/metadata"));

    assertThat(metadata.statusCode()).isEqualTo(200);
    assertThat(metadata.body()).contains(ENTITY_ID);
  }

  @Test
  void startWhenTomcatMapsTheFilterToAppOnlyThenRefusedNamingTheReplyUrl() throws Exception {
    int port = freePort();
    SamlSsoFilter filter = filterFor("http://localhost:" + port, TestUser.bSimon());

    String log = tomcatLog(() -> app = tomcat(port, filter, 2 * 1024 * 1024, "/app/*", "/"));

    assertThat(tomcatContext.getState().isAvailable()).isFalse();
    assertThat(log)
        .contains("mapped to [/app/*]")
        .contains("/saml2/idpresponse (the Reply URL path of [contoso])");
  }

  @Test
  void startWhenTomcatHasNoServletForTheReplyUrlThenRefusedNamingTheDefaultServlet()
      throws Exception {
    int port = freePort();
    SamlSsoFilter filter = filterFor("http://localhost:" + port, TestUser.bSimon());

    String log = tomcatLog(() -> app = tomcat(port, filter, 2 * 1024 * 1024, "/*", "/inbox"));

    assertThat(tomcatContext.getState().isAvailable()).isFalse();
    assertThat(log)
        .contains("no servlet is mapped to /saml2/idpresponse")
        .contains("Tomcat.addDefaultServlet(context)")
        .doesNotContain("mapped to [/*]");
  }

  // ------------------------------------------------------------------ set-up

  /** B.Simon with enough claim values that the form is above 10,000 bytes. */
  private static TestUser userWithManyClaims() {
    String[] values = IntStream.range(0, 100).mapToObj(i -> "project-" + i).toArray(String[]::new);
    return TestUser.bSimon().toBuilder()
        .claim("http://schemas.cloudsign.example/claims/projects", values)
        .build();
  }

  private SamlSsoFilter filterFor(String base, TestUser user) throws Exception {
    idp =
        FakeEntraServer.start(
            FakeEntra.builder().application(ENTITY_ID, base + "/saml2/idpresponse").user(user));
    Registration reg =
        Registration.builder("contoso")
            .entityId(ENTITY_ID)
            .replyUrl(base + "/saml2/idpresponse")
            .signOnUrl(base + "/login")
            .identityProvider(IdentityProvider.fromMetadata(idp.entra().metadataXml()))
            .build();
    return SamlSsoFilter.builder(
            ServiceProvider.builder().registration(reg).build(), SamlSsoFilterTest::link)
        .build();
  }

  private static AutoCloseable jetty(
      int port, SamlSsoFilter filter, boolean sessions, int maxFormContentSize) throws Exception {
    return jetty(port, filter, sessions, maxFormContentSize, "/*", true);
  }

  private static AutoCloseable jetty(
      int port,
      SamlSsoFilter filter,
      boolean sessions,
      int maxFormContentSize,
      String filterPattern,
      boolean servlet)
      throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context =
        new ServletContextHandler(sessions ? ServletContextHandler.SESSIONS : 0);
    context.setMaxFormContentSize(maxFormContentSize);
    context.addFilter(new FilterHolder(filter), filterPattern, EnumSet.of(DispatcherType.REQUEST));
    if (servlet) {
      context.addServlet(new ServletHolder(new TestApp.WhoAmIServlet()), "/");
    }
    server.setHandler(context);
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      throw e;
    }
    return server::stop;
  }

  private AutoCloseable tomcat(int port, SamlSsoFilter filter, int maxPostSize) throws Exception {
    return tomcat(port, filter, maxPostSize, "/*", "/");
  }

  /** Tomcat with the filter at {@code filterPattern} and the app's servlet at {@code servletAt}. */
  private AutoCloseable tomcat(
      int port, SamlSsoFilter filter, int maxPostSize, String filterPattern, String servletAt)
      throws Exception {
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(tomcatBase.toString());
    Connector connector = new Connector();
    connector.setPort(port);
    connector.setProperty("address", "127.0.0.1");
    connector.setMaxPostSize(maxPostSize);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", tomcatBase.toString());
    FilterDef def = new FilterDef();
    def.setFilterName("saml");
    def.setFilter(filter);
    context.addFilterDef(def);
    FilterMap map = new FilterMap();
    map.setFilterName("saml");
    map.addURLPattern(filterPattern);
    context.addFilterMap(map);
    Tomcat.addServlet(context, "app", new TestApp.WhoAmIServlet());
    context.addServletMappingDecoded(servletAt, "app");
    tomcat.start();
    tomcatContext = context;
    return () -> {
      tomcat.stop();
      tomcat.destroy();
    };
  }

  /** The messages of a throwable and its causes, one per line. */
  private static String messages(Throwable t) {
    StringBuilder out = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      out.append(c.getMessage()).append('\n');
    }
    return out.toString();
  }

  /** What Tomcat logged (through java.util.logging, with causes) while {@code start} ran. */
  private static String tomcatLog(Start start) throws Exception {
    StringBuilder out = new StringBuilder();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            out.append(record.getMessage()).append('\n').append(messages(record.getThrown()));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger root = Logger.getLogger("");
    root.addHandler(handler);
    try {
      start.run();
    } finally {
      root.removeHandler(handler);
    }
    return out.toString();
  }

  private interface Start {
    void run() throws Exception;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static URI uri(int port, String path) {
    return URI.create("http://localhost:" + port + path);
  }
}
