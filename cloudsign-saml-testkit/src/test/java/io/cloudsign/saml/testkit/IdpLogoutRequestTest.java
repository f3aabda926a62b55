package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.internal.Certificates;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * {@link FakeEntra#logoutRequest}: the LogoutRequest Entra sends to an app's Logout Url
 * (IdP-initiated single logout), inflated here with the JDK; its lower-case percent-encoding; its
 * optional Redirect signature, verified with {@link java.security.Signature} over the raw query;
 * the two hostile signature variants and the options.
 */
class IdpLogoutRequestTest {
  private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  private static final String SP = "urn:example:slo-sp";
  private static final String LOGOUT_URL = "https://sp.example.com/saml2/logout";
  private static final String USER = "bsimon@contoso.com";
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

  private static Element root(String url) throws Exception {
    return Dsig.parse(Slo.inflated(url, "SAMLRequest")).getDocumentElement();
  }

  private static PublicKey entraKey() {
    return ENTRA.signingCertificate().getPublicKey();
  }

  @Test
  void logoutRequestWhenDefaultThenHasEntrasShapeAndGoesToTheLogoutUrl() throws Exception {
    CLOCK.set(START.plusMillis(1234));
    IdpLogoutRequestBuilder b = ENTRA.logoutRequest(SP, USER);
    String url = b.redirectUrl();

    assertThat(url).startsWith(LOGOUT_URL + "?SAMLRequest=");
    assertThat(Slo.rawParameters(url).keySet()).containsExactly("SAMLRequest");
    assertThat(b.id()).matches("_[0-9a-f-]{36}");
    assertThat(Slo.inflated(url, "SAMLRequest"))
        .isEqualTo(
            "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
                + " xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\""
                + b.id()
                + "\" Version=\"2.0\" IssueInstant=\"2026-04-01T12:00:01.234Z\""
                + " Destination=\""
                + LOGOUT_URL
                + "\"><saml:Issuer>https://login.microsoftonline.com/"
                + TENANT
                + "/</saml:Issuer><saml:NameID"
                + " Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">"
                + USER
                + "</saml:NameID></samlp:LogoutRequest>");
    Element root = root(url);
    assertThat(root.getNamespaceURI()).isEqualTo(Dsig.SAMLP_NS);
    assertThat(root.getLocalName()).isEqualTo("LogoutRequest");
    assertThat(Dsig.first(root, Dsig.SAML_NS, "Issuer").getTextContent())
        .isEqualTo(ENTRA.logoutIssuer())
        .isNotEqualTo(ENTRA.entityId());
  }

  @Test
  void logoutRequestWhenDefaultThenUnsignedWithoutRelayState() {
    String url = ENTRA.logoutRequest(SP, USER).redirectUrl();
    assertThat(url)
        .doesNotContain("SigAlg=")
        .doesNotContain("Signature=")
        .doesNotContain("RelayState=");
  }

  @Test
  void redirectUrlWhenCalledTwiceThenSameIdAndTheClocksInstantEachTime() throws Exception {
    IdpLogoutRequestBuilder b = ENTRA.logoutRequest(SP, USER);
    CLOCK.set(START);
    Element first = root(b.redirectUrl());
    CLOCK.advance(Duration.ofSeconds(5));
    Element second = root(b.redirectUrl());

    assertThat(first.getAttribute("ID")).isEqualTo(second.getAttribute("ID")).isEqualTo(b.id());
    assertThat(first.getAttribute("IssueInstant")).isEqualTo("2026-04-01T12:00:00.000Z");
    assertThat(second.getAttribute("IssueInstant")).isEqualTo("2026-04-01T12:00:05.000Z");
    assertThat(ENTRA.logoutRequest(SP, USER).id()).isNotEqualTo(b.id());
  }

  @Test
  void redirectUrlUsesEntrasLowerCasePercentEncodingInEveryValue() {
    String url = ENTRA.logoutRequest(SP, USER).relayState(RELAY).signed().redirectUrl();

    assertThat(url).contains("&RelayState=%2fsigned-out%3fx%3d1&");
    assertThat(url)
        .contains("&SigAlg=http%3a%2f%2fwww.w3.org%2f2001%2f04%2fxmldsig-more%23rsa-sha256&");
    assertThat(Slo.UPPER_CASE_ESCAPE.matcher(Slo.queryOf(url)).find()).isFalse();
    assertThat(Slo.queryOf(url)).matches(".*%[0-9a-f]{2}.*");
    assertThat(Slo.rawParameters(url).keySet())
        .containsExactly("SAMLRequest", "RelayState", "SigAlg", "Signature");
  }

  @Test
  void signedWhenVerifiedOverTheRawLowerCasedQueryThenVerifiesWithTheFakesCertificate()
      throws Exception {
    String url = ENTRA.logoutRequest(SP, USER).relayState(RELAY).signed().redirectUrl();
    Map<String, String> raw = Slo.rawParameters(url);
    String octets = Slo.signedPart(url);
    assertThat(octets)
        .isEqualTo(
            "SAMLRequest="
                + raw.get("SAMLRequest")
                + "&RelayState="
                + raw.get("RelayState")
                + "&SigAlg="
                + raw.get("SigAlg"));

    assertThat(Slo.verifies(octets, raw.get("Signature"), entraKey())).isTrue();
  }

  @Test
  void signedWithoutRelayStateThenSignsSamlRequestAndSigAlgOnly() throws Exception {
    String url = ENTRA.logoutRequest(SP, USER).signed().redirectUrl();
    Map<String, String> raw = Slo.rawParameters(url);

    assertThat(raw.keySet()).containsExactly("SAMLRequest", "SigAlg", "Signature");
    assertThat(Slo.verifies(Slo.signedPart(url), raw.get("Signature"), entraKey())).isTrue();
  }

  @Test
  void signedWhenTheQueryIsReEncodedWithUpperCaseEscapesThenTheSignatureNoLongerVerifies()
      throws Exception {
    String url = ENTRA.logoutRequest(SP, USER).relayState(RELAY).signed().redirectUrl();
    Map<String, String> raw = Slo.rawParameters(url);
    // What an SP does wrong: decode the parameters and encode them again before verifying.
    String reEncoded =
        "SAMLRequest="
            + Slo.enc(Slo.dec(raw.get("SAMLRequest")))
            + "&RelayState="
            + Slo.enc(Slo.dec(raw.get("RelayState")))
            + "&SigAlg="
            + Slo.enc(Slo.dec(raw.get("SigAlg")));
    assertThat(reEncoded).contains("%2F").isNotEqualTo(Slo.signedPart(url));

    assertThat(Slo.verifies(reEncoded, raw.get("Signature"), entraKey())).isFalse();
  }

  @Test
  void signatureOverReorderedQueryWhenVerifiedInTheBindingsOrderThenFails() throws Exception {
    String url =
        ENTRA.logoutRequest(SP, USER).relayState(RELAY).signatureOverReorderedQuery().redirectUrl();
    Map<String, String> raw = Slo.rawParameters(url);

    assertThat(raw.keySet()).containsExactly("SAMLRequest", "RelayState", "SigAlg", "Signature");
    assertThat(Slo.verifies(Slo.signedPart(url), raw.get("Signature"), entraKey())).isFalse();
    String reordered =
        "RelayState="
            + raw.get("RelayState")
            + "&SAMLRequest="
            + raw.get("SAMLRequest")
            + "&SigAlg="
            + raw.get("SigAlg");
    assertThat(Slo.verifies(reordered, raw.get("Signature"), entraKey())).isTrue();
  }

  @Test
  void signatureOverReorderedQueryWhenThereIsNoRelayStateThenSigAlgComesFirst() throws Exception {
    String url = ENTRA.logoutRequest(SP, USER).signatureOverReorderedQuery().redirectUrl();
    Map<String, String> raw = Slo.rawParameters(url);

    assertThat(Slo.verifies(Slo.signedPart(url), raw.get("Signature"), entraKey())).isFalse();
    String reordered = "SigAlg=" + raw.get("SigAlg") + "&SAMLRequest=" + raw.get("SAMLRequest");
    assertThat(Slo.verifies(reordered, raw.get("Signature"), entraKey())).isTrue();
  }

  @Test
  void signedByAnotherKeyWhenVerifiedWithEveryPublishedCertificateThenFails() throws Exception {
    FakeEntra rolled =
        FakeEntra.builder()
            .application(SP, "https://sp.example.com/saml2/idpresponse")
            .logoutUrl(SP, LOGOUT_URL)
            .signingCertificateCount(2)
            .activeCertificateIndex(1)
            .build();
    String url =
        rolled.logoutRequest(SP, USER).relayState(RELAY).signedByAnotherKey().redirectUrl();
    Map<String, String> raw = Slo.rawParameters(url);

    assertThat(raw.keySet()).containsExactly("SAMLRequest", "RelayState", "SigAlg", "Signature");
    for (X509Certificate published : rolled.signingCertificates()) {
      assertThat(Slo.verifies(Slo.signedPart(url), raw.get("Signature"), published.getPublicKey()))
          .isFalse();
    }
    X509Certificate forger = Certificates.attacker().certificate();
    assertThat(Slo.verifies(Slo.signedPart(url), raw.get("Signature"), forger.getPublicKey()))
        .isTrue();
    String genuine = rolled.logoutRequest(SP, USER).signed().redirectUrl();
    assertThat(
            Slo.verifies(
                Slo.signedPart(genuine),
                Slo.rawParameters(genuine).get("Signature"),
                rolled.signingCertificate().getPublicKey()))
        .as("signed() uses the active key, the second published certificate")
        .isTrue();
  }

  @Test
  void hostileSignatureVariantsWhenCombinedThenRefused() {
    assertThatThrownBy(
            () -> ENTRA.logoutRequest(SP, USER).signatureOverReorderedQuery().signedByAnotherKey())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pick one");
    assertThat(ENTRA.logoutRequest(SP, USER).signedByAnotherKey().signed().redirectUrl())
        .as("signed() after a hostile variant keeps it")
        .satisfies(
            url ->
                assertThat(
                        Slo.verifies(
                            Slo.signedPart(url),
                            Slo.rawParameters(url).get("Signature"),
                            entraKey()))
                    .isFalse());
  }

  @Test
  void optionsWhenSetThenEachChangesOnlyItsPart() throws Exception {
    Instant issued = Instant.parse("2026-03-31T23:59:00.5Z");
    String url =
        ENTRA
            .logoutRequest(SP, "Uz2Pqz1X7pxe4XLWxV9KJQ")
            .sessionIndex("_session-42")
            .nameIdFormat(ResponseBuilder.NAMEID_PERSISTENT)
            .notOnOrAfter(issued.plus(Duration.ofMinutes(5)))
            .issuer("https://sts.windows.net/" + TENANT + "/")
            .destination("https://elsewhere.example.com/logout")
            .issueInstant(issued)
            .relayState("/bye")
            .redirectUrl();

    assertThat(url).startsWith(LOGOUT_URL + "?SAMLRequest=");
    assertThat(Slo.dec(Slo.rawParameters(url).get("RelayState"))).isEqualTo("/bye");
    Element root = root(url);
    assertThat(root.getAttribute("IssueInstant")).isEqualTo("2026-03-31T23:59:00.500Z");
    assertThat(root.getAttribute("NotOnOrAfter")).isEqualTo("2026-04-01T00:04:00.500Z");
    assertThat(root.getAttribute("Destination")).isEqualTo("https://elsewhere.example.com/logout");
    assertThat(Dsig.first(root, Dsig.SAML_NS, "Issuer").getTextContent())
        .isEqualTo("https://sts.windows.net/" + TENANT + "/");
    Element nameId = Dsig.first(root, Dsig.SAML_NS, "NameID");
    assertThat(nameId.getTextContent()).isEqualTo("Uz2Pqz1X7pxe4XLWxV9KJQ");
    assertThat(nameId.getAttribute("Format")).isEqualTo(ResponseBuilder.NAMEID_PERSISTENT);
    assertThat(Dsig.first(root, Dsig.SAMLP_NS, "SessionIndex").getTextContent())
        .isEqualTo("_session-42");
    assertThat(nameId.getNextSibling())
        .as("SessionIndex follows NameID, as the schema orders them")
        .isSameAs(Dsig.first(root, Dsig.SAMLP_NS, "SessionIndex"));
  }

  @Test
  void idWhenAPreviousIdIsGivenThenTheRequestReplaysIt() throws Exception {
    IdpLogoutRequestBuilder first = ENTRA.logoutRequest(SP, USER);
    first.redirectUrl();
    IdpLogoutRequestBuilder replay = ENTRA.logoutRequest(SP, USER).id(first.id());

    assertThat(replay.id()).isEqualTo(first.id());
    assertThat(root(replay.redirectUrl()).getAttribute("ID")).isEqualTo(first.id());
    assertThatThrownBy(() -> ENTRA.logoutRequest(SP, USER).id(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void logoutRequestWhenValuesHaveMarkupThenTheyAreEscapedNotInjected() throws Exception {
    String nameId = "a<b>&\"c\"@contoso.com";
    Element root = root(ENTRA.logoutRequest(SP, nameId).sessionIndex("<x/>").redirectUrl());

    assertThat(Dsig.first(root, Dsig.SAML_NS, "NameID").getTextContent()).isEqualTo(nameId);
    assertThat(Dsig.first(root, Dsig.SAMLP_NS, "SessionIndex").getTextContent()).isEqualTo("<x/>");
  }

  @Test
  void logoutRequestWhenTheApplicationHasNoLogoutUrlThenSaysHowToSetIt() {
    FakeEntra noLogoutUrl =
        FakeEntra.builder().application(SP, "https://sp.example.com/saml2/idpresponse").build();

    assertThatThrownBy(() -> noLogoutUrl.logoutRequest(SP, USER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(SP)
        .hasMessageContaining("logoutUrl(identifier, url)");
    assertThatThrownBy(() -> ENTRA.logoutRequest("urn:unknown", USER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("urn:unknown");
  }

  @Test
  void logoutRequestWhenReadByTheFakesOwnParserThenEveryFieldRoundTrips() {
    IdpLogoutRequestBuilder b =
        ENTRA.logoutRequest(SP, USER).sessionIndex("_s").relayState(RELAY).signed();
    LogoutRequestInfo info = ENTRA.parseLogoutRedirect(b.redirectUrl());

    assertThat(info.id()).isEqualTo(b.id());
    assertThat(info.issuer()).isEqualTo(ENTRA.logoutIssuer());
    assertThat(info.destination()).isEqualTo(LOGOUT_URL);
    assertThat(info.nameId()).isEqualTo(USER);
    assertThat(info.sessionIndex()).contains("_s");
    assertThat(info.relayState()).contains(RELAY);
    assertThat(info.isSignedBy(ENTRA.signingCertificate())).isTrue();
  }
}
