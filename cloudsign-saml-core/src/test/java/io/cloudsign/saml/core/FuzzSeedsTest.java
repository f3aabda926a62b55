package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fuzz targets' fixed world still fits the stored seeds: genuine seeds are accepted (so
 * mutations of them reach every rule, not only the signature check) and hostile ones are rejected
 * with their code. If this fails, regenerate the seeds with {@link FuzzSeeds}.
 */
class FuzzSeedsTest {
  private static String seed(String name) {
    return Base64.getEncoder()
        .encodeToString(FuzzFixture.resource("../ResponseFuzzTestInputs/validateXml/" + name));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "assertion-signed.xml",
        "response-signed.xml",
        "response-and-assertion-signed.xml",
        "groups-and-roles.xml",
        "ec-assertion-signed.xml"
      })
  void validateWhenGenuineSeedThenAccepts(String name) throws Exception {
    VerifiedAssertion a = FuzzFixture.SP.validate(seed(name), FuzzFixture.PENDING);
    assertThat(a.registrationId()).isEqualTo(FuzzFixture.REGISTRATION);
  }

  @ParameterizedTest
  @CsvSource({
    "tampered.xml, INVALID_SIGNATURE",
    "unsigned.xml, MISSING_SIGNATURE",
    "sha1.xml, DISALLOWED_SIGNATURE_ALGORITHM",
    "two-assertions.xml, INVALID_ASSERTION_COUNT",
    "expired.xml, EXPIRED",
    "unknown-condition.xml, UNSUPPORTED_CONDITION",
    "error-status.xml, IDP_ERROR_STATUS",
    "encrypted.xml, ENCRYPTED_ASSERTION_NOT_SUPPORTED",
    "ec-empty-signature-value.xml, INVALID_SIGNATURE",
    "ec-short-signature-value.xml, INVALID_SIGNATURE"
  })
  void validateWhenHostileSeedThenRejectsWithItsCode(String name, ErrorCode code) {
    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class,
            () -> FuzzFixture.SP.validate(seed(name), FuzzFixture.PENDING));
    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(code);
  }

  @ParameterizedTest
  @ValueSource(strings = {"entra-signed.xml", "entra-bom.xml"})
  void fromSignedMetadataWhenSeedThenVerifiesWithTheFixtureSigner(String name) throws Exception {
    byte[] xml = FuzzFixture.resource("../MetadataFuzzTestInputs/parseMetadata/" + name);
    IdentityProvider idp =
        IdentityProvider.fromSignedMetadata(
            new java.io.ByteArrayInputStream(xml), FuzzFixture.SIGNER);
    assertThat(idp.entityId()).isEqualTo(FuzzFixture.IDP.entityId());
  }
}
