package io.cloudsign.saml.servlet;

import static io.cloudsign.saml.servlet.RequestStateTest.post;
import static io.cloudsign.saml.servlet.RequestStateTest.startAt;
import static io.cloudsign.saml.servlet.SamlSsoFilterTest.ACS;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.IdpLogoutRequestBuilder;
import io.cloudsign.saml.testkit.IdpLogoutRequestBuilder.Wrapping;
import io.cloudsign.saml.testkit.LogoutRequestInfo;
import io.cloudsign.saml.testkit.LogoutResponseBuilder;
import io.cloudsign.saml.testkit.LogoutResponseInfo;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Logout messages by HTTP-POST over real HTTP, as Keycloak and SimpleSAMLphp send them: a signed
 * LogoutRequest posted cross-site to the Logout Url ends that user's sessions in every browser and
 * is answered by HTTP-Redirect; each forged one (unsigned, another key, signature wrapping, changed
 * after signing, a replay) is refused with its code and ends nobody's session; the LogoutResponse
 * to an SP-initiated logout may be posted too, and finds this browser's pending logout (its cookie
 * is {@code SameSite=None}, as a cross-site POST needs).
 */
class PostBindingLogoutTest {
  private static final String ENTITY_ID = "urn:cloudsign:test:post-slo";
  private static final String SLO = LogoutApp.SLO;
  private static final String USER = "B.Simon@contoso.com";

  /** What a cross-site form POST from the IdP's page carries. */
  private static final String[] FROM_THE_IDP = {
    "Sec-Fetch-Site", "cross-site", "Origin", "https://login.microsoftonline.com"
  };

  private FakeEntra entra;
  private TestApp app;

  @BeforeEach
  void start() throws Exception {
    LogoutApp started = LogoutApp.start(ENTITY_ID, b -> b);
    app = started.app();
    entra = started.entra();
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  private TestBrowser signedInBrowser() throws Exception {
    TestBrowser browser = new TestBrowser();
    AuthnRequestInfo info = startAt(browser, entra, app.uri("/inbox"));
    HttpResponse<String> acs =
        post(browser, app.uri(ACS), entra.respondTo(info).build(), info.relayState().get());
    assertThat(acs.statusCode()).as(acs.body()).isEqualTo(303);
    assertThat(signedIn(browser)).isTrue();
    return browser;
  }

  private boolean signedIn(TestBrowser browser) throws Exception {
    return browser.getPage(app.uri("/inbox")).statusCode() == 200;
  }

  private IdpLogoutRequestBuilder fromIdp() {
    return entra.logoutRequest(ENTITY_ID, USER);
  }

  // ------------------------------------------------------------ IdP-initiated

  @Test
  void signedPostedLogoutRequestEndsTheUsersSessionsInEveryBrowserAndIsAnsweredByRedirect()
      throws Exception {
    TestBrowser a = signedInBrowser();
    TestBrowser b = signedInBrowser();
    IdpLogoutRequestBuilder request = fromIdp().relayState("back-to-idp").signed();
    assertThat(request.postForm())
        .contains("action=\"" + app.uri(SLO) + "\"")
        .contains("name=\"SAMLRequest\"");

    HttpResponse<String> answer = a.post(app.uri(SLO), request.postFields(), FROM_THE_IDP);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
    String location = answer.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(entra.sloUrl() + "?SAMLResponse=");
    LogoutResponseInfo response = entra.parseLogoutResponseRedirect(location);
    assertThat(response.inResponseTo()).isEqualTo(request.id());
    assertThat(response.relayState()).contains("back-to-idp");
    assertThat(response.statusCode()).isEqualTo("urn:oasis:names:tc:SAML:2.0:status:Success");
    assertThat(signedIn(a)).isFalse();
    assertThat(signedIn(b)).as("the other browser's session ends too").isFalse();
  }

  private void refused(Map<String, String> forged, String code) throws Exception {
    TestBrowser a = signedInBrowser();

    HttpResponse<String> r = a.post(app.uri(SLO), forged, FROM_THE_IDP);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.body())
        .contains("<code id=\"error-code\">" + code + "</code>")
        .doesNotContain("Exception");
    assertThat(r.headers().firstValue("Location")).isEmpty();
    assertThat(signedIn(a)).as("a refused LogoutRequest ends no session").isTrue();
  }

  @Test
  void unsignedPostedLogoutRequestIsRefused() throws Exception {
    refused(fromIdp().postFields(), "logout_unsigned");
  }

  @Test
  void postedLogoutRequestSignedByAnotherKeyIsRefused() throws Exception {
    refused(fromIdp().signedByAnotherKey().postFields(), "logout_invalid_signature");
  }

  @Test
  void signatureWrappingAndAChangeAfterSigningAreRefused() throws Exception {
    String victim = "ceo@contoso.com";
    refused(
        fromIdp().signed().wrapped(Wrapping.SIGNED_INSIDE_UNSIGNED, victim).postFields(),
        "logout_invalid_signature");
    refused(
        fromIdp().signed().wrapped(Wrapping.SECOND_REQUEST_SAME_ID, victim).postFields(),
        "logout_malformed");
    refused(
        fromIdp().signed().wrapped(Wrapping.CHANGED_AFTER_SIGNING, victim).postFields(),
        "logout_invalid_signature");
  }

  @Test
  void replayedPostedLogoutRequestIsRefused() throws Exception {
    IdpLogoutRequestBuilder first = fromIdp().signed();
    Map<String, String> fields = first.postFields();
    assertThat(new TestBrowser().post(app.uri(SLO), fields, FROM_THE_IDP).statusCode())
        .isEqualTo(302);

    refused(fields, "logout_replayed");
  }

  @Test
  void postWithBothOrNeitherMessageIsMalformed() throws Exception {
    Map<String, String> request = fromIdp().signed().postFields();
    refused(Map.of("RelayState", "x"), "logout_malformed");
    refused(
        Map.of("SAMLRequest", request.get("SAMLRequest"), "SAMLResponse", "x"), "logout_malformed");
  }

  private void refusedRaw(String pathAndQuery, String body) throws Exception {
    TestBrowser a = signedInBrowser();
    HttpResponse<String> r = a.postRaw(app.uri(pathAndQuery), body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.body()).contains("<code id=\"error-code\">logout_malformed</code>");
    assertThat(signedIn(a)).isTrue();
  }

  private String encodedSignedRequest() {
    return URLEncoder.encode(
        fromIdp().signed().postFields().get("SAMLRequest"), StandardCharsets.UTF_8);
  }

  /** Each of these carries a genuine signed LogoutRequest, but not as the binding puts it. */
  @Test
  void genuineRequestTwiceInTheQueryOrInAnOversizedFormIsMalformed() throws Exception {
    String genuine = encodedSignedRequest();
    refusedRaw(SLO, "SAMLRequest=" + genuine + "&SAMLRequest=" + encodedSignedRequest());
    refusedRaw(SLO + "?SAMLRequest=" + genuine, "");
    refusedRaw(SLO, "SAMLRequest=" + genuine + "&padding=" + "a".repeat(300_000));
  }

  /** The cross-site POST accepted at the Logout Url is not accepted at POST /logout. */
  @Test
  void crossSitePostToTheLogoutPathStaysRefused() throws Exception {
    TestBrowser a = signedInBrowser();

    HttpResponse<String> r =
        a.post(app.uri("/logout"), fromIdp().signed().postFields(), FROM_THE_IDP);

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("logout_not_same_origin");
    assertThat(signedIn(a)).isTrue();
  }

  // ------------------------------------------------------------ SP-initiated, answered by POST

  private LogoutResponseBuilder startLogout(TestBrowser browser) throws Exception {
    HttpResponse<String> out =
        browser.post(app.uri("/logout"), Map.of(), "Sec-Fetch-Site", "same-origin");
    assertThat(out.statusCode()).isEqualTo(303);
    List<String> cookies = out.headers().allValues("Set-Cookie");
    assertThat(cookies)
        .as("the pending logout survives the IdP's cross-site POST back")
        .anySatisfy(
            c ->
                assertThat(c)
                    .startsWith("cloudsign_saml_state_logout=")
                    .contains("; Secure; HttpOnly; SameSite=None"));
    LogoutRequestInfo request =
        entra.parseLogoutRedirect(out.headers().firstValue("Location").orElseThrow());
    return entra.logoutResponseTo(request);
  }

  @Test
  void postedLogoutResponseSignedOrNotConfirmsThisBrowsersLogout() throws Exception {
    for (boolean sign : new boolean[] {false, true}) {
      TestBrowser browser = signedInBrowser();
      LogoutResponseBuilder answer = startLogout(browser);
      Map<String, String> fields = (sign ? answer.signed() : answer).postFields();

      HttpResponse<String> done = browser.post(app.uri(SLO), fields, FROM_THE_IDP);

      assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
      assertThat(done.headers().firstValue("Location")).hasValue("/");
      assertThat(signedIn(browser)).isFalse();
    }
  }

  @Test
  void postedLogoutResponseSignedByAnotherKeyOrInAnotherBrowserIsNotConfirmed() throws Exception {
    TestBrowser browser = signedInBrowser();
    Map<String, String> forged = startLogout(browser).signedByAnotherKey().postFields();
    HttpResponse<String> r = browser.post(app.uri(SLO), forged, FROM_THE_IDP);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body())
        .contains("Sign-out not confirmed")
        .contains("<code id=\"error-code\">logout_invalid_signature</code>");

    TestBrowser other = signedInBrowser();
    Map<String, String> genuine = startLogout(signedInBrowser()).postFields();
    HttpResponse<String> elsewhere = other.post(app.uri(SLO), genuine, FROM_THE_IDP);
    assertThat(elsewhere.body()).contains("logout_unknown_request");
    assertThat(signedIn(other)).as("a browser that started no logout stays signed in").isTrue();
  }
}
