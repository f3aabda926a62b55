package io.cloudsign.saml.servlet;

import static io.cloudsign.saml.servlet.RequestStateTest.post;
import static io.cloudsign.saml.servlet.RequestStateTest.startAt;
import static io.cloudsign.saml.servlet.SamlSsoFilterTest.ACS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.core.InMemoryRegistrationRepository;
import io.cloudsign.saml.core.RegistrationRecord;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.core.TenantRegistrations;
import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.LogoutAttack;
import io.cloudsign.saml.testkit.LogoutResponseInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Single logout of tenants read from a repository, over real HTTP (Jetty) with a {@link
 * FakeEntraServer} per tenant: their rows' Logout Url is served at the shared tenant Logout Url
 * path; the browser's logout cookie names the tenant whose LogoutResponse comes back, the browser's
 * session the tenant of an IdP-initiated LogoutRequest; a tenant whose Logout Url is not served
 * signs out locally only.
 */
class TenantLogoutTest {
  private static final String SLO = "/saml2/logout";
  private static final String USER = "B.Simon@contoso.com";

  private final InMemoryRegistrationRepository rows = new InMemoryRegistrationRepository();
  private final HttpClient noRedirects = HttpClient.newHttpClient();
  private final TestBrowser browser = new TestBrowser();
  private FakeEntraServer contoso;
  private FakeEntraServer fabrikam;
  private TestApp app;

  private static String entityId(String tenant) {
    return "urn:amazon:cognito:sp:ap-northeast-1_" + tenant;
  }

  private static FakeEntraServer entra(String tenant, String base, String logoutPath) {
    return FakeEntraServer.start(
        FakeEntra.builder()
            .application(entityId(tenant), base + ACS)
            .logoutUrl(entityId(tenant), base + logoutPath));
  }

  @BeforeEach
  void start() throws Exception {
    TenantRegistrations tenants = TenantRegistrations.builder(rows).build();
    ServiceProvider sp = ServiceProvider.builder().tenants(tenants).build();
    app =
        TestApp.start(
            base -> {
              contoso = entra("acme", base, SLO);
              fabrikam = entra("fab", base, "/other/logout");
              return SamlSsoFilter.builder(sp, RequestStateTest::anyone)
                  .registrationSelector(
                      (request, ignored) -> Optional.ofNullable(request.getParameter("tenant")))
                  .stateKey(RequestStateTest.SHARED_KEY)
                  .build();
            });
    rows.put(tenant("acme", contoso, SLO));
    rows.put(tenant("fab", fabrikam, "/other/logout"));
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
    contoso.close();
    fabrikam.close();
  }

  private RegistrationRecord tenant(String id, FakeEntraServer entra, String logoutPath) {
    return RegistrationRecord.withMetadataXml(
            id, entityId(id), app.uri(ACS).toString(), null, entra.entra().metadataXml())
        .withLogoutUrl(app.uri(logoutPath).toString());
  }

  private void signIn(String tenant, FakeEntraServer entra) throws Exception {
    AuthnRequestInfo info = startAt(browser, entra.entra(), app.uri("/login?tenant=" + tenant));
    HttpResponse<String> acs =
        post(browser, app.uri(ACS), entra.entra().respondTo(info).build(), info.relayState().get());
    assertThat(acs.statusCode()).as(acs.body()).isEqualTo(303);
    assertThat(signedIn()).isTrue();
  }

  private boolean signedIn() throws Exception {
    return browser.getPage(app.uri("/inbox")).statusCode() == 200;
  }

  private HttpResponse<String> logout() throws Exception {
    return browser.post(app.uri("/logout"), Map.of(), "Sec-Fetch-Site", "same-origin");
  }

  /** Entra (the fake's HTTP endpoint) answers the LogoutRequest: where it redirects. */
  private String atEntra(String location) throws Exception {
    HttpResponse<String> r =
        noRedirects.send(
            HttpRequest.newBuilder(URI.create(location)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
    return r.headers().firstValue("Location").orElseThrow();
  }

  @Test
  void tenantsSpInitiatedLogoutGoesToItsEntraAndItsAnswerIsConfirmedAtTheLogoutUrl()
      throws Exception {
    signIn("acme", contoso);

    HttpResponse<String> out = logout();
    assertThat(out.statusCode()).isEqualTo(303);
    String toEntra = out.headers().firstValue("Location").orElseThrow();
    assertThat(toEntra).startsWith(contoso.entra().sloUrl() + "?SAMLRequest=");
    assertThat(contoso.entra().parseLogoutRedirect(toEntra).issuer()).isEqualTo(entityId("acme"));
    assertThat(out.headers().allValues("Set-Cookie"))
        .anySatisfy(c -> assertThat(c).contains("_logout=").contains("Path=" + SLO));
    String back = atEntra(toEntra);
    assertThat(back).startsWith(app.uri(SLO) + "?SAMLResponse=");

    HttpResponse<String> done = browser.getPage(URI.create(back));

    assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location")).contains("/");
    assertThat(signedIn()).isFalse();
  }

  @Test
  void tenantsLogoutResponseWithAnUnknownInResponseToIsNotConfirmed() throws Exception {
    signIn("acme", contoso);
    contoso.answerNextLogoutWith(LogoutAttack.UNKNOWN_IN_RESPONSE_TO);

    String back = atEntra(logout().headers().firstValue("Location").orElseThrow());
    HttpResponse<String> done = browser.getPage(URI.create(back));

    assertThat(done.statusCode()).isEqualTo(400);
    assertThat(done.body()).contains("<code id=\"error-code\">logout_unknown_request</code>");
    assertThat(signedIn()).isFalse();
  }

  @Test
  void tenantsIdpInitiatedLogoutRequestEndsTheSessionAndIsAnswered() throws Exception {
    signIn("acme", contoso);
    var request = contoso.entra().logoutRequest(entityId("acme"), USER).signed();

    HttpResponse<String> answer = browser.getPage(URI.create(request.redirectUrl()));

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
    LogoutResponseInfo response =
        contoso.entra().parseLogoutResponseRedirect(answer.headers().firstValue("Location").get());
    assertThat(response.inResponseTo()).isEqualTo(request.id());
    assertThat(response.issuer()).isEqualTo(entityId("acme"));
    assertThat(signedIn()).isFalse();
  }

  @Test
  void tenantsIdpInitiatedLogoutRequestSignedByAnotherKeyIsRefused() throws Exception {
    signIn("acme", contoso);
    var forged = contoso.entra().logoutRequest(entityId("acme"), USER).signedByAnotherKey();

    HttpResponse<String> answer = browser.getPage(URI.create(forged.redirectUrl()));

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).contains("<code id=\"error-code\">logout_invalid_signature</code>");
    assertThat(signedIn()).isTrue();
  }

  @Test
  void tenantWhoseLogoutUrlPathIsNotServedSignsOutLocallyOnly() throws Exception {
    signIn("fab", fabrikam);

    HttpResponse<String> out = logout();

    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(out.headers().firstValue("Location")).contains("/");
    assertThat(signedIn()).isFalse();
  }

  @Test
  void tenantLogoutUrlPathsMustNotBeATenantReplyUrlPath() {
    ServiceProvider sp =
        ServiceProvider.builder().tenants(TenantRegistrations.builder(rows).build()).build();
    assertThatThrownBy(
            () ->
                SamlSsoFilter.builder(sp, RequestStateTest::anyone)
                    .tenantLogoutUrlPaths(ACS)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenantLogoutUrlPaths");
  }
}
