package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntraExtension;
import io.cloudsign.saml.testkit.TestClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signatures that Santuario cannot even read are rejected with a signature code, not with an
 * unexpected exception. Both cases were found by {@link ResponseFuzzTest}: Santuario's
 * IllegalArgumentException for a SignatureValue that is not base64, and a NullPointerException for
 * a DigestMethod without Algorithm, escaped {@code validate}.
 */
class MalformedSignatureTest {
  @RegisterExtension static FakeEntraExtension fake = FakeEntraExtension.create();

  private Fixture fx;

  @BeforeEach
  void setUp() {
    TestClock clock = fake.clock();
    clock.set(Instant.parse("2026-11-28T09:00:00Z"));
    fx = new Fixture(fake.entra(), clock);
  }

  /** Values java.util.Base64 refuses: a dangling unit, a bad padding, an inner '='. */
  @ParameterizedTest
  @ValueSource(strings = {"A", "AB=C", "QUJD=QUJD", "QQ==="})
  void validateWhenSignatureValueIsNotBase64ThenRejectsWithInvalidSignature(String value) {
    Fixture.Flow flow = fx.start();
    String response =
        fx.respond(flow)
            .with(
                Attack.afterSigning(
                    xml ->
                        xml.replaceFirst(
                            "<SignatureValue>[^<]*</SignatureValue>",
                            "<SignatureValue>" + value + "</SignatureValue>")))
            .build();

    Throwable thrown = catchThrowable(() -> fx.sp.validate(response, flow.pending()));

    assertThat(thrown).isInstanceOf(SamlValidationException.class);
    assertThat(((SamlValidationException) thrown).code()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"A", "QQ==="})
  void fromSignedMetadataWhenSignatureValueIsNotBase64ThenRejectsWithMetadataException(
      String value) {
    String metadata =
        fx.entra
            .metadataXml()
            .replaceFirst(
                "<(\\w+:)?SignatureValue>[^<]*</(\\w+:)?SignatureValue>",
                "<$1SignatureValue>" + value + "</$2SignatureValue>");

    Throwable thrown =
        catchThrowable(
            () ->
                IdentityProvider.fromSignedMetadata(
                    new ByteArrayInputStream(metadata.getBytes(StandardCharsets.UTF_8)),
                    fx.entra.signingCertificate()));

    assertThat(thrown).isInstanceOf(SamlMetadataException.class);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "<DigestMethod [^>]*/> | <DigestMethod/>",
        "<DigestMethod [^>]*/> | <DigestMethod Adgorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>",
        "<DigestMethod [^>]*/> | <DigestMethod Algorithm=\"\"/>",
        "<SignatureMethod [^>]*/> | <SignatureMethod/>",
        "<SignatureMethod [^>]*/> | <SignatureMethod Algorithm=\"\"/>"
      })
  void validateWhenDigestOrSignatureMethodHasNoAlgorithmThenRejectsWithDisallowedSignatureAlgorithm(
      String element, String replacement) {
    Fixture.Flow flow = fx.start();
    String response =
        fx.respond(flow)
            .with(Attack.afterSigning(xml -> xml.replaceFirst(element, replacement)))
            .build();

    Throwable thrown = catchThrowable(() -> fx.sp.validate(response, flow.pending()));

    // No algorithm is not an allowed algorithm, and nothing escapes as an unchecked exception.
    assertThat(thrown).isInstanceOf(SamlValidationException.class);
    assertThat(((SamlValidationException) thrown).code())
        .isEqualTo(ErrorCode.DISALLOWED_SIGNATURE_ALGORITHM);
  }
}
