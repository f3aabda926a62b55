package io.cloudsign.saml.servlet;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Tomcat's maxPostSize). On real embedded Jetty 12 and Tomcat 11, through the real filter and a
 * {@link FakeEntraServer}.
 */
class ContainerMistakesTest {
  private static final String ENTITY_ID = "urn:amazon:cognito:sp:ap-northeast-1_CONTAINERS";

  @TempDir Path tomcatBase;

  private FakeEntraServer idp;
  private AutoCloseable app;

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
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context =
        new ServletContextHandler(sessions ? ServletContextHandler.SESSIONS : 0);
    context.setMaxFormContentSize(maxFormContentSize);
    context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new TestApp.WhoAmIServlet()), "/");
    server.setHandler(context);
    server.start();
    return server::stop;
  }

  private AutoCloseable tomcat(int port, SamlSsoFilter filter, int maxPostSize) throws Exception {
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
    map.addURLPattern("/*");
    context.addFilterMap(map);
    Tomcat.addServlet(context, "app", new TestApp.WhoAmIServlet());
    context.addServletMappingDecoded("/", "app");
    tomcat.start();
    return () -> {
      tomcat.stop();
      tomcat.destroy();
    };
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
