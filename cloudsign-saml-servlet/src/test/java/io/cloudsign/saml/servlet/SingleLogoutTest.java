package io.cloudsign.saml.servlet;

import static io.cloudsign.saml.servlet.RequestStateTest.post;
import static io.cloudsign.saml.servlet.RequestStateTest.startAt;
import static io.cloudsign.saml.servlet.SamlSsoFilterTest.ACS;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.core.IdentityProvider;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.LogoutRequestInfo;
import io.cloudsign.saml.testkit.LogoutResponseBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SP-initiated single logout over real HTTP with the testkit's Entra (a {@link FakeEntraServer}): a
 * same-origin POST /logout ends the local session and sends the browser to Entra with a
 * LogoutRequest; Entra's LogoutResponse (GET, lower-cased encoding, logout Issuer) at the Logout
 * Url completes it; each forged answer is refused with its own code, and nobody signed out is
 * signed in again.
 */
class SingleLogoutTest {
  private static final String ENTITY_ID = "urn:amazon:cognito:sp:ap-northeast-1_SLO";
  private static final String SLO = "/saml2/logout";

  private FakeEntraServer entra;
  private TestApp app;
  private final TestBrowser browser = new TestBrowser();
  private final HttpClient noRedirects = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    app =
        TestApp.start(
            base -> {
              entra =
                  FakeEntraServer.start(
                      FakeEntra.builder()
                          .application(ENTITY_ID, base + ACS)
                          .logoutUrl(ENTITY_ID, base + SLO));
              Registration reg =
                  Registration.builder("contoso")
                      .entityId(ENTITY_ID)
                      .replyUrl(base + ACS)
                      .logoutUrl(base + SLO)
                      .identityProvider(idp(entra))
                      .build();
              return SamlSsoFilter.builder(
                      ServiceProvider.builder().registration(reg).build(), RequestStateTest::anyone)
                  .stateKey(RequestStateTest.SHARED_KEY)
                  .build();
            });
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
    entra.close();
  }

  private static IdentityProvider idp(FakeEntraServer server) {
    try {
      return IdentityProvider.fromMetadata(server.entra().metadataXml());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private void signIn() throws Exception {
    AuthnRequestInfo info = startAt(browser, entra.entra(), app.uri("/inbox"));
    HttpResponse<String> acs =
        post(browser, app.uri(ACS), entra.entra().respondTo(info).build(), info.relayState().get());
    assertThat(acs.statusCode()).as(acs.body()).isEqualTo(303);
    assertThat(signedIn()).isTrue();
  }

  private boolean signedIn() throws Exception {
    return browser.getPage(app.uri("/inbox")).statusCode() == 200;
  }

  /** POST /logout from the app's own page: 303 to Entra's logout URL with the LogoutRequest. */
  private String logoutAtEntra() throws Exception {
    HttpResponse<String> out =
        browser.post(app.uri("/logout"), Map.of(), "Sec-Fetch-Site", "same-origin");
    assertThat(out.statusCode()).isEqualTo(303);
    String location = out.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(entra.entra().sloUrl() + "?SAMLRequest=");
    return location;
  }

  @Test
  void signOutEndsTheLocalSessionThenEntraConfirmsItAtTheLogoutUrl() throws Exception {
    signIn();
    String toEntra = logoutAtEntra();
    assertThat(signedIn()).as("signed out locally before leaving for Entra").isFalse();
    LogoutRequestInfo request = entra.entra().parseLogoutRedirect(toEntra);
    assertThat(request.nameId()).isEqualTo("B.Simon@contoso.com");
    assertThat(request.issuer()).isEqualTo(ENTITY_ID);

    // Entra itself (its HTTP endpoint) answers the GET with a redirect to the Logout Url.
    HttpResponse<String> atEntra =
        noRedirects.send(
            HttpRequest.newBuilder(URI.create(toEntra)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(atEntra.statusCode()).isEqualTo(302);
    String back = atEntra.headers().firstValue("Location").orElseThrow();
    assertThat(back).startsWith(app.uri(SLO) + "?SAMLResponse=");
    HttpResponse<String> done = browser.getPage(URI.create(back));

    assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location")).hasValue("/");
    assertThat(signedIn()).isFalse();
  }

  @Test
  void signedLogoutResponseOverEntrasLowerCasedQueryIsAccepted() throws Exception {
    signIn();
    assertThat(answer(r -> r.signed())).isEqualTo(303);
  }

  private int answer(UnaryOperator<LogoutResponseBuilder> shape) throws Exception {
    LogoutRequestInfo request = entra.entra().parseLogoutRedirect(logoutAtEntra());
    String url = shape.apply(entra.entra().logoutResponseTo(request)).redirectUrl();
    return browser.getPage(URI.create(url)).statusCode();
  }

  private void refused(UnaryOperator<LogoutResponseBuilder> shape, String code) throws Exception {
    signIn();
    LogoutRequestInfo request = entra.entra().parseLogoutRedirect(logoutAtEntra());
    String url = shape.apply(entra.entra().logoutResponseTo(request)).redirectUrl();
    HttpResponse<String> r = browser.getPage(URI.create(url));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.body())
        .contains("Sign-out not confirmed")
        .contains("<code id=\"error-code\">" + code + "</code>")
        .doesNotContain("Exception");
    assertThat(signedIn()).isFalse();
  }

  @Test
  void logoutResponseOfAnotherIssuerIsRefused() throws Exception {
    refused(
        r -> r.issuer("https://login.microsoftonline.com/another-tenant/"),
        "logout_invalid_issuer");
  }

  @Test
  void signatureOverAReorderedQueryOrByAnotherKeyIsRefused() throws Exception {
    refused(LogoutResponseBuilder::signatureOverReorderedQuery, "logout_invalid_signature");
    refused(LogoutResponseBuilder::signedByAnotherKey, "logout_invalid_signature");
  }

  @Test
  void logoutResponseToAnotherRequestOrWithAnotherRelayStateIsRefused() throws Exception {
    refused(r -> r.inResponseTo("_not-this-logout"), "logout_unknown_request");
    refused(r -> r.relayState("other"), "logout_unknown_request");
  }

  @Test
  void logoutResponseWithAnotherDestinationOrAFailureStatusIsRefused() throws Exception {
    refused(r -> r.destination("https://evil.example/saml2/logout"), "logout_invalid_destination");
    refused(r -> r.status("urn:oasis:names:tc:SAML:2.0:status:Responder"), "logout_not_confirmed");
  }

  @Test
  void logoutResponseInABrowserThatStartedNoLogoutIsRefused() throws Exception {
    signIn();
    LogoutRequestInfo request = entra.entra().parseLogoutRedirect(logoutAtEntra());
    String url = entra.entra().logoutResponseTo(request).redirectUrl();

    HttpResponse<String> other = new TestBrowser().getPage(URI.create(url));

    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(other.body()).contains("logout_unknown_request");
  }

  /** A link, an image or a cross-site form aimed at the Logout Url signs nobody out. */
  @Test
  void logoutUrlReachedWithoutAVerifiedAnswerEndsNoSession() throws Exception {
    signIn();

    assertThat(browser.getPage(app.uri(SLO)).statusCode()).isEqualTo(400);
    assertThat(browser.getPage(app.uri(SLO + "?SAMLResponse=x&RelayState=y")).statusCode())
        .isEqualTo(400);
    assertThat(
            browser
                .post(app.uri(SLO), Map.of("SAMLResponse", "x"), "Sec-Fetch-Site", "cross-site")
                .statusCode())
        .isEqualTo(400);
    assertThat(signedIn()).isTrue();
  }

  @Test
  void withoutALogoutUrlSignOutStaysLocal() throws Exception {
    try (TestApp local =
        TestApp.start(
            base ->
                SamlSsoFilter.builder(
                        ServiceProvider.builder()
                            .registration(
                                Registration.builder("contoso")
                                    .entityId(ENTITY_ID)
                                    .replyUrl(base + ACS)
                                    .identityProvider(idp(entra))
                                    .build())
                            .build(),
                        RequestStateTest::anyone)
                    .build())) {
      TestBrowser b = new TestBrowser();
      AuthnRequestInfo info = startAt(b, entra.entra(), local.uri("/inbox"));
      post(b, local.uri(ACS), entra.entra().respondTo(info).build(), info.relayState().get());

      HttpResponse<String> out =
          b.post(local.uri("/logout"), Map.of(), "Sec-Fetch-Site", "same-origin");

      assertThat(out.statusCode()).isEqualTo(303);
      assertThat(out.headers().firstValue("Location")).hasValue("/");
    }
  }
}
