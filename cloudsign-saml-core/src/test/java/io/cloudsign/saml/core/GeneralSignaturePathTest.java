package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraExtension;
import io.cloudsign.saml.testkit.TestClock;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.apache.xml.security.transforms.params.InclusiveNamespaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;

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
    SantuarioSigner signer =
        SantuarioSigner.assertionOf(fx.respond(flow).with(Attack.unsigned()).buildXml())
            .signedInfoCanonicalization(signedInfoCanonicalization);
    Document doc = signer.document();
    if (onCanonicalizationMethod) {
      signer.beforeSigning(
          s ->
              s.getSignedInfo()
                  .getElement()
                  .getElementsByTagNameNS(SantuarioSigner.DSIG_NS, "CanonicalizationMethod")
                  .item(0)
                  .appendChild(new InclusiveNamespaces(doc, "xs").getElement()));
    } else {
      signer.transforms(
          t -> {
            try {
              t.addTransform(
                  SantuarioSigner.EXC_C14N, new InclusiveNamespaces(doc, "xs").getElement());
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
    }
    signer.sign(keys.getPrivate());
    if (duplicateSignature) {
      signer.assertion().insertBefore(signer.signature().cloneNode(true), signer.signature());
    }
    if (nameIdAfterSigning != null) {
      signer.nameId(nameIdAfterSigning);
    }
    return signer.formValue();
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
