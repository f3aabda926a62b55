package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cloudsign.saml.examplecontract.PostgresServer;
import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JdbcRegistrationRepository} on a real PostgreSQL server through HikariCP, with the shipped
 * schema; two pools are two nodes.
 */
class PostgresRegistrationRepositoryTest {
  private static PostgresServer server;
  private final TestClock clock = TestClock.at(Instant.parse("2026-12-04T09:00:00Z"));
  private final FakeEntra contoso = FakeEntra.builder().clock(clock).build();
  private final List<HikariDataSource> pools = new ArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void emptyTable() throws Exception {
    new JdbcRegistrationRepository(pool()).createSchema();
    try (Connection c = pool().getConnection();
        Statement s = c.createStatement()) {
      s.execute("DELETE FROM saml_registrations");
    }
  }

  @AfterEach
  void closePools() {
    pools.forEach(HikariDataSource::close);
  }

  private HikariDataSource pool() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.jdbcUrl());
    config.setConnectionTimeout(2_000);
    config.setValidationTimeout(1_000);
    config.setInitializationFailTimeout(-1);
    config.addDataSourceProperty("connectTimeout", "2");
    config.addDataSourceProperty("socketTimeout", "10");
    config.setMaximumPoolSize(4);
    HikariDataSource ds = new HikariDataSource(config);
    pools.add(ds);
    return ds;
  }

  private RegistrationRecord row(String id) {
    return RegistrationRecord.withMetadataXml(
        id,
        "urn:amazon:cognito:sp:ap-northeast-1_" + id,
        "https://cloudsign-" + id + ".auth.ap-northeast-1.amazoncognito.com/saml2/idpresponse",
        "https://www.cloudsign.jp/login",
        contoso.metadataXml());
  }

  @Test
  void createSchemaIsIdempotentWhenSeveralNodesRunItAtOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        JdbcRegistrationRepository node = new JdbcRegistrationRepository(pool());
        runs.add(pool.submit(node::createSchema));
      }
      for (Future<?> run : runs) {
        run.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(JdbcRegistrationRepository.schemaStatements()).hasSizeGreaterThanOrEqualTo(5);
  }

  /** The table as the first schema version created it: no logout_url. */
  private static final String PREVIOUS_TABLE =
      "CREATE TABLE saml_registrations (id VARCHAR(64) PRIMARY KEY CHECK (id ~"
          + " '^[A-Za-z0-9._~-]{1,64}$'), entity_id TEXT NOT NULL, reply_url TEXT NOT NULL,"
          + " sign_on_url TEXT, metadata_xml TEXT, metadata_url TEXT, version BIGINT NOT NULL"
          + " DEFAULT 1, updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), reply_url_host TEXT"
          + " GENERATED ALWAYS AS (lower(substring(reply_url from"
          + " '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?(\\[[^]]*\\]|[^/?#:]*)'))) STORED,"
          + " reply_url_path TEXT GENERATED ALWAYS AS (coalesce(nullif(substring(reply_url from"
          + " '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*([^?#]*)'), ''), '/')) STORED, CONSTRAINT"
          + " saml_registrations_one_metadata CHECK ((metadata_xml IS NULL) <> (metadata_url IS"
          + " NULL)))";

  @Test
  void createSchemaUpgradesATableOfThePreviousVersionKeepingItsRows() throws Exception {
    try (Connection c = pool().getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE saml_registrations");
      s.execute(PREVIOUS_TABLE);
      s.execute(
          "INSERT INTO saml_registrations (id, entity_id, reply_url, metadata_url) VALUES"
              + " ('old', 'urn:old', 'https://old.example/saml2/idpresponse',"
              + " 'https://login.microsoftonline.com/t/federationmetadata/2007-06/x.xml')");
    }
    JdbcRegistrationRepository repo = new JdbcRegistrationRepository(pool());

    repo.createSchema();
    repo.createSchema();

    RegistrationRecord old = repo.findById("old").orElseThrow();
    assertThat(old.logoutUrl()).isNull();
    assertThat(old.version()).isEqualTo(1);
    assertThat(repo.save(old.withLogoutUrl("https://old.example/saml2/logout")).version())
        .isEqualTo(2);
    assertThat(repo.findById("old").orElseThrow().logoutUrl())
        .isEqualTo("https://old.example/saml2/logout");
    assertThat(repo.findByReplyUrlPath("/saml2/idpresponse", 10)).hasSize(1);
  }

  @Test
  void logoutUrlRoundTripsAndAReplacedRowWithoutOneClearsIt() {
    JdbcRegistrationRepository repo = new JdbcRegistrationRepository(pool());
    RegistrationRecord withLogout =
        row("acme").withLogoutUrl("https://cloudsign-acme.example/saml2/logout");

    repo.save(withLogout);
    assertThat(repo.findById("acme")).contains(withLogout.withVersion(1));
    assertThat(repo.list(null, 10))
        .extracting(RegistrationRecord::logoutUrl)
        .containsExactly("https://cloudsign-acme.example/saml2/logout");

    repo.save(row("acme"));
    assertThat(repo.findById("acme").orElseThrow().logoutUrl()).isNull();
  }

  @Test
  void saveAddsThenReplacesWithTheNextVersionAndAnUpdateByHandBumpsItToo() throws Exception {
    JdbcRegistrationRepository repo = new JdbcRegistrationRepository(pool());
    assertThat(repo.save(row("acme")).version()).isEqualTo(1);
    RegistrationRecord changed =
        RegistrationRecord.withMetadataUrl(
            "acme",
            "urn:changed",
            "https://acme.example/saml2/idpresponse",
            null,
            "https://login.microsoftonline.com/t/federationmetadata/2007-06/federationmetadata.xml");
    assertThat(repo.save(changed).version()).isEqualTo(2);
    assertThat(repo.findById("acme")).contains(changed.withVersion(2));

    try (Connection c = pool().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE saml_registrations SET entity_id = 'urn:by-hand' WHERE id = 'acme'");
    }
    assertThat(repo.versionOf("acme")).hasValue(3);
    assertThat(repo.versionOf("nobody")).isEmpty();
  }

  @Test
  void rowInsertedWithPlainSqlAsTheReadmeShowsIsFoundByIdHostAndPath() throws Exception {
    try (Connection c = pool().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO saml_registrations (id, entity_id, reply_url, sign_on_url,"
                    + " metadata_url) VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, "contoso");
      ps.setString(2, "urn:amazon:cognito:sp:ap-northeast-1_CONTOSO");
      ps.setString(3, "https://CloudSign-Contoso.auth.example:8443/saml2/idpresponse?x=1");
      ps.setString(4, "https://www.cloudsign.jp/login");
      ps.setString(5, "https://login.microsoftonline.com/t/federationmetadata.xml");
      ps.executeUpdate();
    }
    JdbcRegistrationRepository repo = new JdbcRegistrationRepository(pool());

    assertThat(repo.findById("contoso").orElseThrow().version()).isEqualTo(1);
    assertThat(repo.findByReplyUrlHost("cloudsign-contoso.AUTH.example", 10))
        .extracting(RegistrationRecord::id)
        .containsExactly("contoso");
    assertThat(repo.findByReplyUrlPath("/saml2/idpresponse", 10))
        .extracting(RegistrationRecord::id)
        .containsExactly("contoso");
    assertThat(repo.findByReplyUrlPath("/saml2/idpresponse?x=1", 10)).isEmpty();
  }

  @Test
  void rowsTypedByHandWithBothOrNoMetadataOrABadIdAreRefusedByTheTable() throws Exception {
    for (String values :
        List.of(
            "('a', 'urn:a', 'https://a.example/r', '<x/>', 'https://m.example')",
            "('b', 'urn:b', 'https://b.example/r', NULL, NULL)",
            "('../c', 'urn:c', 'https://c.example/r', '<x/>', NULL)")) {
      try (Connection c = pool().getConnection();
          Statement s = c.createStatement()) {
        assertThatThrownBy(
                () ->
                    s.executeUpdate(
                        "INSERT INTO saml_registrations (id, entity_id, reply_url, metadata_xml,"
                            + " metadata_url) VALUES "
                            + values))
            .isInstanceOf(java.sql.SQLException.class)
            .hasMessageContaining("check constraint");
      }
    }
  }

  @Test
  void readmeExampleRunsAndItsInsertAddsATenant() throws Exception {
    javax.sql.DataSource dataSource = pool();
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    java.security.KeyPair keys = generator.generateKeyPair();
    java.security.PrivateKey spKey = keys.getPrivate();
    java.security.cert.X509Certificate spCertificate =
        TestCertificates.selfSigned(keys, "CN=cloudsign-sp");
    ReplayCache replayCache = new InMemoryReplayCache();
    // README: tenants
    JdbcRegistrationRepository repository = new JdbcRegistrationRepository(dataSource); // HikariCP
    repository.createSchema(); // or run META-INF/cloudsign-saml/saml_registrations.postgresql.sql
    TenantRegistrations tenants =
        TenantRegistrations.builder(repository)
            .customize((row, registration) -> registration.requestSigningKey(spKey, spCertificate))
            .build(); // maxCached 1,000 tenants per node, reloadAfter 30 s
    ServiceProvider sp =
        ServiceProvider.builder().tenants(tenants).replayCache(replayCache).build();
    // README: end tenants
    String readme = java.nio.file.Files.readString(readme());
    String section = readme.substring(readme.indexOf("### Tenants added at runtime"));
    assertThat(lines(block(section, "```java\n")))
        .containsExactlyElementsOf(lines(region("tenants")));

    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement()) {
      st.executeUpdate(block(section, "```sql\n"));
    }
    repository.save(row("acme"));
    assertThat(sp.registration("acme")).isPresent();
    assertThat(repository.findById("contoso").orElseThrow().metadataUrl())
        .startsWith("https://login.microsoftonline.com/");
    assertThat(repository.findById("contoso").orElseThrow().logoutUrl())
        .isEqualTo("https://app.example/saml2/logout");
    assertThat(repository.findByReplyUrlHost("app.example", 10))
        .extracting(RegistrationRecord::id)
        .containsExactly("contoso");
  }

  private static String block(String section, String fence) {
    int start = section.indexOf(fence) + fence.length();
    return section.substring(start, section.indexOf("\n```\n", start));
  }

  private static String region(String name) throws java.io.IOException {
    String self =
        java.nio.file.Files.readString(
            java.nio.file.Path.of(
                "src/test/java/io/cloudsign/saml/core/PostgresRegistrationRepositoryTest.java"));
    String start = "// README: " + name + "\n";
    return self.substring(
        self.indexOf(start) + start.length(), self.indexOf("// README: end " + name));
  }

  private static List<String> lines(String code) {
    return code.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  private static java.nio.file.Path readme() {
    java.nio.file.Path p = java.nio.file.Path.of("README.md").toAbsolutePath();
    return java.nio.file.Files.exists(p) ? p : java.nio.file.Path.of("..", "README.md");
  }

  @Test
  void listPagesThroughEveryRowOnceInIdOrderAndDeleteRemovesOne() {
    JdbcRegistrationRepository repo = new JdbcRegistrationRepository(pool());
    for (String id : List.of("c", "a", "e", "b", "d")) {
      repo.save(row(id));
    }
    List<String> seen = new ArrayList<>();
    String after = null;
    for (List<RegistrationRecord> page; !(page = repo.list(after, 2)).isEmpty(); ) {
      page.forEach(r -> seen.add(r.id()));
      after = page.get(page.size() - 1).id();
    }
    assertThat(seen).containsExactly("a", "b", "c", "d", "e");

    assertThat(repo.delete("c")).isTrue();
    assertThat(repo.delete("c")).isFalse();
    assertThat(repo.findById("c")).isEmpty();
  }

  @Test
  void tenantSavedOnOneNodeSignsInOnAnotherAndItsChangeReachesItWithinReloadAfter()
      throws Exception {
    JdbcRegistrationRepository nodeA = new JdbcRegistrationRepository(pool());
    ServiceProvider nodeB =
        ServiceProvider.builder()
            .tenants(
                TenantRegistrations.builder(new JdbcRegistrationRepository(pool()))
                    .clock(clock)
                    .build())
            .clock(clock)
            .build();
    assertThat(nodeB.registration("acme")).isEmpty();

    nodeA.save(row("acme"));
    clock.advance(Duration.ofSeconds(31));
    SignInRequest request = nodeB.startSignIn("acme", null);
    AuthnRequestInfo received = contoso.parseRedirect(request.redirectUrl().toString());
    assertThat(nodeB.validate(contoso.respondTo(received).build(), request.pending()).nameId())
        .isNotBlank();

    FakeEntra fabrikam =
        FakeEntra.builder().clock(clock).tenantId("f0e1d2c3-b4a5-4697-8877-665544332211").build();
    nodeA.save(
        RegistrationRecord.withMetadataXml(
            "acme", row("acme").entityId(), row("acme").replyUrl(), null, fabrikam.metadataXml()));
    clock.advance(Duration.ofSeconds(31));
    assertThat(nodeB.registration("acme").orElseThrow().identityProvider().entityId())
        .isEqualTo(fabrikam.entityId());
  }

  @Test
  void databaseDownFailsLookupsClosedWithinSecondsAndTheyWorkAgainWhenItIsBack() throws Exception {
    JdbcRegistrationRepository repo = new JdbcRegistrationRepository(pool());
    repo.save(row("acme"));
    ServiceProvider sp =
        ServiceProvider.builder()
            .tenants(TenantRegistrations.builder(repo).clock(clock).build())
            .clock(clock)
            .build();
    server.stop();
    try {
      long start = System.nanoTime();
      assertThatThrownBy(() -> sp.registration("acme"))
          .isInstanceOfSatisfying(
              RegistrationUnavailableException.class,
              e -> assertThat(e.storeUnavailable()).isTrue());
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
      assertThatThrownBy(() -> repo.findById("acme")).isInstanceOf(IllegalStateException.class);
    } finally {
      server.restart();
    }
    assertThat(sp.registration("acme")).isPresent();
  }
}
