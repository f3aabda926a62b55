package io.cloudsign.saml.example;

import static io.cloudsign.saml.example.SignInFlow.assertSignedIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.cloudsign.saml.core.JdbcRegistrationRepository;
import io.cloudsign.saml.core.RegistrationRecord;
import io.cloudsign.saml.examplecontract.ExampleProcess;
import io.cloudsign.saml.examplecontract.PostgresServer;
import io.cloudsign.saml.examplecontract.TestBrowser;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.LogoutRequestInfo;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --tenants jdbc:postgresql://…} against a real PostgreSQL: an empty database gets its
 * table, a tenant added while the app runs signs in without a restart, the database going away
 * refuses sign-ins of tenants the app must read (registration_unavailable, in seconds) while held
 * ones keep working, and it recovers by itself; bad command lines exit naming the option.
 */
class TenantsOptionTest {
  private static PostgresServer postgres;
  private final FakeEntra acmeEntra = FakeEntra.create();

  @BeforeAll
  static void startServer() throws Exception {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  private static ExampleProcess start(String... args) throws Exception {
    return ExampleProcess.mainClass(ExampleApp.class.getName(), args);
  }

  private void addTenant(String id, URI base) {
    try (HikariDataSource pool = new HikariDataSource()) {
      pool.setJdbcUrl(postgres.jdbcUrl());
      new JdbcRegistrationRepository(pool)
          .save(
              RegistrationRecord.withMetadataXml(
                  id,
                  "urn:amazon:cognito:sp:ap-northeast-1_" + id,
                  base.resolve("/saml2/idpresponse").toString(),
                  base.resolve("/login?tenant=" + id).toString(),
                  acmeEntra.metadataXml()));
    }
  }

  @Test
  void tenantAddedWhileRunningSignsInAndADatabaseOutageRefusesOnlyWhatMustBeRead()
      throws Exception {
    try (ExampleProcess p = start("--port", "0", "--tenants", postgres.jdbcUrl())) {
      URI base = p.awaitListening();
      addTenant("acme", base);
      assertSignedIn(
          SignInFlow.startAt(acmeEntra, base.resolve("/login?tenant=acme")).finish(base));

      postgres.stop();
      HttpResponse<String> refused;
      long started = System.nanoTime();
      try {
        refused = new TestBrowser().get(base.resolve("/login?tenant=other"));
        // A tenant this node holds (checked less than 30 s ago) still signs in.
        assertSignedIn(
            SignInFlow.startAt(acmeEntra, base.resolve("/login?tenant=acme")).finish(base));
      } finally {
        postgres.restart();
      }
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      assertThat(refused.body()).contains("registration_unavailable");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));

      // Back by itself within seconds (the pool may first reconnect; until then 503).
      HttpResponse<String> afterwards = new TestBrowser().get(base.resolve("/login?tenant=other"));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (afterwards.statusCode() == 503 && System.nanoTime() < deadline) {
        Thread.sleep(200);
        afterwards = new TestBrowser().get(base.resolve("/login?tenant=other"));
      }
      assertThat(afterwards.statusCode()).as(afterwards.body()).isEqualTo(404);
      assertThat(afterwards.body()).contains("no_registration");
      assertThat(p.stderr())
          .contains("Sign on URL:            " + baseUrl(base) + "/login?tenant=ID");
    }
  }

  @Test
  void tenantWithALogoutUrlInTheTableSignsOutAtItsEntraAndTheAnswerIsConfirmed() throws Exception {
    try (ExampleProcess p = start("--port", "0", "--tenants", postgres.jdbcUrl())) {
      URI base = p.awaitListening();
      try (HikariDataSource pool = new HikariDataSource()) {
        pool.setJdbcUrl(postgres.jdbcUrl());
        new JdbcRegistrationRepository(pool)
            .save(
                RegistrationRecord.withMetadataXml(
                        "slo",
                        "urn:amazon:cognito:sp:ap-northeast-1_slo",
                        base.resolve("/saml2/idpresponse").toString(),
                        null,
                        acmeEntra.metadataXml())
                    .withLogoutUrl(base.resolve("/saml2/logout").toString()));
      }
      SignInFlow flow = SignInFlow.startAt(acmeEntra, base.resolve("/login?tenant=slo"));
      assertSignedIn(flow.finish(base));
      TestBrowser browser = flow.browser();

      HttpResponse<String> out =
          browser.post(base.resolve("/logout"), Map.of(), "Sec-Fetch-Site", "same-origin");
      assertThat(out.statusCode()).as(out.body()).isEqualTo(303);
      LogoutRequestInfo request =
          acmeEntra.parseLogoutRedirect(out.headers().firstValue("Location").orElseThrow());
      assertThat(request.issuer()).isEqualTo("urn:amazon:cognito:sp:ap-northeast-1_slo");
      HttpResponse<String> done =
          browser.get(
              URI.create(
                  acmeEntra
                      .logoutResponseTo(request)
                      .to(base.resolve("/saml2/logout").toString())
                      .redirectUrl()));

      assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
      // Signed out: /me starts a sign-in again, which with tenants needs ?tenant=ID.
      HttpResponse<String> me = browser.get(base.resolve("/me"));
      assertThat(me.statusCode()).as(me.body()).isEqualTo(404);
      assertThat(me.body()).contains("no_registration");
      assertThat(p.stderr()).contains("Logout Url:             " + baseUrl(base) + "/saml2/logout");
    }
  }

  private static String baseUrl(URI base) {
    String s = base.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  @Test
  void databaseUnreachableAtStartThenExitsOneNamingTheOptionWithoutThePassword() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + freePort() + "/app?user=app&password=s3cret";
    try (ExampleProcess p = start("--port", "0", "--tenants", url)) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(p.stderr())
          .contains(
              "cloudsign-saml-example: could not start: --tenants "
                  + url.replace("s3cret", "***")
                  + " cannot be reached")
          .doesNotContain("s3cret");
    }
  }

  @Test
  void tenantsWithIdpMetadataOrAnotherFormThenExitsTwoNamingTheOption() throws Exception {
    try (ExampleProcess p =
        start("--tenants", postgres.jdbcUrl(), "--idp-metadata", "https://x.example/m.xml")) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(p.stderr()).contains("--tenants and --idp-metadata exclude each other");
    }
    try (ExampleProcess p = start("--tenants", "redis://127.0.0.1:6379")) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(p.stderr()).contains("--tenants takes a PostgreSQL JDBC URL");
    }
  }

  @Test
  void helpDescribesTenants() throws Exception {
    try (ExampleProcess p = start("--help")) {
      String out = p.allOutput(Duration.ofSeconds(60));
      assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
      assertThat(out)
          .contains("--tenants jdbc:postgresql://")
          .contains("saml_registrations")
          .contains("/login?tenant=ID")
          .contains("registration_unavailable");
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
