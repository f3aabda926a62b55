package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.ResponseShapeTest.Xmls;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class HostileVariantsTest {
  private static final Instant NOW = Instant.parse("2026-03-02T10:15:30.250Z");
  private static final String ACS = "https://sp.example.com/saml2/idpresponse";
  private static final FakeEntra ENTRA = FakeEntra.builder().clock(TestClock.at(NOW)).build();
  private static final X509Certificate TRUSTED = trusted();

  private static X509Certificate trusted() {
    try {
      return Dsig.metadataCertificates(ENTRA.metadataXml()).get(0);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static ResponseBuilder genuine() {
    return ENTRA.response().inResponseTo("_req-1").destination(ACS).audience("urn:example:sp");
  }

  private static Document doc(ResponseBuilder b) {
    return Dsig.parse(b.buildXml());
  }

  private static String attr(Document doc, String local, String name) {
    return Dsig.first(doc, local.equals("Response") ? Dsig.SAMLP_NS : Dsig.SAML_NS, local)
        .getAttribute(name);
  }

  private static String text(Document doc, String local) {
    return Dsig.first(doc, Dsig.SAML_NS, local).getTextContent();
  }

  @Test
  void unsignedHasNoSignatureAnywhere() {
    String xml = genuine().with(Attack.unsigned()).buildXml();
    assertThat(xml).doesNotContain("Signature");
    assertThat(Dsig.signatureOf(Dsig.assertion(Dsig.parse(xml)))).isNull();
  }

  @Test
  void signedWithUnknownKeyVerifiesOnlyWithTheAttackerCertificateInKeyInfo() throws Exception {
    Element assertion = Dsig.assertion(doc(genuine().with(Attack.signedWithUnknownKey())));
    X509Certificate inKeyInfo = Dsig.keyInfoCertificate(Dsig.signatureOf(assertion));
    assertThat(inKeyInfo).isNotEqualTo(TRUSTED);
    assertThat(inKeyInfo.getSubjectX500Principal()).isEqualTo(TRUSTED.getSubjectX500Principal());
    assertThat(Dsig.verifies(assertion, TRUSTED)).isFalse();
    assertThat(Dsig.verifies(assertion, inKeyInfo)).isTrue();
  }

  @Test
  void signedWithUnknownKeyAppliesToTheResponseSignatureToo() throws Exception {
    Element response =
        Dsig.response(doc(genuine().signResponse().with(Attack.signedWithUnknownKey())));
    assertThat(Dsig.verifies(response, TRUSTED)).isFalse();
    assertThat(Dsig.verifies(response, Dsig.keyInfoCertificate(Dsig.signatureOf(response))))
        .isTrue();
  }

  @Test
  void keyInfoCertificateSwapsOnlyKeyInfoAndTheSignatureStaysGenuine() throws Exception {
    X509Certificate other = FakeEntra.create().signingCertificate();
    Element assertion = Dsig.assertion(doc(genuine().with(Attack.keyInfoCertificate(other))));
    assertThat(Dsig.keyInfoCertificate(Dsig.signatureOf(assertion))).isEqualTo(other);
    assertThat(Dsig.verifies(assertion, TRUSTED)).isTrue();
    assertThat(Dsig.verifies(assertion, other)).isFalse();
  }

  @Test
  void sha1SignsGenuinelyWithRsaSha1AndSha1Digest() {
    Element assertion =
        Dsig.assertion(doc(genuine().signingAlgorithm(ResponseBuilder.SigningAlgorithm.SHA1)));
    Element sig = Dsig.signatureOf(assertion);
    assertThat(Dsig.first(sig, Dsig.DSIG_NS, "SignatureMethod").getAttribute("Algorithm"))
        .isEqualTo("http://www.w3.org/2000/09/xmldsig#rsa-sha1");
    assertThat(Dsig.first(sig, Dsig.DSIG_NS, "DigestMethod").getAttribute("Algorithm"))
        .isEqualTo("http://www.w3.org/2000/09/xmldsig#sha1");
    // The JDK's secure validation refuses SHA-1; without it the signature is genuine.
    assertThat(Dsig.verifies(assertion, TRUSTED, false)).isTrue();
  }

  @Test
  void wrongAudienceChangesOnlyTheAudienceAndStaysSigned() {
    Document doc = doc(genuine().with(Attack.wrongAudience()));
    assertThat(text(doc, "Audience")).isEqualTo(Attack.WRONG_AUDIENCE);
    assertThat(attr(doc, "SubjectConfirmationData", "Recipient")).isEqualTo(ACS);
    assertThat(Dsig.verifies(Dsig.assertion(doc), TRUSTED)).isTrue();
  }

  @Test
  void wrongRecipientChangesOnlyTheRecipient() {
    Document doc = doc(genuine().with(Attack.wrongRecipient()));
    assertThat(attr(doc, "SubjectConfirmationData", "Recipient")).isEqualTo(Attack.WRONG_URL);
    assertThat(Dsig.response(doc).getAttribute("Destination")).isEqualTo(ACS);
    assertThat(Dsig.verifies(Dsig.assertion(doc), TRUSTED)).isTrue();
  }

  @Test
  void wrongDestinationChangesOnlyTheDestination() {
    Document doc = doc(genuine().with(Attack.wrongDestination()));
    assertThat(Dsig.response(doc).getAttribute("Destination")).isEqualTo(Attack.WRONG_URL);
    assertThat(attr(doc, "SubjectConfirmationData", "Recipient")).isEqualTo(ACS);
  }

  @Test
  void wrongIssuerChangesTheAssertionIssuerButSignsWithTheGenuineKey() {
    Document doc = doc(genuine().with(Attack.wrongIssuer()));
    Element assertion = Dsig.assertion(doc);
    assertThat(Dsig.children(assertion, Dsig.SAML_NS, "Issuer").get(0).getTextContent())
        .isEqualTo(Attack.WRONG_ISSUER);
    assertThat(Dsig.children(Dsig.response(doc), Dsig.SAML_NS, "Issuer").get(0).getTextContent())
        .isEqualTo(ENTRA.entityId());
    assertThat(Dsig.verifies(assertion, TRUSTED)).isTrue();
  }

  @Test
  void wrongResponseIssuerChangesOnlyTheResponseIssuer() {
    Document doc = doc(genuine().with(Attack.wrongResponseIssuer()));
    assertThat(Dsig.children(Dsig.response(doc), Dsig.SAML_NS, "Issuer").get(0).getTextContent())
        .isEqualTo(Attack.WRONG_ISSUER);
    assertThat(Dsig.children(Dsig.assertion(doc), Dsig.SAML_NS, "Issuer").get(0).getTextContent())
        .isEqualTo(ENTRA.entityId());
  }

  @Test
  void expiredPutsNotOnOrAfterBeyondSkewInThePastButKeepsIssueInstantNow() {
    Document doc = doc(genuine().with(Attack.expired()));
    Instant noa = Instant.parse(attr(doc, "Conditions", "NotOnOrAfter"));
    assertThat(noa).isBefore(NOW.minusSeconds(10 * 60));
    assertThat(Instant.parse(attr(doc, "Conditions", "NotBefore"))).isBefore(noa);
    assertThat(attr(doc, "SubjectConfirmationData", "NotOnOrAfter"))
        .isEqualTo(attr(doc, "Conditions", "NotOnOrAfter"));
    assertThat(Instant.parse(Dsig.response(doc).getAttribute("IssueInstant"))).isEqualTo(NOW);
    assertThat(Dsig.verifies(Dsig.assertion(doc), TRUSTED)).isTrue();
  }

  @Test
  void expiredIsRelativeToTheClock() {
    TestClock clock = TestClock.at(NOW);
    FakeEntra entra = FakeEntra.builder().clock(clock).build();
    clock.advance(java.time.Duration.ofDays(3));
    Document doc =
        Dsig.parse(
            entra
                .response()
                .withoutInResponseTo()
                .destination(ACS)
                .audience("a:b")
                .with(Attack.expired())
                .buildXml());
    assertThat(Instant.parse(attr(doc, "Conditions", "NotOnOrAfter")))
        .isBefore(clock.instant())
        .isAfter(NOW.plus(java.time.Duration.ofDays(2)));
  }

  @Test
  void notYetValidPutsNotBeforeBeyondSkewInTheFuture() {
    Document doc = doc(genuine().with(Attack.notYetValid()));
    Instant nb = Instant.parse(attr(doc, "Conditions", "NotBefore"));
    assertThat(nb).isAfter(NOW.plusSeconds(10 * 60));
    assertThat(Instant.parse(attr(doc, "Conditions", "NotOnOrAfter"))).isAfter(nb);
    assertThat(Instant.parse(attr(doc, "SubjectConfirmationData", "NotOnOrAfter"))).isAfter(nb);
  }

  @Test
  void subjectConfirmationExpiredExpiresOnlyTheSubjectConfirmation() {
    Document doc = doc(genuine().with(Attack.subjectConfirmationExpired()));
    assertThat(Instant.parse(attr(doc, "SubjectConfirmationData", "NotOnOrAfter")))
        .isBefore(NOW.minusSeconds(10 * 60));
    assertThat(Instant.parse(attr(doc, "Conditions", "NotOnOrAfter"))).isAfter(NOW);
  }

  @Test
  void withoutInResponseToRemovesItFromResponseAndSubjectConfirmation() {
    Document doc =
        ENTRA
            .response()
            .withoutInResponseTo()
            .destination(ACS)
            .audience("a:b")
            .buildXml()
            .transform(Dsig::parse);
    assertThat(Dsig.response(doc).hasAttribute("InResponseTo")).isFalse();
    assertThat(
            Dsig.first(doc, Dsig.SAML_NS, "SubjectConfirmationData").hasAttribute("InResponseTo"))
        .isFalse();
  }

  @Test
  void inResponseToSetsAForeignRequestIdEverywhere() {
    Document doc = doc(genuine().inResponseTo("_someone-elses-request"));
    assertThat(Dsig.response(doc).getAttribute("InResponseTo")).isEqualTo("_someone-elses-request");
    assertThat(attr(doc, "SubjectConfirmationData", "InResponseTo"))
        .isEqualTo("_someone-elses-request");
  }

  @Test
  void errorStatusHasNestedCodesAadstsMessageAndNoAssertion() {
    Document doc =
        doc(genuine().errorStatus("AADSTS50105", "The signed in user is not assigned to a role."));
    Element response = Dsig.response(doc);
    assertThat(Dsig.children(response, Dsig.SAML_NS, "Assertion")).isEmpty();
    Element top = Dsig.first(doc, Dsig.SAMLP_NS, "StatusCode");
    assertThat(top.getAttribute("Value")).isEqualTo("urn:oasis:names:tc:SAML:2.0:status:Requester");
    assertThat(Dsig.children(top, Dsig.SAMLP_NS, "StatusCode").get(0).getAttribute("Value"))
        .isEqualTo("urn:oasis:names:tc:SAML:2.0:status:RequestDenied");
    assertThat(Dsig.first(doc, Dsig.SAMLP_NS, "StatusMessage").getTextContent())
        .startsWith("AADSTS50105: The signed in user is not assigned to a role.\r\nTrace ID: ")
        .contains("\r\nCorrelation ID: ", "\r\nTimestamp: 2026-03-02 10:15:30Z");
    assertThat(Dsig.signatureOf(response)).isNull();
    assertThat(response.getAttribute("InResponseTo")).isEqualTo("_req-1");
  }

  @Test
  void errorStatusUsesResponderForServerSideCodesAndCanBeSigned() {
    Document doc =
        doc(genuine().errorStatus("90033", "A transient error has occurred.").signResponse());
    assertThat(Dsig.first(doc, Dsig.SAMLP_NS, "StatusCode").getAttribute("Value"))
        .isEqualTo("urn:oasis:names:tc:SAML:2.0:status:Responder");
    assertThat(Dsig.verifies(Dsig.response(doc), TRUSTED)).isTrue();
  }

  @Test
  void errorStatusRejectsSomethingThatIsNotAnAadstsCode() {
    assertThatThrownBy(() -> genuine().errorStatus("oops", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AADSTS");
  }

  @Test
  void twoAssertionsAreBothGenuinelySignedWithDistinctIds() {
    Document doc = doc(genuine().with(Attack.twoAssertions()));
    List<Element> assertions = Dsig.children(Dsig.response(doc), Dsig.SAML_NS, "Assertion");
    assertThat(assertions).hasSize(2);
    assertThat(assertions.get(0).getAttribute("ID"))
        .isNotEqualTo(assertions.get(1).getAttribute("ID"));
    assertThat(assertions).allSatisfy(a -> assertThat(Dsig.verifies(a, TRUSTED)).isTrue());
  }

  @Test
  void tamperedAfterSigningChangesTheNameIdAndBreaksTheSignature() {
    Document doc = doc(genuine().with(Attack.tamperedAfterSigning()));
    assertThat(text(doc, "NameID")).isEqualTo("admin@contoso.com");
    assertThat(Dsig.verifies(Dsig.assertion(doc), TRUSTED)).isFalse();
  }

  @Test
  void tamperedAfterSigningBreaksResponseSignatureInResponseOnlyMode() {
    Document doc =
        doc(genuine().signResponse().with(Attack.tamperedAfterSigning("mallory@contoso.com")));
    assertThat(text(doc, "NameID")).isEqualTo("mallory@contoso.com");
    assertThat(Dsig.verifies(Dsig.response(doc), TRUSTED)).isFalse();
  }

  @Test
  void commentSplitNameIdKeepsTheSignatureValidAndTheWholeNameIdInTheText() {
    String xml =
        genuine()
            .nameId("admin@contoso.com.evil.example")
            .with(Attack.commentSplit(Attack.Injected.NAME_ID, "admin@contoso.com"))
            .buildXml();
    assertThat(xml).contains(">admin@contoso.com<!---->.evil.example</NameID>");
    Document doc = Dsig.parse(xml);
    Element nameId = Dsig.first(doc, Dsig.SAML_NS, "NameID");
    assertThat(nameId.getFirstChild().getNodeValue()).isEqualTo("admin@contoso.com");
    assertThat(nameId.getTextContent()).isEqualTo("admin@contoso.com.evil.example");
    assertThat(Dsig.verifies(Dsig.assertion(doc), TRUSTED)).isTrue();
  }

  @Test
  void commentSplitNameIdRefusesAPrefixTheNameIdDoesNotStartWith() {
    assertThatThrownBy(
            () -> genuine().with(Attack.commentSplit(Attack.Injected.NAME_ID, "root@")).buildXml())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("root@");
  }

  @Test
  void afterSigningEditsTheFinalText() {
    String xml =
        genuine().with(Attack.afterSigning(s -> s.replace("B. Simon", "Mallory"))).buildXml();
    assertThat(xml).contains(">Mallory<").doesNotContain("B. Simon");
    assertThat(Dsig.verifies(Dsig.assertion(Dsig.parse(xml)), TRUSTED)).isFalse();
  }

  @Test
  void responseWithNothingPresetRefusesToBuildAndSaysWhatIsMissing() {
    assertThatThrownBy(() -> ENTRA.response().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("destination")
        .hasMessageContaining("audience")
        .hasMessageContaining("inResponseTo");
  }

  @Test
  void expiredResponseKeepsGenuineSignaturesWhenResponseAndAssertionAreSigned() {
    // A Response-and-Assertion-signed expired Response: both signatures still verify.
    Document doc = doc(genuine().signResponseAndAssertion().with(Attack.expired()));
    assertThat(Dsig.verifies(Dsig.assertion(doc), TRUSTED)).isTrue();
    assertThat(Dsig.verifies(Dsig.response(doc), TRUSTED)).isTrue();
    assertThat(Xmls.claims(Dsig.assertion(doc))).isNotEmpty();
  }
}
