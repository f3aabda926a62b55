package io.cloudsign.saml.springexample;

import static io.cloudsign.saml.spring.CloudsignSamlConfigurer.cloudsignSaml;

import io.cloudsign.saml.servlet.LocalUser;
import io.cloudsign.saml.servlet.SamlSsoFilter;
import io.cloudsign.saml.servlet.UserLinkException;
import io.cloudsign.saml.servlet.UserLinker;
import io.cloudsign.saml.spring.CloudsignSamlConfigurationException;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.TestUser;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.savedrequest.NullRequestCache;

/**
 * The Spring Boot example, with the plain example's command line ({@code --port}, {@code
 * --base-url}, {@code --idp-metadata}, {@code --sp-entity-id}) and ready line. Without {@code
 * --idp-metadata} it embeds the testkit's fake Entra with a login page.
 */
@SpringBootApplication
public class BootExampleApp {
  static final String LISTENING = "cloudsign-saml-example listening on ";
  static final String REGISTRATION_ID = "example";

  /** Seed table of the embedded fake: B.Simon active, Inactive.User disabled, others unknown. */
  static final Map<String, Boolean> SEED =
      Map.of("B.Simon@contoso.com", true, "Inactive.User@contoso.com", false);

  public static void main(String[] args) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("cloudsign-saml-example: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (o.help()) {
      System.out.print(Options.HELP);
      return;
    }
    Running app;
    try {
      app = start(o);
    } catch (Exception e) {
      System.err.println("cloudsign-saml-example: could not start: " + reason(e));
      System.exit(1);
      return;
    }
    System.out.println(LISTENING + app.listeningUrl());
    System.out.flush();
  }

  /** The started application; close to stop it (and the embedded fake Entra). */
  record Running(ConfigurableApplicationContext context, FakeEntraServer fake, String listeningUrl)
      implements AutoCloseable {
    @Override
    public void close() {
      context.close();
      if (fake != null) {
        fake.close();
      }
    }
  }

  /** The configuration refusal if there is one (it names the property), else the root cause. */
  private static String reason(Throwable e) {
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CloudsignSamlConfigurationException) {
        return t.getMessage();
      }
      root = t;
    }
    return root.getMessage();
  }

  /** Entra's Logout Url (Optional): where Entra's LogoutResponse and LogoutRequests arrive. */
  static final String LOGOUT_URL_PATH = "/saml2/logout";

  static Running start(Options o) throws Exception {
    // The Reply URL is configuration, so the port is fixed before Boot starts.
    int port = o.port() == 0 ? freePort() : o.port();
    String baseUrl = o.baseUrl().orElse("http://localhost:" + port);
    String replyUrl = baseUrl + "/saml2/idpresponse";
    String spEntityId = o.spEntityId().orElse(baseUrl + "/saml2/metadata");
    FakeEntraServer fake = null;
    String metadata = o.idpMetadata().orElse(null);
    boolean seeded = metadata == null;
    if (metadata == null) {
      FakeEntra.Builder entra =
          FakeEntra.builder()
              .application(spEntityId, replyUrl)
              .logoutUrl(spEntityId, baseUrl + LOGOUT_URL_PATH);
      List.of(
              TestUser.bSimon(),
              TestUser.builder().nameId("Inactive.User@contoso.com").build(),
              TestUser.builder().nameId("New.User@contoso.com").build())
          .forEach(entra::user);
      fake = FakeEntraServer.start(entra, 0);
      metadata = fake.metadataUrl();
    }
    Map<String, Object> p = new LinkedHashMap<>();
    String r = "cloudsign.saml.registrations." + REGISTRATION_ID + ".";
    p.put("server.port", port);
    p.put("server.address", "127.0.0.1");
    p.put(r + "identifier", spEntityId);
    p.put(r + "reply-url", replyUrl);
    p.put(r + "sign-on-url", baseUrl + "/login");
    // Entra's Logout Url (Optional): single logout, as the plain example does.
    p.put(r + "sp-logout-url", baseUrl + LOGOUT_URL_PATH);
    p.put("cloudsign.saml.after-logout-path", "/");
    // A file, or the App Federation Metadata Url (the starter loads and refreshes it).
    boolean url = metadata.startsWith("http://") || metadata.startsWith("https://");
    p.put(r + "metadata", url ? metadata : Path.of(metadata).toAbsolutePath().toString());
    p.put("example.seeded-users", seeded);
    p.put("spring.main.banner-mode", "off");
    p.put("logging.level.root", "WARN");
    p.put("logging.level.io.cloudsign", "INFO");
    SpringApplication app = new SpringApplication(BootExampleApp.class);
    app.setDefaultProperties(p);
    try {
      ConfigurableApplicationContext context = app.run();
      String host = URI.create(baseUrl).getHost();
      String listening = "127.0.0.1".equals(host) ? host : "localhost";
      return new Running(context, fake, "http://" + listening + ":" + port + "/");
    } catch (RuntimeException e) {
      if (fake != null) {
        fake.close();
      }
      throw e;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    return http.authorizeHttpRequests(
            a -> a.requestMatchers("/", "/favicon.ico").permitAll().anyRequest().authenticated())
        // The return path travels in the signed state cookie: no pre-sign-in session is needed.
        .requestCache(c -> c.requestCache(new NullRequestCache()))
        // Logout stays Spring's: POST with the CSRF token (the home page's sign-out form). This
        // handler answers local logouts; an Entra user's goes on to Entra (single logout).
        .logout(
            l ->
                l.logoutSuccessHandler(
                    (q, s, a) -> {
                      s.setStatus(303);
                      s.setHeader("Location", "/");
                    }))
        .with(
            cloudsignSaml(),
            saml ->
                saml.redirectToSignIn(
                    q -> "/me".equals(q.getRequestURI()) || SamlSsoFilter.isBrowserNavigation(q)))
        .build();
  }

  @Bean
  UserLinker userLinker(org.springframework.core.env.Environment env) {
    boolean seeded = env.getProperty("example.seeded-users", Boolean.class, true);
    return identity -> {
      String name = identity.nameId();
      if (!seeded) {
        return LocalUser.of(name); // with real Entra metadata: every vouched-for user
      }
      Boolean active = SEED.get(name);
      if (active == null) {
        throw UserLinkException.notProvisioned("no local user " + name);
      }
      if (!active) {
        throw UserLinkException.inactive("user " + name + " is disabled");
      }
      return LocalUser.of(name, Set.of("user"));
    };
  }
}
