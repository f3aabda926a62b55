package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.internal.Certificates;
import io.cloudsign.saml.testkit.internal.SigningKey;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * IdP-initiated single logout through {@link FakeEntraServer} over real HTTP, the test playing the
 * SPs by hand: a user who signed in through the fake and goes to its {@link
 * FakeEntraServer#signOutUrl} is redirected with Entra's LogoutRequest to each app's Logout Url;
 * each app's LogoutResponse is checked (InResponseTo, Issuer, Destination, signature, Status) and
 * the last one ends at the signed-out page. Each {@link LogoutAttack} changes what it says.
 */
class IdpLogoutServerTest {
  private static final String APP = "urn:example:idp-logout-app";
  private static final String OTHER_APP = "https://other.example.com/saml2/metadata";
  private static final String NO_LOGOUT_APP = "urn:example:no-logout";
  private static final String ACS = "https://app.example.com/saml2/idpresponse";
  private static final String OTHER_ACS = "https://other.example.com/saml2/idpresponse";
  private static final String NO_LOGOUT_ACS = "https://nolog.example.com/saml2/idpresponse";
  private static final String LOGOUT_URL = "https://app.example.com/saml2/logout";
  private static final String OTHER_LOGOUT_URL = "https://other.example.com/saml2/logout";
  private static final String USER = "B.Simon@contoso.com";
  private static final SigningKey SP_KEY = Certificates.generate("CN=sp", Instant.now());
  private static final SigningKey NOT_SP = Certificates.generate("CN=not-sp", Instant.now());
  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private FakeEntraServer server = start(FakeEntra.builder());

  private static FakeEntraServer start(FakeEntra.Builder b) {
    return FakeEntraServer.start(
        b.application(APP, ACS)
            .logoutUrl(APP, LOGOUT_URL)
            .application(OTHER_APP, OTHER_ACS)
            .logoutUrl(OTHER_APP, OTHER_LOGOUT_URL)
            .application(NO_LOGOUT_APP, NO_LOGOUT_ACS));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  // ------------------------------------------------------------------ the SPs, by hand

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Signs B.Simon in to {@code app} through the fake's login page; returns the SessionIndex. */
  private String signIn(String app, String acs) throws Exception {
    String authn =
        "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_a"
            + System.nanoTime()
            + "\" Version=\"2.0\" IssueInstant=\"2026-04-01T12:00:00Z\""
            + " AssertionConsumerServiceURL=\""
            + acs
            + "\"><saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">"
            + app
            + "</saml:Issuer></samlp:AuthnRequest>";
    HttpResponse<String> login = get(server.ssoUrl() + "?" + Slo.query(authn, null));
    Matcher flow = Pattern.compile("name=\"flow\" value=\"([^\"]*)\"").matcher(login.body());
    assertThat(flow.find()).as(login.body()).isTrue();
    HttpResponse<String> autoPost =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.ssoUrl() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("flow=" + flow.group(1) + "&user=0"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher response =
        Pattern.compile("name=\"SAMLResponse\" value=\"([^\"]*)\"").matcher(autoPost.body());
    assertThat(response.find()).as(autoPost.body()).isTrue();
    String xml = new String(Base64.getDecoder().decode(response.group(1)), StandardCharsets.UTF_8);
    Element assertion = Dsig.first(Dsig.parse(xml).getDocumentElement(), Dsig.SAML_NS, "Assertion");
    assertThat(Dsig.first(assertion, Dsig.SAML_NS, "AuthnStatement").getAttribute("SessionIndex"))
        .isEqualTo(assertion.getAttribute("ID"));
    return assertion.getAttribute("ID");
  }

  /** The 302 of a front-channel step: where the fake sends the browser. */
  private static String location(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
    return r.headers().firstValue("Location").orElseThrow();
  }

  /** The app's LogoutResponse to {@code request}, sent to the fake's Login URL. */
  private HttpResponse<String> answer(LogoutRequestInfo request, String issuer) throws Exception {
    String xml = Slo.logoutResponse("_r" + System.nanoTime(), request.id(), issuer, null);
    return get(server.entra().sloUrl() + "?" + Slo.query("SAMLResponse", xml, null));
  }

  private static void assertErrorPage(HttpResponse<String> page, String code) {
    assertThat(page.statusCode()).isEqualTo(400);
    assertThat(page.body()).contains("<span id=\"error-code\">" + code + "</span>");
  }

  private static void assertSignedOutPage(HttpResponse<String> page) {
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("id=\"signed-out\"");
  }

  /** Signs B.Simon in to APP and sends the browser to the sign-out URL: Entra's LogoutRequest. */
  private LogoutRequestInfo idpLogout() throws Exception {
    signIn(APP, ACS);
    String to = location(get(server.signOutUrl(USER)));
    assertThat(to).startsWith(LOGOUT_URL + "?SAMLRequest=");
    return server.entra().parseLogoutRedirect(to);
  }

  // ------------------------------------------------------------------ genuine

  @Test
  void signOutSendsEntrasLogoutRequestToTheAppThenShowsSignedOutAfterItsAnswer() throws Exception {
    String sessionIndex = signIn(APP, ACS);
    assertThat(server.signedInApplications(USER)).containsExactly(APP);

    String to = location(get(server.signOutUrl(USER)));
    assertThat(to).startsWith(LOGOUT_URL + "?SAMLRequest=").doesNotContain("Signature=");
    LogoutRequestInfo request = server.entra().parseLogoutRedirect(to);
    assertThat(request.issuer()).isEqualTo(server.entra().logoutIssuer());
    assertThat(request.destination()).isEqualTo(LOGOUT_URL);
    assertThat(request.nameId()).isEqualTo(USER);
    assertThat(request.nameIdFormat()).contains(ResponseBuilder.NAMEID_EMAIL);
    assertThat(request.sessionIndex()).contains(sessionIndex);

    assertSignedOutPage(answer(request, APP));
    assertThat(server.receivedLogoutResponses())
        .singleElement()
        .satisfies(r -> assertThat(r.inResponseTo()).isEqualTo(request.id()));
    assertThat(server.signedInApplications(USER)).isEmpty();
  }

  @Test
  void signOutVisitsEveryAppWithALogoutUrlInTurnAndForgetsAppsWithout() throws Exception {
    signIn(APP, ACS);
    signIn(NO_LOGOUT_APP, NO_LOGOUT_ACS);
    signIn(OTHER_APP, OTHER_ACS);

    LogoutRequestInfo first =
        server.entra().parseLogoutRedirect(location(get(server.signOutUrl(USER))));
    assertThat(first.destination()).isEqualTo(LOGOUT_URL);
    String second = location(answer(first, APP));
    assertThat(second).startsWith(OTHER_LOGOUT_URL + "?SAMLRequest=");

    assertSignedOutPage(answer(server.entra().parseLogoutRedirect(second), OTHER_APP));
    assertThat(server.signedInApplications(USER)).isEmpty();
  }

  @Test
  void signOutOfAUserWithoutSessionsShowsSignedOutAtOnce() throws Exception {
    assertSignedOutPage(get(server.signOutUrl("nobody@contoso.com")));
  }

  @Test
  void signLogoutRequestsSignsWithTheActiveKeyOverTheQueryAsSent() throws Exception {
    server.signLogoutRequests(true);
    LogoutRequestInfo request = idpLogout();
    assertThat(request.isSignedBy(server.entra().signingCertificate())).isTrue();
  }

  @Test
  void spInitiatedLogoutSignsOutTheUsersOtherAppsBeforeAnsweringTheApp() throws Exception {
    signIn(APP, ACS);
    signIn(OTHER_APP, OTHER_ACS);
    String spLogout =
        Slo.logoutRequest("_sp" + System.nanoTime(), APP, server.ssoUrl(), "")
            .replace("bsimon@contoso.com", USER);

    String to = location(get(server.ssoUrl() + "?" + Slo.query(spLogout, "r")));
    assertThat(to).startsWith(OTHER_LOGOUT_URL + "?SAMLRequest=");
    String back = location(answer(server.entra().parseLogoutRedirect(to), OTHER_APP));

    assertThat(back).startsWith(LOGOUT_URL + "?SAMLResponse=").contains("&RelayState=r");
    assertThat(server.signedInApplications(USER)).isEmpty();
  }

  // ------------------------------------------------------------------ the fake checks answers

  @Test
  void answerWithAnUnknownInResponseToIsRefused() throws Exception {
    idpLogout();
    String xml = Slo.logoutResponse("_r1", "_never-sent", APP, null);
    assertErrorPage(
        get(server.entra().sloUrl() + "?" + Slo.query("SAMLResponse", xml, null)),
        "logout_response_unknown_request");
    assertThat(server.signedInApplications(USER)).containsExactly(APP);
  }

  @Test
  void secondAnswerToTheSameRequestIsRefused() throws Exception {
    LogoutRequestInfo request = idpLogout();
    assertSignedOutPage(answer(request, APP));
    assertErrorPage(answer(request, APP), "logout_response_unknown_request");
  }

  @Test
  void answerWithAnotherIssuerIsRefused() throws Exception {
    assertErrorPage(answer(idpLogout(), OTHER_APP), "logout_response_wrong_issuer");
    assertThat(server.signedInApplications(USER)).containsExactly(APP);
  }

  @Test
  void answerWithAnotherDestinationIsRefused() throws Exception {
    LogoutRequestInfo request = idpLogout();
    String xml = Slo.logoutResponse("_r2", request.id(), APP, "https://elsewhere.example/slo");
    assertErrorPage(
        get(server.entra().sloUrl() + "?" + Slo.query("SAMLResponse", xml, null)),
        "logout_response_wrong_destination");
  }

  @Test
  void answerWithoutSuccessIsRefused() throws Exception {
    LogoutRequestInfo request = idpLogout();
    String xml =
        Slo.logoutResponse("_r3", request.id(), APP, null)
            .replace(Slo.SUCCESS, "urn:oasis:names:tc:SAML:2.0:status:Responder");
    assertErrorPage(
        get(server.entra().sloUrl() + "?" + Slo.query("SAMLResponse", xml, null)),
        "logout_response_not_success");
  }

  @Test
  void signedAnswerMustVerifyWithTheVerificationCertificates() throws Exception {
    server.close();
    server = start(FakeEntra.builder().requireSignedRequests(SP_KEY.certificate()));
    LogoutRequestInfo request = idpLogoutSignedIn();
    String xml = Slo.logoutResponse("_r4", request.id(), APP, null);
    String forged = Slo.signed(Slo.query("SAMLResponse", xml, null), NOT_SP.privateKey());
    assertErrorPage(get(server.entra().sloUrl() + "?" + forged), "logout_response_bad_signature");

    String genuine = Slo.signed(Slo.query("SAMLResponse", xml, null), SP_KEY.privateKey());
    assertErrorPage(
        get(server.entra().sloUrl() + "?" + genuine), "logout_response_unknown_request");
  }

  /** {@link #idpLogout} where the fake requires signed AuthnRequests: signs B.Simon in directly. */
  private LogoutRequestInfo idpLogoutSignedIn() throws Exception {
    String authn =
        "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_s1\""
            + " Version=\"2.0\" IssueInstant=\"2026-04-01T12:00:00Z\""
            + " AssertionConsumerServiceURL=\""
            + ACS
            + "\"><saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">"
            + APP
            + "</saml:Issuer></samlp:AuthnRequest>";
    HttpResponse<String> login =
        get(server.ssoUrl() + "?" + Slo.signed(Slo.query(authn, null), SP_KEY.privateKey()));
    Matcher flow = Pattern.compile("name=\"flow\" value=\"([^\"]*)\"").matcher(login.body());
    assertThat(flow.find()).as(login.body()).isTrue();
    HTTP.send(
        HttpRequest.newBuilder(URI.create(server.ssoUrl() + "/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("flow=" + flow.group(1) + "&user=0"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    return server.entra().parseLogoutRedirect(location(get(server.signOutUrl(USER))));
  }

  @Test
  void signOutWithoutAUserIsRefused() throws Exception {
    assertErrorPage(
        get(server.baseUrl() + "/" + server.entra().tenantId() + "/oauth2/logout"), "AADSTS900144");
  }

  // ------------------------------------------------------------------ named hostile calls

  private LogoutRequestInfo idpLogoutWith(LogoutAttack attack) throws Exception {
    server.signLogoutRequests(true);
    server.nextIdpLogoutWith(attack);
    return idpLogout();
  }

  @Test
  void wrongIssuerKeepsAGenuineSignature() throws Exception {
    LogoutRequestInfo r = idpLogoutWith(LogoutAttack.WRONG_ISSUER);
    assertThat(r.issuer()).isEqualTo(LogoutAttack.WRONG_LOGOUT_ISSUER);
    assertThat(r.isSignedBy(server.entra().signingCertificate())).isTrue();
  }

  @Test
  void unsignedDropsTheSignatureThoughTheServerSigns() throws Exception {
    LogoutRequestInfo r = idpLogoutWith(LogoutAttack.UNSIGNED);
    assertThat(r.signed()).isFalse();
    assertThat(r.sigAlg()).isEmpty();
  }

  @Test
  void signatureOverReorderedQueryDoesNotVerifyOverTheUrlsOrder() throws Exception {
    LogoutRequestInfo r = idpLogoutWith(LogoutAttack.SIGNATURE_OVER_REORDERED_QUERY);
    assertThat(r.signed()).isTrue();
    assertThat(r.isSignedBy(server.entra().signingCertificate())).isFalse();
  }

  @Test
  void signedByAnotherKeyDoesNotVerifyWithThePublishedKey() throws Exception {
    LogoutRequestInfo r = idpLogoutWith(LogoutAttack.SIGNED_BY_ANOTHER_KEY);
    assertThat(r.signed()).isTrue();
    assertThat(r.isSignedBy(server.entra().signingCertificate())).isFalse();
  }

  @Test
  void replayedRepeatsThePreviousRequestsId() throws Exception {
    LogoutRequestInfo first = idpLogout();
    assertSignedOutPage(answer(first, APP));

    LogoutRequestInfo again = idpLogoutWith(LogoutAttack.REPLAYED);
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(again.isSignedBy(server.entra().signingCertificate())).isTrue();
  }

  @Test
  void expiredHasANotOnOrAfterWellInThePast() throws Exception {
    LogoutRequestInfo r = idpLogoutWith(LogoutAttack.EXPIRED);
    Element root = Dsig.parse(r.xml()).getDocumentElement();
    assertThat(Instant.parse(root.getAttribute("NotOnOrAfter")))
        .isBefore(Instant.now().minusSeconds(600));
  }

  @Test
  void wrongDestinationIsSentToTheLogoutUrlButAddressedElsewhere() throws Exception {
    LogoutRequestInfo r = idpLogoutWith(LogoutAttack.WRONG_DESTINATION);
    assertThat(r.destination()).isEqualTo(LogoutAttack.WRONG_LOGOUT_URL);
  }

  @Test
  void anAttackChangesOnlyTheNextRequest() throws Exception {
    LogoutRequestInfo hostile = idpLogoutWith(LogoutAttack.WRONG_ISSUER);
    assertSignedOutPage(answer(hostile, APP));
    LogoutRequestInfo next = idpLogout();
    assertThat(next.issuer()).isEqualTo(server.entra().logoutIssuer());
  }

  @Test
  void unknownInResponseToChangesTheAnswerToAnSpInitiatedLogout() throws Exception {
    server.answerNextLogoutWith(LogoutAttack.UNKNOWN_IN_RESPONSE_TO, LogoutAttack.WRONG_ISSUER);
    String id = "_sp" + System.nanoTime();
    String to =
        location(
            get(server.ssoUrl() + "?" + Slo.query(Slo.logoutRequest(id, APP, null, ""), null)));
    Element root = Dsig.parse(Slo.logoutResponseXml(to)).getDocumentElement();
    assertThat(root.getAttribute("InResponseTo")).startsWith("_").isNotEqualTo(id);
    assertThat(Dsig.first(root, Dsig.SAML_NS, "Issuer").getTextContent())
        .isEqualTo(LogoutAttack.WRONG_LOGOUT_ISSUER);
  }

  @Test
  void attacksForTheWrongSideOrConflictingAreRefusedAtOnce() {
    assertThatThrownBy(() -> server.nextIdpLogoutWith(LogoutAttack.UNKNOWN_IN_RESPONSE_TO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("answerNextLogoutWith");
    assertThatThrownBy(() -> server.answerNextLogoutWith(LogoutAttack.EXPIRED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nextIdpLogoutWith");
    assertThatThrownBy(
            () ->
                server.nextIdpLogoutWith(LogoutAttack.UNSIGNED, LogoutAttack.SIGNED_BY_ANOTHER_KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("both choose the signature");
    assertThatThrownBy(() -> server.nextIdpLogoutWith(LogoutAttack.REPLAYED))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("signOutUrl first");
    assertThatThrownBy(() -> server.nextIdpLogoutWith())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void signOutUrlNamesTheUserLowerCasePercentEncoded() {
    assertThat(server.signOutUrl("a+b@contoso.com"))
        .isEqualTo(
            server.baseUrl()
                + "/"
                + server.entra().tenantId()
                + "/oauth2/logout?user="
                + URLEncoder.encode("a+b@contoso.com", StandardCharsets.UTF_8).toLowerCase());
  }
}
