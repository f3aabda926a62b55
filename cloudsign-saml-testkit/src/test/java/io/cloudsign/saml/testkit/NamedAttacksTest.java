package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.Attack.Injected;
import io.cloudsign.saml.testkit.Attack.SignatureDefect;
import io.cloudsign.saml.testkit.Attack.Transform;
import io.cloudsign.saml.testkit.Attack.Xsw;
import java.security.Key;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The named attacks are what they claim: checked with the JDK's own XML-DSig implementation, the
 * strongest ones carry a signature that a verifier missing one specific rule would accept (so a
 * negative test built on them can only pass because of that rule), and the XSW shapes match SAML
 * Raider's.
 */
class NamedAttacksTest {
  private static final Instant NOW = Instant.parse("2026-03-02T10:15:30.250Z");
  private static final String ACS = "https://sp.example.com/saml2/idpresponse";
  private static final String EVIL = "admin@contoso.com";
  private static final FakeEntra ENTRA = FakeEntra.builder().clock(TestClock.at(NOW)).build();
  private static final X509Certificate TRUSTED = ENTRA.signingCertificate();

  private static ResponseBuilder genuine() {
    return ENTRA.response().inResponseTo("_req-1").destination(ACS).audience("urn:example:sp");
  }

  private static Document doc(ResponseBuilder b) {
    return Dsig.parse(b.buildXml());
  }

  /**
   * Whether {@code signature} verifies with {@code key}, resolving its Reference however it is
   * written (no "#ID of the parent" rule): what a verifier without the SAML profile checks does.
   */
  private static boolean naivelyVerifies(Element signature, Key key, boolean secure) {
    try {
      DOMValidateContext ctx = new DOMValidateContext(key, signature);
      ctx.setProperty("org.jcp.xml.dsig.secureValidation", secure);
      XMLSignature s = XMLSignatureFactory.getInstance("DOM").unmarshalXMLSignature(ctx);
      return s.validate(ctx);
    } catch (Exception e) {
      return false;
    }
  }

  private static List<Element> topLevelAssertions(Document d) {
    return Dsig.children(d.getDocumentElement(), Dsig.SAML_NS, "Assertion");
  }

  private static String nameId(Element scope) {
    return Dsig.first(scope, Dsig.SAML_NS, "NameID").getTextContent();
  }

  @Test
  void xswShapesMatchSamlRaider() {
    Document x1 = doc(genuine().signResponse().with(Attack.xsw(Xsw.XSW1, EVIL)));
    assertThat(x1.getDocumentElement().getAttribute("ID")).isEqualTo("_evil_response_ID");
    assertThat(nameId(topLevelAssertions(x1).get(0))).isEqualTo(EVIL);
    Element sig1 = Dsig.signatureOf(x1.getDocumentElement());
    assertThat(Dsig.children(sig1, Dsig.SAMLP_NS, "Response")).hasSize(1);

    Document x2 = doc(genuine().signResponse().with(Attack.xsw(Xsw.XSW2)));
    assertThat(Dsig.children(x2.getDocumentElement(), Dsig.SAMLP_NS, "Response")).hasSize(1);

    Document x3 = doc(genuine().with(Attack.xsw(Xsw.XSW3, EVIL)));
    List<Element> a3 = topLevelAssertions(x3);
    assertThat(a3).hasSize(2);
    assertThat(a3.get(0).getAttribute("ID")).isEqualTo("_evil_assertion_ID");
    assertThat(Dsig.signatureOf(a3.get(0))).isNull();
    assertThat(nameId(a3.get(0))).isEqualTo(EVIL);
    assertThat(Dsig.verifies(a3.get(1), TRUSTED)).isTrue();

    Document x4 = doc(genuine().with(Attack.xsw(Xsw.XSW4, EVIL)));
    assertThat(topLevelAssertions(x4)).hasSize(1);
    Element evil4 = topLevelAssertions(x4).get(0);
    assertThat(Dsig.children(evil4, Dsig.SAML_NS, "Assertion")).hasSize(1);

    Document x7 = doc(genuine().with(Attack.xsw(Xsw.XSW7, EVIL)));
    Element extensions = (Element) topLevelAssertions(x7).get(0).getPreviousSibling();
    assertThat(extensions.getNamespaceURI()).isNull();
    assertThat(extensions.getLocalName()).isEqualTo("Extensions");

    Document x8 = doc(genuine().with(Attack.xsw(Xsw.XSW8, EVIL)));
    Element object =
        Dsig.children(Dsig.signatureOf(topLevelAssertions(x8).get(0)), Dsig.DSIG_NS, "Object")
            .get(0);
    assertThat(Dsig.children(object, Dsig.SAML_NS, "Assertion")).hasSize(1);
  }

  @Test
  void xswInUnknownWrapperCarriesACryptographicallyValidSignatureOnTheEvilAssertion() {
    Document d = doc(genuine().with(Attack.xswInUnknownWrapper(EVIL)));
    Element evil = topLevelAssertions(d).get(0);
    assertThat(nameId(evil)).isEqualTo(EVIL);
    assertThat(naivelyVerifies(Dsig.signatureOf(evil), TRUSTED.getPublicKey(), true)).isTrue();
    assertThat(Dsig.verifies(evil, TRUSTED)).as("with the #ID-of-parent rule").isFalse();
  }

  @Test
  void xswResponseInUnknownWrapperCarriesACryptographicallyValidResponseSignature() {
    Document d = doc(genuine().signResponse().with(Attack.xswResponseInUnknownWrapper(EVIL)));
    Element evil = d.getDocumentElement();
    assertThat(nameId(topLevelAssertions(d).get(0))).isEqualTo(EVIL);
    assertThat(naivelyVerifies(Dsig.signatureOf(evil), TRUSTED.getPublicKey(), true)).isTrue();
    assertThat(Dsig.verifies(evil, TRUSTED)).as("with the #ID-of-parent rule").isFalse();
  }

  @Test
  void xswVariantsRequireTheSignatureTheyWrap() {
    assertThatThrownBy(() -> genuine().with(Attack.xsw(Xsw.XSW1)).buildXml())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not signed");
  }

  @Test
  void assertionSignatureMovedToResponseStillVerifiesNaively() {
    Document d = doc(genuine().with(Attack.assertionSignatureMovedToResponse()));
    Element sig = Dsig.signatureOf(d.getDocumentElement());
    assertThat(Dsig.signatureOf(topLevelAssertions(d).get(0))).isNull();
    assertThat(naivelyVerifies(sig, TRUSTED.getPublicKey(), true)).isTrue();
    assertThat(Dsig.verifies(d.getDocumentElement(), TRUSTED)).isFalse();
  }

  @Test
  void onlySubjectSignedHasAGenuineSubjectSignature() {
    Document d = doc(genuine().with(Attack.onlySubjectSigned()));
    Element assertion = topLevelAssertions(d).get(0);
    assertThat(Dsig.signatureOf(assertion)).isNull();
    assertThat(Dsig.verifies(Dsig.first(assertion, Dsig.SAML_NS, "Subject"), TRUSTED)).isTrue();
  }

  @Test
  void signedLogoutResponseInStatusDetailIsGenuinelySigned() {
    Document d = doc(genuine().with(Attack.signedLogoutResponseInStatusDetail()));
    Element logout = Dsig.first(d, Dsig.SAMLP_NS, "LogoutResponse");
    assertThat(Dsig.verifies(logout, TRUSTED)).isTrue();
  }

  @Test
  void commentAndCdataSplitsKeepTheSignatureValid() {
    for (boolean cdata : new boolean[] {false, true}) {
      ResponseBuilder b = genuine().nameId(EVIL + ".evil.example");
      b =
          cdata
              ? b.with(Attack.cdataSplit(Injected.NAME_ID, EVIL))
              : b.with(Attack.commentSplit(Injected.NAME_ID, EVIL));
      String xml = b.buildXml();
      assertThat(xml).contains(cdata ? EVIL + "<![CDATA[.evil.example]]>" : EVIL + "<!---->");
      assertThat(Dsig.verifies(topLevelAssertions(Dsig.parse(xml)).get(0), TRUSTED)).isTrue();
    }
  }

  @Test
  void splitOfAValueThatDoesNotContinueIsRefused() {
    assertThatThrownBy(
            () -> genuine().with(Attack.commentSplit(Injected.AUDIENCE, "urn:other")).buildXml())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void emptyReferenceUriCarriesAGenuineWholeDocumentSignature() {
    Document d = doc(genuine().with(Attack.signatureDefect(SignatureDefect.REFERENCE_URI_EMPTY)));
    Element sig = Dsig.signatureOf(topLevelAssertions(d).get(0));
    assertThat(Dsig.first(sig, Dsig.DSIG_NS, "Reference").getAttribute("URI")).isEmpty();
    assertThat(naivelyVerifies(sig, TRUSTED.getPublicKey(), true)).isTrue();
  }

  @Test
  void xpathFilter2TransformVerifiesWithTheNameIdChanged() {
    Document d =
        doc(genuine().with(Attack.extraTransform(Transform.XPATH_FILTER2, "http://127.0.0.1:9/")));
    Element assertion = topLevelAssertions(d).get(0);
    assertThat(nameId(assertion)).isEqualTo(EVIL);
    assertThat(naivelyVerifies(Dsig.signatureOf(assertion), TRUSTED.getPublicKey(), false))
        .isTrue();
  }

  @Test
  void sha1DigestUnderRsaSha256VerifiesWithoutAnAlgorithmPolicy() {
    Document d = doc(genuine().with(Attack.sha1DigestUnderRsaSha256()));
    Element sig = Dsig.signatureOf(topLevelAssertions(d).get(0));
    assertThat(Dsig.first(sig, Dsig.DSIG_NS, "DigestMethod").getAttribute("Algorithm"))
        .endsWith("#sha1");
    assertThat(naivelyVerifies(sig, TRUSTED.getPublicKey(), false)).isTrue();
  }

  @Test
  void hmacKeyedWithThePublicKeyVerifiesForAConfusedVerifier() {
    Document d = doc(genuine().with(Attack.hmacKeyedWithPublicKey()));
    Element sig = Dsig.signatureOf(topLevelAssertions(d).get(0));
    Key confused = new SecretKeySpec(TRUSTED.getPublicKey().getEncoded(), "HmacSHA256");
    assertThat(naivelyVerifies(sig, confused, false)).isTrue();
  }

  @Test
  void clonedCertificateCopiesEntrasNamesAndVerifiesOnlyWithItself() throws Exception {
    Document d = doc(genuine().with(Attack.signedWithClonedCertificate()));
    Element assertion = topLevelAssertions(d).get(0);
    X509Certificate clone = Dsig.keyInfoCertificate(Dsig.signatureOf(assertion));
    assertThat(clone).isNotEqualTo(TRUSTED);
    assertThat(clone.getSubjectX500Principal()).isEqualTo(TRUSTED.getSubjectX500Principal());
    assertThat(clone.getIssuerX500Principal()).isEqualTo(TRUSTED.getIssuerX500Principal());
    assertThat(clone.getSerialNumber()).isEqualTo(TRUSTED.getSerialNumber());
    assertThat(Dsig.verifies(assertion, clone)).isTrue();
    assertThat(Dsig.verifies(assertion, TRUSTED)).isFalse();
  }

  @Test
  void rsa1024AttackerKeyIsReally1024Bits() throws Exception {
    Document d = doc(genuine().with(Attack.signedWithUnknownRsa1024Key()));
    Element assertion = topLevelAssertions(d).get(0);
    X509Certificate weak = Dsig.keyInfoCertificate(Dsig.signatureOf(assertion));
    assertThat(
            ((java.security.interfaces.RSAPublicKey) weak.getPublicKey()).getModulus().bitLength())
        .isEqualTo(1024);
    assertThat(Dsig.verifies(assertion, weak)).isTrue();
  }

  @Test
  void withoutKeyInfoStillVerifiesWithTheMetadataCertificate() {
    Document d = doc(genuine().with(Attack.withoutKeyInfo()));
    Element assertion = topLevelAssertions(d).get(0);
    assertThat(Dsig.first(assertion, Dsig.DSIG_NS, "KeyInfo")).isNull();
    assertThat(Dsig.verifies(assertion, TRUSTED)).isTrue();
  }

  @Test
  void acceptedVariantsReallyChangeTheResponse() {
    Document noIssuer = doc(genuine().with(Attack.withoutResponseIssuer()));
    assertThat(Dsig.children(noIssuer.getDocumentElement(), Dsig.SAML_NS, "Issuer")).isEmpty();
    assertThat(Dsig.verifies(topLevelAssertions(noIssuer).get(0), TRUSTED)).isTrue();

    Document inExtensions =
        doc(genuine().with(Attack.extraAssertionIn(Attack.Container.EXTENSIONS, EVIL)));
    Element extensions = Dsig.first(inExtensions, Dsig.SAMLP_NS, "Extensions");
    assertThat(nameId(Dsig.children(extensions, Dsig.SAML_NS, "Assertion").get(0))).isEqualTo(EVIL);

    Document inDetail =
        doc(genuine().with(Attack.extraAssertionIn(Attack.Container.STATUS_DETAIL, EVIL)));
    Element detail = Dsig.first(inDetail, Dsig.SAMLP_NS, "StatusDetail");
    assertThat(nameId(Dsig.children(detail, Dsig.SAML_NS, "Assertion").get(0))).isEqualTo(EVIL);
    assertThat(Dsig.verifies(topLevelAssertions(inDetail).get(0), TRUSTED)).isTrue();
  }

  @Test
  void genuineAssertionHiddenInAdviceKeepsItsValidSignature() {
    Document d = doc(genuine().with(Attack.genuineAssertionIn(Attack.Container.ADVICE, EVIL)));
    Element evil = topLevelAssertions(d).get(0);
    assertThat(nameId(evil)).isEqualTo(EVIL);
    Element advice = Dsig.first(evil, Dsig.SAML_NS, "Advice");
    assertThat(Dsig.verifies(Dsig.children(advice, Dsig.SAML_NS, "Assertion").get(0), TRUSTED))
        .isTrue();
  }
}
