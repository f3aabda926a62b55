package io.cloudsign.saml.servlet;

import static io.cloudsign.saml.servlet.RequestStateTest.post;
import static io.cloudsign.saml.servlet.RequestStateTest.startAt;
import static io.cloudsign.saml.servlet.SamlSsoFilterTest.ACS;
import static io.cloudsign.saml.servlet.SamlSsoFilterTest.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.core.InMemoryRegistrationRepository;
import io.cloudsign.saml.core.RegistrationRecord;
import io.cloudsign.saml.core.RegistrationRepository;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.core.TenantRegistrations;
import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenants added to a repository while the app runs sign in through the filter over real HTTP
 * (Jetty), all at one Reply URL path; the state cookie keeps each sign-in to its own tenant; a
 * repository outage refuses sign-ins with {@code registration_unavailable} and starts no session.
 */
class TenantSignInTest {
  private final TestClock tenantClock = TestClock.atNow();
  private final FakeEntra contoso = FakeEntra.create();
  private final FakeEntra fabrikam =
      FakeEntra.builder().tenantId("f0e1d2c3-b4a5-4697-8877-665544332211").build();
  private final InMemoryRegistrationRepository rows = new InMemoryRegistrationRepository();
  private final AtomicBoolean down = new AtomicBoolean();
  private TestApp app;

  /** The in-memory repository behind a switch that makes it fail like an unreachable database. */
  private final RegistrationRepository store =
      new RegistrationRepository() {
        private <T> T up(java.util.function.Supplier<T> call) {
          if (down.get()) {
            throw new IllegalStateException("connection refused");
          }
          return call.get();
        }

        @Override
        public Optional<RegistrationRecord> findById(String id) {
          return up(() -> rows.findById(id));
        }

        @Override
        public OptionalLong versionOf(String id) {
          return up(() -> rows.versionOf(id));
        }

        @Override
        public List<RegistrationRecord> findByReplyUrlPath(String path, int limit) {
          return up(() -> rows.findByReplyUrlPath(path, limit));
        }

        @Override
        public List<RegistrationRecord> findByReplyUrlHost(String host, int limit) {
          return up(() -> rows.findByReplyUrlHost(host, limit));
        }

        @Override
        public List<RegistrationRecord> list(String afterId, int limit) {
          return up(() -> rows.list(afterId, limit));
        }
      };

  @BeforeEach
  void start() throws Exception {
    TenantRegistrations tenants =
        TenantRegistrations.builder(store)
            .clock(tenantClock)
            .reloadAfter(Duration.ofSeconds(5))
            .build();
    ServiceProvider sp = ServiceProvider.builder().tenants(tenants).build();
    app =
        TestApp.start(
            base ->
                SamlSsoFilter.builder(sp, RequestStateTest::anyone)
                    .registrationSelector(
                        (request, ignored) -> Optional.ofNullable(request.getParameter("tenant")))
                    .stateKey(RequestStateTest.SHARED_KEY)
                    .build());
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  private RegistrationRecord tenant(String id, FakeEntra entra, String replyPath) {
    return RegistrationRecord.withMetadataXml(
        id,
        "urn:amazon:cognito:sp:ap-northeast-1_" + id,
        app.uri(replyPath).toString(),
        app.uri("/login?tenant=" + id).toString(),
        entra.metadataXml());
  }

  @Test
  void tenantAddedWhileTheAppRunsSignsInAtTheSharedReplyUrl() throws Exception {
    rows.put(tenant("acme", contoso, ACS));
    rows.put(tenant("fab", fabrikam, ACS));
    TestBrowser browser = new TestBrowser();

    AuthnRequestInfo request = startAt(browser, fabrikam, app.uri("/login?tenant=fab"));
    assertThat(request.issuer()).isEqualTo("urn:amazon:cognito:sp:ap-northeast-1_fab");
    HttpResponse<String> acs =
        post(
            browser, app.uri(ACS), fabrikam.respondTo(request).build(), request.relayState().get());

    assertThat(acs.statusCode()).as(acs.body()).isEqualTo(303);
    assertThat(browser.get(app.uri("/")).body()).contains("registration=fab");
  }

  @Test
  void responseOfAnotherTenantsEntraWithThisTenantsStateCookieIsRefused() throws Exception {
    rows.put(tenant("acme", contoso, ACS));
    rows.put(tenant("fab", fabrikam, ACS));
    TestBrowser browser = new TestBrowser();
    AuthnRequestInfo request = startAt(browser, contoso, app.uri("/login?tenant=acme"));

    HttpResponse<String> acs =
        post(
            browser, app.uri(ACS), fabrikam.respondTo(request).build(), request.relayState().get());

    assertFailure(acs, 403, "invalid_signature");
    assertThat(browser.cookie("JSESSIONID")).isEmpty();
  }

  @Test
  void unknownTenantIsNoRegistration() throws Exception {
    assertFailure(
        new TestBrowser().getPage(app.uri("/login?tenant=nobody")), 404, "no_registration");
  }

  @Test
  void tenantWhoseReplyUrlPathThisFilterDoesNotServeIsRefusedAtSignInStart() throws Exception {
    rows.put(tenant("elsewhere", contoso, "/other/acs"));

    assertFailure(
        new TestBrowser().getPage(app.uri("/login?tenant=elsewhere")),
        503,
        "registration_unavailable");
  }

  @Test
  void repositoryDownRefusesSignInStartAndTheReplyUrlWith503AndNoSession() throws Exception {
    rows.put(tenant("acme", contoso, ACS));
    TestBrowser browser = new TestBrowser();
    AuthnRequestInfo request = startAt(browser, contoso, app.uri("/login?tenant=acme"));
    down.set(true);
    tenantClock.advance(Duration.ofSeconds(6));

    assertFailure(
        new TestBrowser().getPage(app.uri("/login?tenant=acme")), 503, "registration_unavailable");
    String response = contoso.respondTo(request).build();
    HttpResponse<String> refused =
        post(browser, app.uri(ACS), response, request.relayState().get());
    assertFailure(refused, 503, "registration_unavailable");
    assertThat(browser.cookie("JSESSIONID")).isEmpty();

    down.set(false);
    TestBrowser again = new TestBrowser();
    AuthnRequestInfo retry = startAt(again, contoso, app.uri("/login?tenant=acme"));
    HttpResponse<String> ok =
        post(again, app.uri(ACS), contoso.respondTo(retry).build(), retry.relayState().get());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(303);
  }

  /** A tenant per host: the request's host picks the tenant whose Reply URL is on it. */
  @Test
  void byReplyUrlHostPicksTheTenantOfTheRequestsHost() throws Exception {
    TenantRegistrations tenants = TenantRegistrations.builder(store).build();
    ServiceProvider sp = ServiceProvider.builder().tenants(tenants).build();
    try (TestApp hosts =
        TestApp.start(
            base ->
                SamlSsoFilter.builder(sp, RequestStateTest::anyone)
                    .registrationSelector(RegistrationSelector.byReplyUrlHost())
                    .requireReplyUrlHost(true)
                    .stateKey(RequestStateTest.SHARED_KEY)
                    .build())) {
      int port = hosts.uri("/").getPort();
      rows.put(
          RegistrationRecord.withMetadataXml(
              "acme",
              "urn:sp:acme",
              "http://localhost:" + port + ACS,
              null,
              contoso.metadataXml()));
      rows.put(
          RegistrationRecord.withMetadataXml(
              "fab", "urn:sp:fab", "http://127.0.0.1:" + port + ACS, null, fabrikam.metadataXml()));
      TestBrowser browser = new TestBrowser();

      AuthnRequestInfo atLocalhost =
          startAt(browser, contoso, java.net.URI.create("http://localhost:" + port + "/login"));
      AuthnRequestInfo atLoopback =
          startAt(browser, fabrikam, java.net.URI.create("http://127.0.0.1:" + port + "/login"));

      assertThat(atLocalhost.issuer()).isEqualTo("urn:sp:acme");
      assertThat(atLoopback.issuer()).isEqualTo("urn:sp:fab");
      HttpResponse<String> acs =
          post(
              browser,
              java.net.URI.create("http://127.0.0.1:" + port + ACS),
              fabrikam.respondTo(atLoopback).build(),
              atLoopback.relayState().get());
      assertThat(acs.statusCode()).as(acs.body()).isEqualTo(303);
      down.set(true);
      assertFailure(
          new TestBrowser().getPage(java.net.URI.create("http://127.0.0.1:" + port + "/login")),
          503,
          "registration_unavailable");
    }
  }

  @Test
  void tenantsSpMetadataIsServedAtItsId() throws Exception {
    rows.put(tenant("acme", contoso, ACS));

    HttpResponse<String> metadata = new TestBrowser().get(app.uri("/saml2/metadata/acme"));

    assertThat(metadata.statusCode()).isEqualTo(200);
    assertThat(metadata.body()).contains("entityID=\"urn:amazon:cognito:sp:ap-northeast-1_acme\"");
    assertThat(new TestBrowser().get(app.uri("/saml2/metadata/nobody")).statusCode())
        .isEqualTo(404);
  }
}
