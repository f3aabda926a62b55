package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.internal.Certificates;
import io.cloudsign.saml.testkit.internal.SigningKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * SP-initiated single logout against {@link FakeEntraServer} over real HTTP: a LogoutRequest by
 * HTTP-Redirect is answered with a 302 carrying Entra's LogoutResponse to the app's Logout Url; by
 * POST, without a Logout Url, from an unknown app, or unsigned where signed requests are required,
 * it gets Entra's error page.
 */
class LogoutServerTest {
  private static final String SP = "urn:example:slo-sp";
  private static final String NO_LOGOUT_SP = "urn:example:no-logout-url";
  private static final String ACS = "https://sp.example.com/saml2/idpresponse";
  private static final String LOGOUT_URL = "https://sp.example.com/saml2/logout";
  private static final SigningKey SP_KEY = Certificates.generate("CN=sp-signing", Instant.now());
  private static final SigningKey OTHER = Certificates.generate("CN=other", Instant.now());
  private static final FakeEntraServer SERVER =
      FakeEntraServer.start(
          FakeEntra.builder()
              .application(SP, ACS)
              .logoutUrl(SP, LOGOUT_URL)
              .application(NO_LOGOUT_SP, "https://other.example.com/saml2/idpresponse"));
  private static final FakeEntraServer SIGNED_SERVER =
      FakeEntraServer.start(
          FakeEntra.builder()
              .application(SP, ACS)
              .logoutUrl(SP, LOGOUT_URL)
              .requireSignedRequests(SP_KEY.certificate()));
  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @AfterAll
  static void stop() {
    SERVER.close();
    SIGNED_SERVER.close();
  }

  private static String logoutRequest(String issuer) {
    return Slo.logoutRequest("_lr-" + System.nanoTime(), issuer, SERVER.entra().sloUrl(), "");
  }

  private static HttpResponse<String> get(FakeEntraServer server, String query) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.entra().sloUrl() + "?" + query)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertErrorPage(HttpResponse<String> page, String code) {
    assertThat(page.statusCode()).isEqualTo(400);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("<span id=\"error-code\">" + code + "</span>");
  }

  @Test
  void getLogoutRequestWhenTheAppHasALogoutUrlThenRedirectsThereWithEntrasLogoutResponse()
      throws Exception {
    String xml = logoutRequest(SP);
    HttpResponse<String> answer = get(SERVER, Slo.query(xml, "/signed-out?x=1"));

    assertThat(answer.statusCode()).isEqualTo(302);
    String location = answer.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(LOGOUT_URL + "?SAMLResponse=");
    assertThat(location).contains("&RelayState=%2fsigned-out%3fx%3d1");
    assertThat(location).doesNotContain("Signature=");
    Element root = Dsig.parse(Slo.logoutResponseXml(location)).getDocumentElement();
    assertThat(root.getLocalName()).isEqualTo("LogoutResponse");
    assertThat(root.getAttribute("InResponseTo"))
        .isEqualTo(Dsig.parse(xml).getDocumentElement().getAttribute("ID"));
    assertThat(root.hasAttribute("Destination")).isFalse();
    assertThat(Dsig.first(root, Dsig.SAML_NS, "Issuer").getTextContent())
        .isEqualTo("https://login.microsoftonline.com/" + SERVER.entra().tenantId() + "/");
    assertThat(Dsig.first(root, Dsig.SAMLP_NS, "StatusCode").getAttribute("Value"))
        .isEqualTo(Slo.SUCCESS);
  }

  @Test
  void getLogoutRequestWhenAnotherNameIdIsSentThenEntraIgnoresItAndStillRedirects()
      throws Exception {
    String xml = logoutRequest(SP).replace("bsimon@contoso.com", "nobody@elsewhere.example");
    HttpResponse<String> answer = get(SERVER, Slo.query(xml, null));

    assertThat(answer.statusCode()).isEqualTo(302);
    assertThat(answer.headers().firstValue("Location").orElseThrow()).startsWith(LOGOUT_URL);
  }

  @Test
  void postLogoutRequestIsRefusedBecauseEntraAcceptsLogoutByRedirectOnly() throws Exception {
    String base64 =
        Base64.getEncoder().encodeToString(logoutRequest(SP).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> page =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(SERVER.entra().sloUrl()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("SAMLRequest=" + Slo.enc(base64)))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertErrorPage(page, "AADSTS750054");
    assertThat(page.body()).contains("SAML Redirect binding");
  }

  @Test
  void getLogoutRequestWhenTheAppHasNoLogoutUrlThenErrorPageSaysNoReplyAddress() throws Exception {
    HttpResponse<String> page = get(SERVER, Slo.query(logoutRequest(NO_LOGOUT_SP), null));

    assertErrorPage(page, "AADSTS500113");
    assertThat(page.body()).contains("No reply address is registered");
  }

  @Test
  void getLogoutRequestWhenTheIssuerIsNotRegisteredThenAadsts700016() throws Exception {
    assertErrorPage(get(SERVER, Slo.query(logoutRequest("urn:unknown"), null)), "AADSTS700016");
  }

  @Test
  void getLogoutRequestWhenItIsNotValidSamlThenAadsts75005() throws Exception {
    String broken = logoutRequest(SP).replace(" Version=\"2.0\"", "");
    assertErrorPage(get(SERVER, Slo.query(broken, null)), "AADSTS75005");
  }

  @Test
  void signedRequestsRequiredWhenLogoutRequestIsSignedThenRedirects() throws Exception {
    String query = Slo.signed(Slo.query(logoutRequest(SP), "r"), SP_KEY.privateKey());
    HttpResponse<String> answer = get(SIGNED_SERVER, query);

    assertThat(answer.statusCode()).isEqualTo(302);
    Map<String, String> raw =
        Slo.rawParameters(answer.headers().firstValue("Location").orElseThrow());
    assertThat(raw.keySet()).containsExactly("SAMLResponse", "RelayState");
  }

  @Test
  void signedRequestsRequiredWhenLogoutRequestIsUnsignedThenAadsts76021() throws Exception {
    assertErrorPage(get(SIGNED_SERVER, Slo.query(logoutRequest(SP), "r")), "AADSTS76021");
  }

  @Test
  void signedRequestsRequiredWhenLogoutRequestIsSignedByAnotherKeyThenAadsts76021()
      throws Exception {
    String query = Slo.signed(Slo.query(logoutRequest(SP), "r"), OTHER.privateKey());
    assertErrorPage(get(SIGNED_SERVER, query), "AADSTS76021");
  }

  @Test
  void signedRequestsRequiredWhenLogoutQueryIsReEncodedAfterSigningThenAadsts76021()
      throws Exception {
    String query = Slo.signed(Slo.query(logoutRequest(SP), "/a b"), SP_KEY.privateKey());
    String reEncoded = query.replace("RelayState=%2Fa+b", "RelayState=%2fa%20b");
    assertThat(reEncoded).isNotEqualTo(query);
    assertErrorPage(get(SIGNED_SERVER, reEncoded), "AADSTS76021");
  }

  @Test
  void getAuthnRequestStillShowsTheLoginPage() throws Exception {
    String authn =
        "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_a1\""
            + " Version=\"2.0\" IssueInstant=\"2026-04-01T12:00:00Z\""
            + " AssertionConsumerServiceURL=\""
            + ACS
            + "\"><saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">"
            + SP
            + "</saml:Issuer></samlp:AuthnRequest>";
    HttpResponse<String> page = get(SERVER, Slo.query(authn, null));

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Pick an account");
  }
}
