package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraExtension;
import io.cloudsign.saml.testkit.TestClock;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.apache.xml.security.transforms.params.InclusiveNamespaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Signatures of a valid shape other than Entra's exact one (here: an exclusive-c14n transform with
 * an {@code InclusiveNamespaces} prefix list, as OpenSAML itself signs) skip the Entra fast path
 * and are verified by Santuario's general path, which must accept them when genuine and reject them
 * when the content changed.
 */
class GeneralSignaturePathTest {
  @RegisterExtension static FakeEntraExtension fake = FakeEntraExtension.create();

  private static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";

  /** One IdP key for the class: RSA key generation is the slow part of this test. */
  private static KeyPair keys;

  private static X509Certificate certificate;
  private Fixture fx;

  @BeforeAll
  static void generateIdpKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
    certificate = TestCertificates.selfSigned(keys, "CN=Fake Entra general path");
  }

  @BeforeEach
  void setUp() throws Exception {
    TestClock clock = fake.clock();
    clock.set(Instant.parse("2026-11-28T09:00:00Z"));
    FakeEntra entra =
        FakeEntra.builder().clock(clock).signingKey(keys.getPrivate(), certificate).build();
    fx = new Fixture(entra, clock); // also initialises OpenSAML and Santuario
  }

  /**
   * Signs the Assertion with an InclusiveNamespaces prefix list on the Reference's exclusive-c14n
   * transform, or on SignedInfo's CanonicalizationMethod; then optionally changes the NameID.
   */
  private String signedWithPrefixList(
      Fixture.Flow flow, boolean onCanonicalizationMethod, String nameIdAfterSigning)
      throws Exception {
    return sign(
        flow,
        "http://www.w3.org/2001/10/xml-exc-c14n#",
        onCanonicalizationMethod,
        nameIdAfterSigning,
        false);
  }

  private String sign(
      Fixture.Flow flow,
      String signedInfoCanonicalization,
      boolean onCanonicalizationMethod,
      String nameIdAfterSigning,
      boolean duplicateSignature)
      throws Exception {
    String xml = fx.respond(flow).with(Attack.unsigned()).buildXml();
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    Document doc =
        factory
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    Element assertion = (Element) doc.getElementsByTagNameNS(ASSERTION_NS, "Assertion").item(0);
    assertion.setIdAttributeNS(null, "ID", true);
    Element issuer = (Element) assertion.getElementsByTagNameNS(ASSERTION_NS, "Issuer").item(0);

    XMLSignature signature =
        new XMLSignature(
            doc, "", XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256, signedInfoCanonicalization);
    assertion.insertBefore(signature.getElement(), issuer.getNextSibling());
    Transforms transforms = new Transforms(doc);
    transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
    if (onCanonicalizationMethod) {
      transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
      Element c14n =
          (Element)
              signature
                  .getSignedInfo()
                  .getElement()
                  .getElementsByTagNameNS(
                      "http://www.w3.org/2000/09/xmldsig#", "CanonicalizationMethod")
                  .item(0);
      c14n.appendChild(new InclusiveNamespaces(doc, "xs").getElement());
    } else {
      transforms.addTransform(
          Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS,
          new InclusiveNamespaces(doc, "xs").getElement());
    }
    signature.addDocument(
        "#" + assertion.getAttribute("ID"), transforms, "http://www.w3.org/2001/04/xmlenc#sha256");
    signature.sign(keys.getPrivate());
    if (duplicateSignature) {
      assertion.insertBefore(signature.getElement().cloneNode(true), signature.getElement());
    }
    if (nameIdAfterSigning != null) {
      assertion
          .getElementsByTagNameNS(ASSERTION_NS, "NameID")
          .item(0)
          .setTextContent(nameIdAfterSigning);
    }

    StringWriter out = new StringWriter();
    TransformerFactory.newInstance()
        .newTransformer()
        .transform(new DOMSource(doc), new StreamResult(out));
    return Base64.getEncoder().encodeToString(out.toString().getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void validateWhenSignatureHasInclusiveNamespacesThenTheGeneralPathAccepts(
      boolean onCanonicalizationMethod) throws Exception {
    Fixture.Flow flow = fx.start();

    VerifiedAssertion a =
        fx.sp.validate(signedWithPrefixList(flow, onCanonicalizationMethod, null), flow.pending());

    assertThat(a.nameId()).isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void validateWhenSuchASignatureCoversChangedContentThenRejectsWithInvalidSignature(
      boolean onCanonicalizationMethod) throws Exception {
    Fixture.Flow flow = fx.start();
    String tampered = signedWithPrefixList(flow, onCanonicalizationMethod, "mallory@contoso.com");

    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class, () -> fx.sp.validate(tampered, flow.pending()));

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void validateWhenSignedInfoUsesInclusiveCanonicalizationThenRejectsWithInvalidSignature()
      throws Exception {
    Fixture.Flow flow = fx.start();
    String value =
        sign(flow, "http://www.w3.org/TR/2001/REC-xml-c14n-20010315", false, null, false);

    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class, () -> fx.sp.validate(value, flow.pending()));

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void validateWhenAssertionCarriesTheGenuineSignatureTwiceThenRejectsWithInvalidSignature()
      throws Exception {
    Fixture.Flow flow = fx.start();
    String value = sign(flow, "http://www.w3.org/2001/10/xml-exc-c14n#", false, null, true);

    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class, () -> fx.sp.validate(value, flow.pending()));

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }
}
