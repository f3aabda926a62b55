package io.cloudsign.saml.servlet;

import static io.cloudsign.saml.servlet.RequestStateTest.post;
import static io.cloudsign.saml.servlet.RequestStateTest.startAt;
import static io.cloudsign.saml.servlet.SamlSsoFilterTest.ACS;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.examplecontract.PostgresServer;
import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.IdpLogoutRequestBuilder;
import io.cloudsign.saml.testkit.LogoutResponseInfo;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The filter on {@link JdbcSessionRevocations} on a real PostgreSQL, over real HTTP: an
 * IdP-initiated logout recorded there ends the user's session in another browser; with the database
 * stopped a signed-in request is refused 503 {@code session_check_unavailable} (the session is kept
 * and goes on once it is back), and a LogoutRequest signs out the browser that carried it and is
 * answered with Status Responder, not Success.
 */
class SharedSessionRevocationsTest {
  private static final String ENTITY_ID = "urn:amazon:cognito:sp:ap-northeast-1_SHAREDSLO";
  private static final String SLO = LogoutApp.SLO;
  private static final String RESPONDER = "urn:oasis:names:tc:SAML:2.0:status:Responder";
  private static PostgresServer server;

  private FakeEntra configured;
  private HikariDataSource pool;
  private TestApp app;

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
  void start() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.jdbcUrl());
    config.setConnectionTimeout(2_000);
    config.setValidationTimeout(1_000);
    config.setInitializationFailTimeout(-1);
    config.addDataSourceProperty("connectTimeout", "2");
    config.addDataSourceProperty("socketTimeout", "10");
    pool = new HikariDataSource(config);
    HikariDataSource dataSource = pool;
    // README: postgres revocations
    JdbcSessionRevocations revocations = new JdbcSessionRevocations(dataSource); // 12 h retention
    revocations.createSchema(); // or run SCHEMA_RESOURCE in your migration tool
    // README: end postgres revocations
    LogoutApp started = LogoutApp.start(ENTITY_ID, b -> b.sessionRevocations(revocations));
    app = started.app();
    configured = started.entra();
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
    pool.close();
  }

  private void signIn(TestBrowser browser) throws Exception {
    AuthnRequestInfo info = startAt(browser, configured, app.uri("/inbox"));
    HttpResponse<String> acs =
        post(browser, app.uri(ACS), configured.respondTo(info).build(), info.relayState().get());
    assertThat(acs.statusCode()).as(acs.body()).isEqualTo(303);
    assertThat(inbox(browser)).isEqualTo(200);
  }

  /** 200 signed in, 302 sent to sign in, 503 the session could not be checked. */
  private int inbox(TestBrowser browser) throws Exception {
    return browser.getPage(app.uri("/inbox")).statusCode();
  }

  /** The status of {@code /inbox} once the database answers again (bounded wait). */
  private int inboxOnceTheDatabaseIsBack(TestBrowser browser) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int status;
    while ((status = inbox(browser)) == 503 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    return status;
  }

  private IdpLogoutRequestBuilder fromEntra() {
    return configured.logoutRequest(ENTITY_ID, "B.Simon@contoso.com");
  }

  @Test
  void javadocExampleRunsOnARealDatabase() {
    Registration reg =
        Registration.builder("contoso")
            .entityId(ENTITY_ID)
            .replyUrl(app.uri(ACS).toString())
            .identityProvider(LogoutApp.idp(configured))
            .build();
    ServiceProvider sp = ServiceProvider.builder().registration(reg).build();
    assertThat(
            JavadocExamplesTest.jdbcSessionRevocationsExample(pool, sp, RequestStateTest::anyone))
        .isNotNull();
  }

  @Test
  void logoutRecordedInPostgresEndsTheSessionInAnotherBrowser() throws Exception {
    TestBrowser a = new TestBrowser();
    signIn(a);

    HttpResponse<String> answer =
        new TestBrowser().getPage(URI.create(fromEntra().signed().redirectUrl()));

    assertThat(answer.statusCode()).isEqualTo(302);
    LogoutResponseInfo response =
        configured.parseLogoutResponseRedirect(answer.headers().firstValue("Location").get());
    assertThat(response.statusCode()).isEqualTo("urn:oasis:names:tc:SAML:2.0:status:Success");
    assertThat(inbox(a)).isEqualTo(302);
  }

  @Test
  void whenTheDatabaseIsDownASignedInRequestIs503AndTheSessionGoesOnWhenItIsBack()
      throws Exception {
    TestBrowser a = new TestBrowser();
    signIn(a);
    server.stop();
    try {
      HttpResponse<String> refused = a.getPage(app.uri("/inbox"));
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      assertThat(refused.body())
          .contains("session_check_unavailable")
          .doesNotContain("Exception")
          .doesNotContain("saml_session_revocations");
      assertThat(refused.headers().allValues("Set-Cookie")).isEmpty();
      assertThat(inbox(a)).as("still refused, not signed out").isEqualTo(503);
    } finally {
      server.restart();
    }
    assertThat(inboxOnceTheDatabaseIsBack(a)).as("the same session, no new sign-in").isEqualTo(200);
  }

  @Test
  void whenTheDatabaseIsDownTheSignOnUrlIs503AndSignOutStillEndsTheSession() throws Exception {
    TestBrowser a = new TestBrowser();
    signIn(a);
    HttpResponse<String> signOn;
    HttpResponse<String> out;
    server.stop();
    try {
      signOn = a.getPage(app.uri("/login"));
      out = a.post(app.uri("/logout"), Map.of(), "Sec-Fetch-Site", "same-origin");
    } finally {
      server.restart();
    }

    assertThat(signOn.statusCode()).as(signOn.body()).isEqualTo(503);
    assertThat(signOn.body()).contains("session_check_unavailable");
    assertThat(out.statusCode()).as("signing out needs no check").isEqualTo(303);
    assertThat(out.headers().firstValue("Location").get())
        .startsWith(configured.sloUrl() + "?SAMLRequest=");
    assertThat(inboxOnceTheDatabaseIsBack(a)).isEqualTo(302);
  }

  @Test
  void whenTheDatabaseIsDownALogoutRequestSignsOutItsBrowserAndIsAnsweredResponder()
      throws Exception {
    TestBrowser a = new TestBrowser();
    TestBrowser b = new TestBrowser();
    signIn(a);
    signIn(b);
    IdpLogoutRequestBuilder request = fromEntra().signed();
    HttpResponse<String> answer;
    server.stop();
    try {
      answer = a.getPage(URI.create(request.redirectUrl()));
    } finally {
      server.restart();
    }

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
    LogoutResponseInfo response =
        configured.parseLogoutResponseRedirect(answer.headers().firstValue("Location").get());
    assertThat(response.inResponseTo()).isEqualTo(request.id());
    assertThat(response.statusCode()).isEqualTo(RESPONDER);
    assertThat(inboxOnceTheDatabaseIsBack(a)).as("the carrying browser").isEqualTo(302);
    assertThat(inboxOnceTheDatabaseIsBack(b))
        .as("not recorded: the other browser stays signed in (the IdP was told)")
        .isEqualTo(200);
  }
}
