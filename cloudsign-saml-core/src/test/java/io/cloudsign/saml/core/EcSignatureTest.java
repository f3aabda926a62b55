package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraExtension;
import io.cloudsign.saml.testkit.TestClock;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.function.Consumer;
import org.apache.xml.security.signature.XMLSignature;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;

/**
 * An IdP that signs with an EC key (P-256, ECDSA-SHA256; other IdPs than Entra do): a genuine
 * signature verifies through the general path, and a SignatureValue of the wrong length, empty
 * above all, is {@code invalid_signature} with reason {@code unreadable_signature} — never
 * Santuario's {@code ArrayIndexOutOfBoundsException} out of {@code validate()}.
 */
class EcSignatureTest {
  @RegisterExtension static FakeEntraExtension fake = FakeEntraExtension.create();

  private static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
  private static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";

  private static KeyPair keys;
  private static X509Certificate certificate;
  private Fixture fx;

  @BeforeAll
  static void generateEcKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    keys = generator.generateKeyPair();
    certificate = TestCertificates.selfSigned(keys, "CN=EC IdP", "SHA256withECDSA");
  }

  @BeforeEach
  void setUp() {
    TestClock clock = fake.clock();
    clock.set(Instant.parse("2026-11-28T09:00:00Z"));
    // The fake Entra builds the Response (its own RSA key goes unused); the SP trusts the EC key.
    FakeEntra entra = FakeEntra.builder().clock(clock).build();
    Registration registration =
        Registration.builder("contoso")
            .entityId(Fixture.ENTITY_ID)
            .replyUrl(Fixture.REPLY_URL)
            .signOnUrl(Fixture.SIGN_ON_URL)
            .identityProvider(
                IdentityProvider.builder()
                    .entityId(entra.entityId())
                    .loginUrl(entra.ssoUrl())
                    .certificate(certificate)
                    .build())
            .build();
    fx = new Fixture(entra, clock, registration);
  }

  @Test
  void validateWhenAssertionIsSignedWithEcdsaThenAccepts() throws Exception {
    Fixture.Flow flow = fx.start();

    VerifiedAssertion a = fx.sp.validate(ecSigned(flow, value -> {}), flow.pending());

    assertThat(a.nameId()).isEqualTo("B.Simon@contoso.com");
  }

  /**
   * An IdP in mid-rollover from RSA to EC (or an SP trusting both): every trusted key is tried in
   * turn, whatever its type and place in the list, so a key of the other type that cannot even
   * check the signature does not turn a genuine Response into a reject.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void validateWhenEcAndRsaCertificatesAreTrustedThenEcdsaSignatureVerifiesInEitherOrder(
      boolean rsaFirst) throws Exception {
    FakeEntra entra = fx.entra;
    IdentityProvider.Builder idp =
        IdentityProvider.builder().entityId(entra.entityId()).loginUrl(entra.ssoUrl());
    if (rsaFirst) {
      idp.certificate(entra.signingCertificate()).certificate(certificate);
    } else {
      idp.certificate(certificate).certificate(entra.signingCertificate());
    }
    Fixture mixed =
        new Fixture(
            entra,
            fake.clock(),
            Registration.builder("contoso")
                .entityId(Fixture.ENTITY_ID)
                .replyUrl(Fixture.REPLY_URL)
                .signOnUrl(Fixture.SIGN_ON_URL)
                .identityProvider(idp.build())
                .build());
    fx = mixed;
    Fixture.Flow flow = mixed.start();

    VerifiedAssertion a = mixed.sp.validate(ecSigned(flow, value -> {}), flow.pending());

    assertThat(a.nameId()).isEqualTo("B.Simon@contoso.com");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void validateWhenEcdsaSignatureValueIsEmptyThenUnreadableSignature(String value)
      throws Exception {
    Fixture.Flow flow = fx.start();
    String response = ecSigned(flow, signatureValue -> signatureValue.setTextContent(value));

    Throwable thrown = catchThrowable(() -> fx.sp.validate(response, flow.pending()));

    assertThat(thrown).isInstanceOf(SamlValidationException.class);
    SamlValidationException e = (SamlValidationException) thrown;
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
    assertThat(e.reason()).isEqualTo(FailureReason.UNREADABLE_SIGNATURE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"AA==", "AAAA", "AAECAwQFBgcICQ=="})
  void validateWhenEcdsaSignatureValueHasTheWrongLengthThenInvalidSignature(String value)
      throws Exception {
    Fixture.Flow flow = fx.start();
    String response = ecSigned(flow, signatureValue -> signatureValue.setTextContent(value));

    Throwable thrown = catchThrowable(() -> fx.sp.validate(response, flow.pending()));

    assertThat(thrown).isInstanceOf(SamlValidationException.class);
    assertThat(((SamlValidationException) thrown).code()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  /** The fake Entra's unsigned Response, its Assertion signed with ECDSA-SHA256 by Santuario. */
  private String ecSigned(Fixture.Flow flow, Consumer<Element> changeSignatureValue)
      throws Exception {
    SantuarioSigner signed =
        SantuarioSigner.assertionOf(fx.respond(flow).with(Attack.unsigned()).buildXml())
            .signatureMethod(XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256)
            .sign(keys.getPrivate());
    changeSignatureValue.accept(signed.signatureValue());
    return signed.formValue();
  }
}
