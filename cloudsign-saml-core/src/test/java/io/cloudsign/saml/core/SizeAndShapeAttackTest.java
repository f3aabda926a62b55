package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.Attack;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Size and shape: oversized bodies are refused before decoding; with the size limit raised to its 1
 * MiB maximum, deep nesting and attribute floods are refused by the parser's limits. The timeout
 * only guards against a hang; no test asserts a duration.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SizeAndShapeAttackTest extends AttackTestSupport {
  private static final int TEN_MIB = 10 * 1024 * 1024;
  private static final int MAX_LIMIT = 1024 * 1024;

  private Fixture generous() {
    return new Fixture(FAKE.entra(), clock, b -> b.maxResponseChars(MAX_LIMIT));
  }

  @Test
  void validateWhenBodyIsTenMebibytesThenRejectsWithResponseTooLarge() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.padding(TEN_MIB))))
        .isEqualTo(ErrorCode.RESPONSE_TOO_LARGE);
  }

  @Test
  void validateWhenHundredThousandNestedElementsThenRejectsWithResponseTooLarge() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.nestedElements(100_000))))
        .isEqualTo(ErrorCode.RESPONSE_TOO_LARGE);
  }

  @Test
  void validateWhenFiftyThousandNestedElementsUnderRaisedLimitThenRejectsWithMalformedResponse() {
    assertThat(rejectedCode(generous(), b -> b, b -> b.with(Attack.nestedElements(50_000))))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  @Test
  void validateWhenHundredThousandAttributesThenRejectsWithResponseTooLarge() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.manyAttributes(100_000))))
        .isEqualTo(ErrorCode.RESPONSE_TOO_LARGE);
  }

  @Test
  void validateWhenFiftyThousandAttributesUnderRaisedLimitThenRejectsWithMalformedResponse() {
    assertThat(rejectedCode(generous(), b -> b, b -> b.with(Attack.manyAttributes(50_000))))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  @Test
  void validateWhenKeyInfoCertificateIsOversizedThenRejectsWithResponseTooLarge() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.oversizedKeyInfoCertificate(300_000))))
        .isEqualTo(ErrorCode.RESPONSE_TOO_LARGE);
  }

  @Test
  void validateWhenCipherValueIsOversizedThenRejectsWithResponseTooLarge() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.oversizedCipherValue(300_000))))
        .isEqualTo(ErrorCode.RESPONSE_TOO_LARGE);
  }

  @Test
  void validateWhenCipherValueIsOversizedUnderRaisedLimitThenRejectsWithoutDecrypting() {
    assertThat(rejectedCode(generous(), b -> b, b -> b.with(Attack.oversizedCipherValue(600_000))))
        .isEqualTo(ErrorCode.ENCRYPTED_ASSERTION_NOT_SUPPORTED);
  }
}
