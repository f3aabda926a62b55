package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class FakeEntraServerTest {
  private static final String SP = "urn:amazon:cognito:sp:ap-northeast-1_TEST";
  private static final String ACS = "https://sp.example.com/saml2/idpresponse";
  private static final TestClock CLOCK = TestClock.at(Instant.parse("2026-04-01T12:00:00Z"));
  private static final FakeEntraServer SERVER =
      FakeEntraServer.start(
          FakeEntra.builder()
              .clock(CLOCK)
              .application(SP, ACS, "http://localhost:8080/saml2/idpresponse")
              .user(TestUser.bSimon())
              .user(TestUser.builder().nameId("alice@contoso.com").displayName("Alice").build()),
          0);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @AfterAll
  static void stop() {
    SERVER.close();
  }

  private static String authnRequest(String id, String issuer, String acs, String extra) {
    return "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\""
        + id
        + "\" Version=\"2.0\" IssueInstant=\"2026-04-01T12:00:00Z\" Destination=\""
        + SERVER.ssoUrl()
        + "\""
        + (acs == null ? "" : " AssertionConsumerServiceURL=\"" + acs + "\"")
        + extra
        + "><saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">"
        + issuer
        + "</saml:Issuer></samlp:AuthnRequest>";
  }

  private static String redirectUrl(String xml, String relayState) {
    return SERVER.ssoUrl()
        + "?SAMLRequest="
        + AuthnRequestParsingTest.encodedForRedirect(xml)
        + (relayState == null ? "" : "&RelayState=" + enc(relayState));
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> postForm(String url, String form) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String field(String html, String name) {
    Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
    return m.find() ? unescape(m.group(1)) : null;
  }

  private static String formAction(String html, int index) {
    Matcher m =
        Pattern.compile("<form method=\"(?:post|POST)\"[^>]* action=\"([^\"]*)\"").matcher(html);
    for (int i = 0; i <= index; i++) {
      assertThat(m.find()).isTrue();
    }
    return unescape(m.group(1));
  }

  private static String unescape(String s) {
    return s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }

  /** Picks user {@code index} on the login page and returns the auto-post page. */
  private static HttpResponse<String> pickUser(HttpResponse<String> loginPage, int index)
      throws Exception {
    assertThat(loginPage.statusCode()).isEqualTo(200);
    return postForm(
        SERVER.baseUrl() + formAction(loginPage.body(), 0),
        "flow=" + enc(field(loginPage.body(), "flow")) + "&user=" + index);
  }

  @Test
  void servesSignedMetadataWithBomAtTheMetadataUrl() throws Exception {
    HttpResponse<byte[]> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(SERVER.metadataUrl())).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("text/xml; charset=utf-8");
    assertThat(r.body()).isEqualTo(SERVER.entra().metadata().withBom().bytes());
    assertThat(SERVER.metadataUrl())
        .isEqualTo(
            SERVER.baseUrl()
                + "/"
                + SERVER.entra().tenantId()
                + "/federationmetadata/2007-06/federationmetadata.xml");
    assertThat(SERVER.entra().metadataXml()).contains("Location=\"" + SERVER.ssoUrl() + "\"");
  }

  @Test
  void listensOnLoopbackWithSsoUrlUnderTheTenant() {
    assertThat(SERVER.baseUrl()).isEqualTo("http://127.0.0.1:" + SERVER.port());
    assertThat(SERVER.ssoUrl())
        .isEqualTo(SERVER.baseUrl() + "/" + SERVER.entra().tenantId() + "/saml2");
  }

  @Test
  void redirectSignInShowsLoginPageAndPostsSignedResponseWithRelayStateToTheAcs() throws Exception {
    HttpResponse<String> login =
        get(redirectUrl(authnRequest("_req-redirect", SP, ACS, ""), "/docs?x=1&y=\"2\""));
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.body())
        .contains(
            "id=\"user-0\"", "id=\"user-1\"", "id=\"nameId\"", "name=\"nameId\"", "id=\"sign-in\"")
        .contains("Alice (alice@contoso.com)");
    HttpResponse<String> post = pickUser(login, 0);
    assertThat(post.statusCode()).isEqualTo(200);
    assertThat(post.body()).contains("document.forms[0].submit()", "<noscript>");
    assertThat(formAction(post.body(), 0)).isEqualTo(ACS);
    assertThat(field(post.body(), "RelayState")).isEqualTo("/docs?x=1&y=\"2\"");
    Document doc = Dsig.parse(Dsig.decode(field(post.body(), "SAMLResponse")));
    assertThat(Dsig.response(doc).getAttribute("InResponseTo")).isEqualTo("_req-redirect");
    assertThat(Dsig.response(doc).getAttribute("Destination")).isEqualTo(ACS);
    assertThat(Dsig.first(doc, Dsig.SAML_NS, "NameID").getTextContent())
        .isEqualTo("B.Simon@contoso.com");
    assertThat(Dsig.first(doc, Dsig.SAML_NS, "Audience").getTextContent()).isEqualTo(SP);
    assertThat(Dsig.verifies(Dsig.assertion(doc), SERVER.entra().signingCertificate())).isTrue();
    assertThat(SERVER.lastRequest())
        .get()
        .extracting(AuthnRequestInfo::id)
        .isEqualTo("_req-redirect");
  }

  @Test
  void postBindingSignInWithATypedNameId() throws Exception {
    String xml = authnRequest("_req-post", SP, "http://localhost:8080/saml2/idpresponse", "");
    HttpResponse<String> login =
        postForm(
            SERVER.ssoUrl(),
            "SAMLRequest="
                + enc(Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8))));
    assertThat(login.statusCode()).isEqualTo(200);
    HttpResponse<String> post =
        postForm(
            SERVER.baseUrl() + formAction(login.body(), 1),
            "flow=" + enc(field(login.body(), "flow")) + "&nameId=" + enc("carol@contoso.com"));
    assertThat(formAction(post.body(), 0)).isEqualTo("http://localhost:8080/saml2/idpresponse");
    assertThat(field(post.body(), "RelayState")).isNull();
    Document doc = Dsig.parse(Dsig.decode(field(post.body(), "SAMLResponse")));
    assertThat(Dsig.first(doc, Dsig.SAML_NS, "NameID").getTextContent())
        .isEqualTo("carol@contoso.com");
    assertThat(Dsig.response(doc).getAttribute("InResponseTo")).isEqualTo("_req-post");
  }

  @Test
  void acsThatIsNotARegisteredReplyUrlGetsAadsts50011() throws Exception {
    HttpResponse<String> r =
        get(redirectUrl(authnRequest("_r", SP, "https://evil.example/acs", ""), null));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body())
        .contains("<span id=\"error-code\">AADSTS50011</span>")
        .contains("https://evil.example/acs")
        .doesNotContain("SAMLResponse");
  }

  @Test
  void unknownIssuerGetsAadsts700016() throws Exception {
    HttpResponse<String> r =
        get(redirectUrl(authnRequest("_r", "urn:unknown&lt;b&gt;", ACS, ""), null));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body())
        .contains("AADSTS700016")
        .contains("urn:unknown&lt;b&gt;")
        .doesNotContain("<b>");
  }

  @Test
  void withoutRegisteredApplicationsEveryRequestGetsAadsts50011WithAHint() throws Exception {
    try (FakeEntraServer bare = FakeEntraServer.start(FakeEntra.builder(), 0)) {
      String url =
          bare.ssoUrl()
              + "?SAMLRequest="
              + AuthnRequestParsingTest.encodedForRedirect(authnRequest("_r", SP, ACS, ""));
      HttpResponse<String> r = get(url);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("AADSTS50011").contains("application(identifier");
    }
  }

  @Test
  void requestWithSubjectIsRefused() throws Exception {
    String xml =
        authnRequest("_r", SP, ACS, "")
            .replace(
                "</samlp:AuthnRequest>",
                "<saml:Subject xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"><saml:NameID>x</saml:NameID></saml:Subject></samlp:AuthnRequest>");
    HttpResponse<String> r = get(redirectUrl(xml, null));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("AADSTS90011");
  }

  @Test
  void requestIdStartingWithADigitGetsAadsts7500529() throws Exception {
    HttpResponse<String> r = get(redirectUrl(authnRequest("1abc", SP, ACS, ""), null));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("AADSTS7500529");
  }

  @Test
  void garbageSamlRequestGetsAadsts75005() throws Exception {
    HttpResponse<String> r = get(SERVER.ssoUrl() + "?SAMLRequest=bm90IGRlZmxhdGU%3D");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("AADSTS75005");
  }

  @Test
  void getWithoutSamlRequestGetsAadsts750054() throws Exception {
    assertThat(get(SERVER.ssoUrl()).body()).contains("AADSTS750054");
  }

  @Test
  void answerNextWithMakesOnlyTheNextAnswerHostile() throws Exception {
    SERVER.answerNextWith(Attack.wrongAudience());
    HttpResponse<String> first =
        pickUser(get(redirectUrl(authnRequest("_h1", SP, ACS, ""), null)), 1);
    Document hostile = Dsig.parse(Dsig.decode(field(first.body(), "SAMLResponse")));
    assertThat(Dsig.first(hostile, Dsig.SAML_NS, "Audience").getTextContent())
        .isEqualTo(Attack.WRONG_AUDIENCE);
    assertThat(Dsig.first(hostile, Dsig.SAML_NS, "NameID").getTextContent())
        .isEqualTo("alice@contoso.com");
    HttpResponse<String> second =
        pickUser(get(redirectUrl(authnRequest("_h2", SP, ACS, ""), null)), 1);
    Document genuine = Dsig.parse(Dsig.decode(field(second.body(), "SAMLResponse")));
    assertThat(Dsig.first(genuine, Dsig.SAML_NS, "Audience").getTextContent()).isEqualTo(SP);
  }

  @Test
  void loginHandleIsSingleUse() throws Exception {
    HttpResponse<String> login = get(redirectUrl(authnRequest("_once", SP, ACS, ""), null));
    assertThat(pickUser(login, 0).body()).contains("SAMLResponse");
    HttpResponse<String> again = pickUser(login, 0);
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(again.body()).contains("AADSTS90100").doesNotContain("SAMLResponse");
  }

  @Test
  void passiveRequestIsAnsweredAtOnceWithNoPassiveError() throws Exception {
    HttpResponse<String> r =
        get(redirectUrl(authnRequest("_p", SP, ACS, " IsPassive=\"true\""), "rs"));
    assertThat(r.statusCode()).isEqualTo(200);
    Document doc = Dsig.parse(Dsig.decode(field(r.body(), "SAMLResponse")));
    assertThat(Dsig.children(Dsig.response(doc), Dsig.SAML_NS, "Assertion")).isEmpty();
    assertThat(Dsig.first(doc, Dsig.SAMLP_NS, "StatusMessage").getTextContent())
        .startsWith("AADSTS50058");
    assertThat(field(r.body(), "RelayState")).isEqualTo("rs");
  }

  @Test
  void oversizedPostBodyIsRefused() throws Exception {
    HttpResponse<String> r = postForm(SERVER.ssoUrl(), "SAMLRequest=" + "A".repeat(600 * 1024));
    assertThat(r.statusCode()).isEqualTo(413);
  }

  @Test
  void unknownPathIs404() throws Exception {
    assertThat(get(SERVER.baseUrl() + "/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void closeFreesThePort() throws Exception {
    FakeEntraServer s = FakeEntraServer.start(FakeEntra.builder());
    String url = s.metadataUrl();
    assertThat(get(url).statusCode()).isEqualTo(200);
    s.close();
    HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    assertThatThrownBy(
            () ->
                fresh.send(
                    HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOfAny(ConnectException.class, IOException.class);
  }
}
