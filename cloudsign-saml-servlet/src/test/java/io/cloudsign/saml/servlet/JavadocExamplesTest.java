package io.cloudsign.saml.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.core.IdentityProvider;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestUser;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The javadoc examples of the servlet module's public types, compiled and run here in a real Jetty:
 * each {@code <pre>{@code …}} block of a main source must appear, line by line, in this file's
 * region for its class ({@code // javadoc: Name} … {@code // end javadoc}). Copy from here into the
 * javadoc.
 */
class JavadocExamplesTest {
  static FakeEntra entra;

  @BeforeAll
  static void createEntra() {
    entra = FakeEntra.create();
  }

  record User(String id, boolean active, Set<String> roles) {}

  static final String OTHER_OBJECT_ID = "0d6e1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b";

  /** The application's user store of the UserLinker example, keyed by scoped SAML keys. */
  static final class Users {
    private final Map<String, User> bySamlKey;

    Users(Map<String, User> bySamlKey) {
      this.bySamlKey = bySamlKey;
    }

    Optional<User> findBySamlKey(String key) {
      return Optional.ofNullable(bySamlKey.get(key));
    }
  }

  /** What the application does at start-up, with the javadoc examples in it. */
  static void install(ServletContext servletContext, ServiceProvider serviceProvider, Users users) {
    // javadoc: UserLinker
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
    // end javadoc

    // javadoc: SamlSsoFilter
    SamlSsoFilter filter =
        SamlSsoFilter.builder(serviceProvider, linker).protectedPaths("/app/*").build();
    servletContext.addFilter("saml", filter).addMappingForUrlPatterns(null, false, "/*");
    // end javadoc
  }

  @Test
  void filterAndUserLinkerExamplesSignInThroughARealContainer() throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    connector.open();
    String base = "http://localhost:" + connector.getLocalPort();
    ServiceProvider sp =
        ServiceProvider.builder()
            .registration(
                Registration.builder("contoso")
                    .entityId("urn:example:contoso")
                    .replyUrl(base + "/saml2/idpresponse")
                    .identityProvider(IdentityProvider.fromMetadata(entra.metadataXml()))
                    .build())
            .build();
    // B.Simon as the contoso registration's Entra tenant knows her: tenant id and object id
    String key = "contoso|entra|" + entra.tenantId() + "|" + TestUser.bSimon().objectId();
    Users users = new Users(Map.of(key, new User("u-1", true, Set.of("staff"))));
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.addEventListener(
        new ServletContextListener() {
          @Override
          public void contextInitialized(ServletContextEvent event) {
            install(event.getServletContext(), sp, users);
          }
        });
    server.setHandler(context);
    server.start();
    try {
      TestBrowser browser = new TestBrowser();
      HttpResponse<String> start =
          browser.getPage(java.net.URI.create(base + "/app/inbox?folder=1"));
      AuthnRequestInfo info = entra.parseRedirect(start.headers().firstValue("Location").get());

      HttpResponse<String> acs =
          browser.post(
              java.net.URI.create(base + "/saml2/idpresponse"),
              Map.of(
                  "SAMLResponse",
                  entra.respondTo(info).build(),
                  "RelayState",
                  info.relayState().orElseThrow()));

      assertThat(acs.statusCode()).as(acs.body()).isEqualTo(303);
      assertThat(acs.headers().firstValue("Location")).hasValue("/app/inbox?folder=1");
      assertThat(browser.cookie("JSESSIONID")).isPresent();

      // B.Simon's UPN with another object id (another user of that name): not her
      TestBrowser other = new TestBrowser();
      HttpResponse<String> again = other.getPage(java.net.URI.create(base + "/app/inbox"));
      AuthnRequestInfo info2 = entra.parseRedirect(again.headers().firstValue("Location").get());
      HttpResponse<String> lookalike =
          other.post(
              java.net.URI.create(base + "/saml2/idpresponse"),
              Map.of(
                  "SAMLResponse",
                  entra
                      .respondTo(info2)
                      .user(TestUser.bSimon().toBuilder().objectId(OTHER_OBJECT_ID).build())
                      .build(),
                  "RelayState",
                  info2.relayState().orElseThrow()));
      assertThat(lookalike.statusCode()).isEqualTo(403);
      assertThat(lookalike.body()).contains("user_not_provisioned");
    } finally {
      server.stop();
    }
  }

  /**
   * The JdbcSessionRevocations example; needs a database, so {@link SharedSessionRevocationsTest}
   * runs it on a real PostgreSQL.
   */
  static SamlSsoFilter jdbcSessionRevocationsExample(
      javax.sql.DataSource dataSource, ServiceProvider serviceProvider, UserLinker userLinker) {
    // javadoc: JdbcSessionRevocations
    JdbcSessionRevocations revocations = new JdbcSessionRevocations(dataSource);
    revocations.createSchema(); // or run SCHEMA_RESOURCE in your migration tool
    SamlSsoFilter filter =
        SamlSsoFilter.builder(serviceProvider, userLinker).sessionRevocations(revocations).build();
    // end javadoc
    return filter;
  }

  /** Stands in for the application's factory that the web.xml example names. */
  public static final class ExampleSetup implements SamlSsoFilterFactory {
    static volatile ServiceProvider serviceProvider;

    @Override
    public SamlSsoFilter create(FilterConfig config) {
      return SamlSsoFilter.builder(serviceProvider, identity -> LocalUser.of("u-1")).build();
    }
  }

  @Test
  void webXmlExampleDeclaresTheFilterAndItsFactoryAsAContainerReadsThem() throws Exception {
    // javadoc: SamlSsoFilterFactory
    String webXml =
        """
        <filter>
          <filter-name>saml</filter-name>
          <filter-class>io.cloudsign.saml.servlet.SamlSsoFilter</filter-class>
          <init-param><param-name>factory</param-name><param-value>com.example.SamlSetup</param-value></init-param>
        </filter>
        <filter-mapping><filter-name>saml</filter-name><url-pattern>/*</url-pattern></filter-mapping>
        """;
    // end javadoc
    org.w3c.dom.Document doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(
                new ByteArrayInputStream(
                    ("<web-app>" + webXml + "</web-app>").getBytes(StandardCharsets.UTF_8)));
    String filterClass = text(doc, "filter-class");
    String paramName = text(doc, "param-name");
    assertThat(filterClass).isEqualTo(SamlSsoFilter.class.getName());
    assertThat(paramName).isEqualTo(SamlSsoFilter.FACTORY_INIT_PARAM);
    assertThat(text(doc, "param-value")).isEqualTo("com.example.SamlSetup");
    assertThat(text(doc, "url-pattern")).isEqualTo("/*");
    ExampleSetup.serviceProvider =
        ServiceProvider.builder()
            .registration(
                Registration.builder("contoso")
                    .entityId("urn:example:contoso")
                    .replyUrl("http://localhost:1/saml2/idpresponse")
                    .identityProvider(IdentityProvider.fromMetadata(entra.metadataXml()))
                    .build())
            .build();

    // As the container does: the declared class, with the application's factory in the param.
    FilterHolder holder =
        new FilterHolder(Class.forName(filterClass).asSubclass(jakarta.servlet.Filter.class));
    holder.setInitParameter(paramName, ExampleSetup.class.getName());
    try (TestApp app = TestApp.startWithHolder(holder)) {
      HttpResponse<String> r = new TestBrowser().getPage(app.uri("/login"));

      assertThat(r.statusCode()).isEqualTo(302);
      assertThat(r.headers().firstValue("Location").orElseThrow()).startsWith(entra.ssoUrl());
    }
  }

  private static String text(org.w3c.dom.Document doc, String element) {
    return doc.getElementsByTagName(element).item(0).getTextContent();
  }

  @Test
  void everyJavadocExampleOfTheServletModuleIsInThisFile() throws IOException {
    String self = Files.readString(Path.of("src/test/java", source(JavadocExamplesTest.class)));
    List<String> missing = new ArrayList<>();
    int blocks = 0;
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String name = file.getFileName().toString().replace(".java", "");
        for (List<String> block : blocks(Files.readString(file))) {
          blocks++;
          List<String> region = normalized(region(self, name));
          if (!inOrder(region, block)) {
            missing.add(name + ": " + block);
          }
        }
      }
    }
    assertThat(missing).as("javadoc examples not compiled here").isEmpty();
    assertThat(blocks).as("javadoc examples found").isGreaterThanOrEqualTo(3);
  }

  @Test
  void noJavadocOfTheServletModuleCitesTheDesignDocument() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        assertThat(Files.readString(file)).as(file.toString()).doesNotContain("DESIGN §");
      }
    }
  }

  private static String source(Class<?> type) {
    return type.getName().replace('.', '/') + ".java";
  }

  /** The lines of every {@code <pre>{@code …}</pre>} block, without the comment margin. */
  static List<List<String>> blocks(String source) {
    List<List<String>> out = new ArrayList<>();
    Matcher m =
        Pattern.compile("<pre>\\{@code\\n(.*?)\\n\\s*\\* \\}</pre>", Pattern.DOTALL)
            .matcher(source);
    while (m.find()) {
      List<String> lines = new ArrayList<>();
      for (String line : m.group(1).split("\n")) {
        String l = line.replaceFirst("^\\s*\\*", "").strip();
        if (!l.isEmpty()) {
          lines.add(l.replaceAll("\\s+", " "));
        }
      }
      out.add(lines);
    }
    return out;
  }

  private static String region(String self, String name) {
    StringBuilder sb = new StringBuilder();
    Matcher m =
        Pattern.compile("// javadoc: " + name + "\\n(.*?)// end javadoc", Pattern.DOTALL)
            .matcher(self);
    while (m.find()) {
      sb.append(m.group(1));
    }
    return sb.toString();
  }

  private static List<String> normalized(String code) {
    List<String> lines = new ArrayList<>();
    for (String line : code.split("\n")) {
      String l = line.strip().replaceAll("\\s+", " ");
      if (!l.isEmpty()) {
        lines.add(l);
      }
    }
    return lines;
  }

  /** Whether the block's lines appear in the region in order (other lines may come between). */
  private static boolean inOrder(List<String> region, List<String> block) {
    int at = 0;
    for (String line : region) {
      if (at < block.size() && line.equals(block.get(at))) {
        at++;
      }
    }
    return at == block.size();
  }
}
