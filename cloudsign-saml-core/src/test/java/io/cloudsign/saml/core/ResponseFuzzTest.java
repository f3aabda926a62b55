package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Jazzer fuzz targets on the validator's entry point, {@link ServiceProvider#validate(String,
 * PendingRequest)}: whatever arrives in the form field, only {@link SamlValidationException} may
 * escape, within the per-input time bound, and an accepted Response carries a NameID that the fake
 * Entra signed (no input built by mutation may forge an identity).
 *
 * <p>{@code mvn verify} replays the seeds and the stored corpus in {@code
 * src/test/resources/io/cloudsign/saml/core/ResponseFuzzTestInputs/<method>/} (regression mode);
 * {@code -Pfuzz} fuzzes each target for real (see the parent POM).
 */
class ResponseFuzzTest {
  /** NameIDs of the seed Responses: the only identities a mutation may ever be accepted with. */
  private static final Set<String> SIGNED_NAME_IDS =
      Set.of("B.Simon@contoso.com", "alice@contoso.com");

  /**
   * The input is Response XML (seeded with genuine, freshly signed Entra-shaped Responses and
   * hostile variants), posted base64-encoded as a browser would.
   */
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest(maxDuration = "3m")
  void validateXml(byte[] xml) {
    validate(Base64.getEncoder().encodeToString(xml));
  }

  /** The input is the raw {@code SAMLResponse} form value (base64, possibly wrapped or broken). */
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest(maxDuration = "3m")
  void validateFormValue(byte[] formValue) {
    validate(new String(formValue, StandardCharsets.ISO_8859_1));
  }

  private static void validate(String samlResponse) {
    VerifiedAssertion verified;
    try {
      verified = FuzzFixture.SP.validate(samlResponse, FuzzFixture.PENDING);
    } catch (SamlValidationException e) {
      assertThat(e.code()).isNotNull();
      assertThat(e.failures()).isNotEmpty();
      return;
    }
    assertThat(verified.nameId()).isIn(SIGNED_NAME_IDS);
    assertThat(verified.issuer()).isEqualTo(FuzzFixture.IDP.entityId());
  }
}
