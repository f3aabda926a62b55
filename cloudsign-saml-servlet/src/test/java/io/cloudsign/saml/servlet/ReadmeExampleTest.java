package io.cloudsign.saml.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.core.IdentityProvider;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.testkit.FakeEntra;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's servlet example, compiled and run in a real Jetty. Copy from here into README. */
class ReadmeExampleTest {
  record User(String id, boolean active, Set<String> roles) {}

  /** Stands in for the application's user table. */
  static final class Users {
    private final Map<String, User> byUpn =
        Map.of("B.Simon@contoso.com", new User("u-1", true, Set.of("staff")));

    Optional<User> findByUpn(String upn) {
      return Optional.ofNullable(byUpn.get(upn));
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
          User u =
              users
                  .findByUpn(identity.name().orElse(identity.nameId()))
                  .orElseThrow(
                      () -> UserLinkException.notProvisioned("no local user " + identity.nameId()));
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

  @Test
  void readmeServletExampleWhenBrowserOpensProtectedPageThenRedirectsToEntra() throws Exception {
    FakeEntra fake = FakeEntra.create();
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
              configure(event.getServletContext(), metadataFile, new Users());
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        });
    server.setHandler(context);
    server.start();
    try {
      HttpClient client =
          HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
      URI page = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/app/inbox");

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
}
