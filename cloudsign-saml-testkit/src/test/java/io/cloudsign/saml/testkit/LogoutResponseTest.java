package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.internal.Certificates;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * {@link FakeEntra#logoutResponseTo}: Entra's LogoutResponse by HTTP-Redirect to the app's Logout
 * Url, its lower-case percent-encoding, its optional Redirect signature (verified here with {@link
 * java.security.Signature} over the raw query) and the two hostile signature variants.
 */
class LogoutResponseTest {
  private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  private static final String SP = "urn:example:slo-sp";
  private static final String LOGOUT_URL = "https://sp.example.com/saml2/logout";
  private static final Instant START = Instant.parse("2026-04-01T12:00:00Z");
  private static final TestClock CLOCK = TestClock.at(START);
  private static final FakeEntra ENTRA =
      FakeEntra.builder()
          .tenantId(TENANT)
          .clock(CLOCK)
          .application(SP, "https://sp.example.com/saml2/idpresponse")
          .logoutUrl(SP, LOGOUT_URL)
          .build();
  // A value with '/', '?' and '=' so that the query must carry percent-escapes with letters.
  private static final String RELAY = "/signed-out?x=1";

  private static LogoutRequestInfo request(String relayStateOrNull) {
    return ENTRA.parseLogoutRedirect(
        Slo.query(Slo.logoutRequest("_lr-7", SP, ENTRA.sloUrl(), ""), relayStateOrNull));
  }

  @Test
  void logoutResponseToWhenDefaultThenHasEntrasShapeAndGoesToTheLogoutUrl() throws Exception {
    CLOCK.set(START.plusMillis(1234));
    String url = ENTRA.logoutResponseTo(request(RELAY)).redirectUrl();

    assertThat(url).startsWith(LOGOUT_URL + "?SAMLResponse=");
    assertThat(Slo.rawParameters(url).keySet()).containsExactly("SAMLResponse", "RelayState");
    assertThat(Slo.dec(Slo.rawParameters(url).get("RelayState"))).isEqualTo(RELAY);
    String xml = Slo.logoutResponseXml(url);
    assertThat(xml.replaceFirst("ID=\"_[0-9a-f-]{36}\"", "ID=\"_ID\""))
        .isEqualTo(
            "<samlp:LogoutResponse ID=\"_ID\" Version=\"2.0\""
                + " IssueInstant=\"2026-04-01T12:00:01.234Z\" InResponseTo=\"_lr-7\""
                + " xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
                + "<Issuer xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">"
                + "https://login.microsoftonline.com/"
                + TENANT
                + "/</Issuer><samlp:Status><samlp:StatusCode"
                + " Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>"
                + "</samlp:LogoutResponse>");
    Element root = Dsig.parse(xml).getDocumentElement();
    assertThat(root.getNamespaceURI()).isEqualTo(Dsig.SAMLP_NS);
    assertThat(root.hasAttribute("Destination")).isFalse();
    assertThat(ENTRA.logoutIssuer()).isNotEqualTo(ENTRA.entityId());
  }

  @Test
  void logoutResponseToWhenDefaultThenUnsignedLikeEntra() {
    String url = ENTRA.logoutResponseTo(request(RELAY)).redirectUrl();
    assertThat(url).doesNotContain("SigAlg=").doesNotContain("Signature=");
  }

  @Test
  void logoutResponseToWhenRequestHadNoRelayStateThenSendsNone() {
    String url = ENTRA.logoutResponseTo(request(null)).redirectUrl();
    assertThat(Slo.rawParameters(url).keySet()).containsExactly("SAMLResponse");
  }

  @Test
  void redirectUrlWhenCalledTwiceThenEachLogoutResponseHasAFreshIdAndTheClocksInstant()
      throws Exception {
    LogoutResponseBuilder b = ENTRA.logoutResponseTo(request(RELAY));
    CLOCK.set(START);
    Element first = Dsig.parse(Slo.logoutResponseXml(b.redirectUrl())).getDocumentElement();
    CLOCK.advance(Duration.ofSeconds(5));
    Element second = Dsig.parse(Slo.logoutResponseXml(b.redirectUrl())).getDocumentElement();

    assertThat(first.getAttribute("ID")).isNotEqualTo(second.getAttribute("ID"));
    assertThat(first.getAttribute("IssueInstant")).isEqualTo("2026-04-01T12:00:00.000Z");
    assertThat(second.getAttribute("IssueInstant")).isEqualTo("2026-04-01T12:00:05.000Z");
  }

  @Test
  void redirectUrlUsesEntrasLowerCasePercentEncodingInEveryValue() {
    String url = ENTRA.logoutResponseTo(request(RELAY)).signed().redirectUrl();

    assertThat(url).contains("&RelayState=%2fsigned-out%3fx%3d1&");
    assertThat(url)
        .contains("&SigAlg=http%3a%2f%2fwww.w3.org%2f2001%2f04%2fxmldsig-more%23rsa-sha256&");
    assertThat(Slo.queryOf(url)).doesNotContain("%2F").doesNotContain("%3D").doesNotContain("%2B");
    assertThat(Slo.UPPER_CASE_ESCAPE.matcher(Slo.queryOf(url)).find()).isFalse();
    assertThat(Slo.rawParameters(url).keySet())
        .containsExactly("SAMLResponse", "RelayState", "SigAlg", "Signature");
  }

  @Test
  void signedWhenVerifiedOverTheRawLowerCasedQueryThenVerifiesWithTheFakesCertificate()
      throws Exception {
    String url = ENTRA.logoutResponseTo(request(RELAY)).signed().redirectUrl();
    Map<String, String> raw = Slo.rawParameters(url);
    String octets = Slo.signedPart(url);
    assertThat(octets)
        .isEqualTo(
            "SAMLResponse="
                + raw.get("SAMLResponse")
                + "&RelayState="
                + raw.get("RelayState")
                + "&SigAlg="
                + raw.get("SigAlg"));

    assertThat(
            Slo.verifies(octets, raw.get("Signature"), ENTRA.signingCertificate().getPublicKey()))
        .isTrue();
  }

  @Test
  void signedWhenTheQueryIsReEncodedWithUpperCaseEscapesThenTheSignatureNoLongerVerifies()
      throws Exception {
    String url = ENTRA.logoutResponseTo(request(RELAY)).signed().redirectUrl();
    Map<String, String> raw = Slo.rawParameters(url);
    // What an SP does wrong: decode the parameters and encode them again before verifying.
    String reEncoded =
        "SAMLResponse="
            + Slo.enc(Slo.dec(raw.get("SAMLResponse")))
            + "&RelayState="
            + Slo.enc(Slo.dec(raw.get("RelayState")))
            + "&SigAlg="
            + Slo.enc(Slo.dec(raw.get("SigAlg")));
    assertThat(reEncoded).contains("%2F").isNotEqualTo(Slo.signedPart(url));

    assertThat(
            Slo.verifies(
                reEncoded, raw.get("Signature"), ENTRA.signingCertificate().getPublicKey()))
        .isFalse();
  }

  @Test
  void signatureOverReorderedQueryWhenVerifiedInTheBindingsOrderThenFails() throws Exception {
    String url = ENTRA.logoutResponseTo(request(RELAY)).signatureOverReorderedQuery().redirectUrl();
    Map<String, String> raw = Slo.rawParameters(url);
    var key = ENTRA.signingCertificate().getPublicKey();

    assertThat(raw.keySet()).containsExactly("SAMLResponse", "RelayState", "SigAlg", "Signature");
    assertThat(Slo.verifies(Slo.signedPart(url), raw.get("Signature"), key)).isFalse();
    String reordered =
        "RelayState="
            + raw.get("RelayState")
            + "&SAMLResponse="
            + raw.get("SAMLResponse")
            + "&SigAlg="
            + raw.get("SigAlg");
    assertThat(Slo.verifies(reordered, raw.get("Signature"), key)).isTrue();
  }

  @Test
  void signatureOverReorderedQueryWhenThereIsNoRelayStateThenSigAlgComesFirst() throws Exception {
    String url = ENTRA.logoutResponseTo(request(null)).signatureOverReorderedQuery().redirectUrl();
    Map<String, String> raw = Slo.rawParameters(url);
    var key = ENTRA.signingCertificate().getPublicKey();

    assertThat(Slo.verifies(Slo.signedPart(url), raw.get("Signature"), key)).isFalse();
    String reordered = "SigAlg=" + raw.get("SigAlg") + "&SAMLResponse=" + raw.get("SAMLResponse");
    assertThat(Slo.verifies(reordered, raw.get("Signature"), key)).isTrue();
  }

  @Test
  void signedByAnotherKeyWhenVerifiedWithEveryPublishedCertificateThenFails() throws Exception {
    FakeEntra rolled =
        FakeEntra.builder()
            .application(SP, "https://sp.example.com/saml2/idpresponse")
            .logoutUrl(SP, LOGOUT_URL)
            .signingCertificateCount(2)
            .build();
    LogoutRequestInfo req =
        rolled.parseLogoutRedirect(Slo.query(Slo.logoutRequest("_lr-8", SP, null, ""), RELAY));
    String url = rolled.logoutResponseTo(req).signedByAnotherKey().redirectUrl();
    Map<String, String> raw = Slo.rawParameters(url);

    assertThat(raw.keySet()).containsExactly("SAMLResponse", "RelayState", "SigAlg", "Signature");
    for (X509Certificate published : rolled.signingCertificates()) {
      assertThat(Slo.verifies(Slo.signedPart(url), raw.get("Signature"), published.getPublicKey()))
          .isFalse();
    }
    X509Certificate forger = Certificates.attacker().certificate();
    assertThat(Slo.verifies(Slo.signedPart(url), raw.get("Signature"), forger.getPublicKey()))
        .isTrue();
    assertThat(forger.getSubjectX500Principal())
        .isEqualTo(rolled.signingCertificate().getSubjectX500Principal());
  }

  @Test
  void hostileSignatureVariantsWhenCombinedThenRefused() {
    assertThatThrownBy(
            () ->
                ENTRA
                    .logoutResponseTo(request(RELAY))
                    .signedByAnotherKey()
                    .signatureOverReorderedQuery())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pick one");
  }

  @Test
  void optionsWhenSetThenEachChangesOnlyItsPart() throws Exception {
    String url =
        ENTRA
            .logoutResponseTo(request(RELAY))
            .issuer("https://sts.windows.net/" + TENANT + "/")
            .inResponseTo("_other")
            .destination(LOGOUT_URL)
            .status("urn:oasis:names:tc:SAML:2.0:status:Responder")
            .relayState("/elsewhere")
            .to("https://sp.example.com/slo?tenant=a")
            .redirectUrl();

    assertThat(url).startsWith("https://sp.example.com/slo?tenant=a&SAMLResponse=");
    assertThat(Slo.dec(Slo.rawParameters(url).get("RelayState"))).isEqualTo("/elsewhere");
    Element root = Dsig.parse(Slo.logoutResponseXml(url)).getDocumentElement();
    assertThat(root.getAttribute("InResponseTo")).isEqualTo("_other");
    assertThat(root.getAttribute("Destination")).isEqualTo(LOGOUT_URL);
    assertThat(Dsig.first(root, Dsig.SAML_NS, "Issuer").getTextContent())
        .isEqualTo("https://sts.windows.net/" + TENANT + "/");
    assertThat(Dsig.first(root, Dsig.SAMLP_NS, "StatusCode").getAttribute("Value"))
        .isEqualTo("urn:oasis:names:tc:SAML:2.0:status:Responder");
  }

  @Test
  void redirectUrlWhenTheApplicationHasNoLogoutUrlThenSaysHowToSetIt() {
    FakeEntra noLogoutUrl =
        FakeEntra.builder().application(SP, "https://sp.example.com/saml2/idpresponse").build();
    LogoutRequestInfo req =
        noLogoutUrl.parseLogoutRedirect(Slo.query(Slo.logoutRequest("_x", SP, null, ""), null));

    assertThatThrownBy(() -> noLogoutUrl.logoutResponseTo(req).redirectUrl())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("logoutUrl(identifier, url)");
    assertThat(noLogoutUrl.logoutResponseTo(req).to(LOGOUT_URL).redirectUrl())
        .startsWith(LOGOUT_URL + "?SAMLResponse=");
  }

  @Test
  void logoutUrlWhenTheApplicationIsNotRegisteredThenBuildFails() {
    assertThatThrownBy(() -> FakeEntra.builder().logoutUrl(SP, LOGOUT_URL).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no such application");
  }

  @Test
  void logoutUrlWhenNotAnAbsoluteHttpUrlThenRejectedAtOnce() {
    for (String bad : List.of("/saml2/logout", "ftp://sp.example.com/logout")) {
      assertThatThrownBy(() -> FakeEntra.builder().logoutUrl(SP, bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("logoutUrl must be an absolute http(s) URL");
    }
  }
}
