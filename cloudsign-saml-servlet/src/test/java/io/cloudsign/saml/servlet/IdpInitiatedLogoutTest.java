package io.cloudsign.saml.servlet;

import static io.cloudsign.saml.servlet.RequestStateTest.post;
import static io.cloudsign.saml.servlet.RequestStateTest.startAt;
import static io.cloudsign.saml.servlet.SamlSsoFilterTest.ACS;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.IdpLogoutRequestBuilder;
import io.cloudsign.saml.testkit.LogoutResponseInfo;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * IdP-initiated logout over real HTTP: Entra's signed LogoutRequest at the Logout Url ends that
 * user's sessions in every browser (recorded in SessionRevocations, checked at each request) and is
 * answered with a LogoutResponse; a forged one (unsigned, another issuer, a signature over a
 * reordered query, a replay) is refused and ends nobody's session.
 */
class IdpInitiatedLogoutTest {
  private static final String ENTITY_ID = "urn:amazon:cognito:sp:ap-northeast-1_IDPSLO";
  private static final String SLO = LogoutApp.SLO;

  private FakeEntra configured;
  private TestApp app;

  @BeforeEach
  void start() throws Exception {
    LogoutApp started = LogoutApp.start(ENTITY_ID, b -> b);
    app = started.app();
    configured = started.entra();
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  /** A browser signed in as B.Simon; returns its SessionIndex. */
  private String signIn(TestBrowser browser) throws Exception {
    AuthnRequestInfo info = startAt(browser, configured, app.uri("/inbox"));
    HttpResponse<String> acs =
        post(browser, app.uri(ACS), configured.respondTo(info).build(), info.relayState().get());
    assertThat(acs.statusCode()).as(acs.body()).isEqualTo(303);
    Matcher m =
        Pattern.compile("sessionIndex=(.*)").matcher(browser.getPage(app.uri("/inbox")).body());
    assertThat(m.find()).isTrue();
    return m.group(1).strip();
  }

  private boolean signedIn(TestBrowser browser) throws Exception {
    return browser.getPage(app.uri("/inbox")).statusCode() == 200;
  }

  private IdpLogoutRequestBuilder fromEntra() {
    return configured.logoutRequest(ENTITY_ID, "B.Simon@contoso.com");
  }

  @Test
  void entrasSignedLogoutRequestEndsTheUsersSessionsInEveryBrowserAndIsAnswered() throws Exception {
    TestBrowser a = new TestBrowser();
    TestBrowser b = new TestBrowser();
    signIn(a);
    signIn(b);
    IdpLogoutRequestBuilder request = fromEntra().signed();

    HttpResponse<String> answer = a.getPage(URI.create(request.redirectUrl()));

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
    String location = answer.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(configured.sloUrl() + "?SAMLResponse=");
    LogoutResponseInfo response = configured.parseLogoutResponseRedirect(location);
    assertThat(response.inResponseTo()).isEqualTo(request.id());
    assertThat(response.issuer()).isEqualTo(ENTITY_ID);
    assertThat(response.statusCode()).isEqualTo("urn:oasis:names:tc:SAML:2.0:status:Success");
    assertThat(signedIn(a)).isFalse();
    assertThat(signedIn(b)).as("the other browser's session ends too").isFalse();

    TestBrowser later = new TestBrowser();
    signIn(later);
    assertThat(signedIn(later)).as("a sign-in after the logout is not ended by it").isTrue();
  }

  @Test
  void logoutRequestWithASessionIndexEndsOnlyThatSession() throws Exception {
    TestBrowser a = new TestBrowser();
    TestBrowser b = new TestBrowser();
    String indexA = signIn(a);
    signIn(b);

    HttpResponse<String> answer =
        new TestBrowser()
            .getPage(URI.create(fromEntra().sessionIndex(indexA).signed().redirectUrl()));

    assertThat(answer.statusCode()).isEqualTo(302);
    assertThat(signedIn(a)).isFalse();
    assertThat(signedIn(b)).isTrue();
  }

  private void refused(IdpLogoutRequestBuilder forged, String code) throws Exception {
    TestBrowser a = new TestBrowser();
    signIn(a);

    HttpResponse<String> r = a.getPage(URI.create(forged.redirectUrl()));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.body()).contains("<code id=\"error-code\">" + code + "</code>");
    assertThat(r.headers().firstValue("Location")).isEmpty();
    assertThat(signedIn(a)).as("a refused LogoutRequest ends no session").isTrue();
  }

  @Test
  void unsignedLogoutRequestIsRefused() throws Exception {
    refused(fromEntra(), "logout_unsigned");
  }

  @Test
  void logoutRequestOfAnotherIssuerIsRefused() throws Exception {
    refused(
        fromEntra().issuer("https://login.microsoftonline.com/another-tenant/").signed(),
        "logout_invalid_issuer");
  }

  @Test
  void signatureOverAReorderedQueryOrByAnotherKeyIsRefused() throws Exception {
    refused(fromEntra().signatureOverReorderedQuery(), "logout_invalid_signature");
    refused(fromEntra().signedByAnotherKey(), "logout_invalid_signature");
  }

  @Test
  void replayedLogoutRequestIsRefused() throws Exception {
    IdpLogoutRequestBuilder first = fromEntra().signed();
    String url = first.redirectUrl();
    assertThat(new TestBrowser().getPage(URI.create(url)).statusCode()).isEqualTo(302);

    refused(fromEntra().id(first.id()).signed(), "logout_replayed");
  }
}
