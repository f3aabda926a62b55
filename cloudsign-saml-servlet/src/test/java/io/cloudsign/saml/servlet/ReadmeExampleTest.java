package io.cloudsign.saml.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.core.IdentityProvider;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestUser;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's servlet example, compiled and run in a real Jetty, and checked to be the README's
 * text. Copy from here into README.
 */
class ReadmeExampleTest {
  record User(String id, boolean active, Set<String> roles) {}

  /** Stands in for the application's user table, keyed by scoped SAML keys. */
  static final class Users {
    private final Map<String, User> bySamlKey;

    Users(Map<String, User> bySamlKey) {
      this.bySamlKey = bySamlKey;
    }

    Optional<User> findBySamlKey(String key) {
      return Optional.ofNullable(bySamlKey.get(key));
    }
  }

  static void configure(ServletContext servletContext, Path metadataFile, Users users)
      throws Exception {
    // README: servlet
    IdentityProvider entra = IdentityProvider.fromMetadata(metadataFile); // "CloudSign.xml"
    Registration cloudsign =
        Registration.builder("cloudsign")
            .entityId("urn:amazon:cognito:sp:ap-northeast-1_EXAMPLE")
            .replyUrl("http://localhost:8080/saml2/idpresponse")
            .signOnUrl("http://localhost:8080/login")
            .identityProvider(entra)
            .build();
    ServiceProvider sp = ServiceProvider.builder().registration(cloudsign).build();

    UserLinker linker =
        identity -> {
          // NameID and claims are unique only per registration: look users up by a scoped key
          String key = identity.entraObjectKey().orElse(identity.subjectKey());
          User u =
              users
                  .findBySamlKey(key)
                  .orElseThrow(() -> UserLinkException.notProvisioned("no local user " + key));
          if (!u.active()) {
            throw UserLinkException.inactive("user " + u.id() + " is disabled");
          }
          return LocalUser.of(u.id(), u.roles());
        };

    SamlSsoFilter filter = SamlSsoFilter.builder(sp, linker).protectedPaths("/app/*").build();
    servletContext.addFilter("saml", filter).addMappingForUrlPatterns(null, false, "/*");
    // README: end servlet
  }

  @TempDir Path dir;

  FakeEntra fake = FakeEntra.create();

  /** B.Simon as the registration's Entra tenant knows her: registration, tenant and object id. */
  Users users() {
    String key = "cloudsign|entra|" + fake.tenantId() + "|" + TestUser.bSimon().objectId();
    return new Users(Map.of(key, new User("u-1", true, Set.of("staff"))));
  }

  /** A real Jetty on a free loopback port, configured by the README example at start-up. */
  Server start() throws Exception {
    Path metadataFile = dir.resolve("CloudSign.xml");
    Files.writeString(metadataFile, fake.metadataXml());
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.addEventListener(
        new ServletContextListener() {
          @Override
          public void contextInitialized(ServletContextEvent event) {
            try {
              configure(event.getServletContext(), metadataFile, users());
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        });
    server.setHandler(context);
    server.start();
    return server;
  }

  private static int port(Server server) {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  @Test
  void readmeServletExampleWhenBrowserOpensProtectedPageThenRedirectsToEntra() throws Exception {
    Server server = start();
    try {
      HttpClient client =
          HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
      URI page = URI.create("http://127.0.0.1:" + port(server) + "/app/inbox");

      HttpResponse<String> browser =
          client.send(
              HttpRequest.newBuilder(page).header("Accept", "text/html").build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> api =
          client.send(
              HttpRequest.newBuilder(page).header("Accept", "application/json").build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(browser.statusCode()).isEqualTo(302);
      assertThat(browser.headers().firstValue("Location"))
          .hasValueSatisfying(l -> assertThat(l).startsWith(fake.ssoUrl() + "?SAMLRequest="));
      assertThat(api.statusCode()).isEqualTo(401);
    } finally {
      server.stop();
    }
  }

  @Test
  void readmeServletExampleWhenEntraAnswersThenLinksTheUserByItsScopedKey() throws Exception {
    Server server = start();
    try {
      String base = "http://127.0.0.1:" + port(server);
      TestBrowser browser = new TestBrowser();
      TestBrowser lookalike = new TestBrowser();
      AuthnRequestInfo mine = signInStart(browser, base);
      AuthnRequestInfo theirs = signInStart(lookalike, base);
      // the same NameID and UPN, another object id: another tenant's "B.Simon", not ours
      TestUser namesake =
          TestUser.bSimon().toBuilder().objectId(UUID.randomUUID().toString()).build();

      HttpResponse<String> ok = answer(browser, base, mine, fake.respondTo(mine).build());
      HttpResponse<String> refused =
          answer(lookalike, base, theirs, fake.respondTo(theirs).user(namesake).build());

      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(303);
      assertThat(ok.headers().firstValue("Location")).hasValue("/app/inbox");
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).contains("user_not_provisioned");
    } finally {
      server.stop();
    }
  }

  private AuthnRequestInfo signInStart(TestBrowser browser, String base) throws Exception {
    HttpResponse<String> r = browser.getPage(URI.create(base + "/app/inbox"));
    return fake.parseRedirect(r.headers().firstValue("Location").orElseThrow());
  }

  private static HttpResponse<String> answer(
      TestBrowser browser, String base, AuthnRequestInfo request, String samlResponse)
      throws Exception {
    return browser.post(
        URI.create(base + "/saml2/idpresponse"),
        Map.of("SAMLResponse", samlResponse, "RelayState", request.relayState().orElseThrow()));
  }

  @Test
  void readmeServletExampleIsTheCodeOfThisTest() throws IOException {
    String self =
        Files.readString(
            Path.of(
                "src/test/java", ReadmeExampleTest.class.getName().replace('.', '/') + ".java"));
    String region =
        self.substring(
            self.indexOf("// README: servlet\n"), self.indexOf("// README: end servlet"));
    region = region.substring(region.indexOf('\n') + 1);
    String readme = Files.readString(readme());
    String section = readme.substring(readme.indexOf("## Use it in a servlet application"));
    int start = section.indexOf("```java\n") + "```java\n".length();
    String block = section.substring(start, section.indexOf("\n```\n", start));

    assertThat(lines(block)).containsExactlyElementsOf(lines(region));
  }

  private static List<String> lines(String code) {
    return code.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  private static Path readme() {
    Path p = Path.of("README.md").toAbsolutePath();
    return Files.exists(p) ? p : Path.of("..", "README.md");
  }
}
