package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.Attack.Xsw;
import io.cloudsign.saml.testkit.ResponseBuilder;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * XML Signature Wrapping (Somorovsky et al., "On Breaking SAML", 2012) as SAML Raider builds
 * XSW1–XSW8, each with a changed NameID and with no content change, plus the wrapper, moved
 * signature and "signed something else" variants. Each is stopped by the first rule it meets: a
 * duplicate ID, the assertion count, the Reference URI that must name the signed element, or the
 * missing signature on the assertion that would be read.
 */
class SignatureWrappingAttackTest extends AttackTestSupport {

  private static UnaryOperator<ResponseBuilder> signingFor(Xsw variant) {
    return variant == Xsw.XSW1 || variant == Xsw.XSW2
        ? ResponseBuilder::signResponse
        : ResponseBuilder::signAssertion;
  }

  @ParameterizedTest(name = "{0} with NameID changed -> {1}")
  @CsvSource({
    "XSW1, DUPLICATE_ID",
    "XSW2, DUPLICATE_ID",
    "XSW3, INVALID_ASSERTION_COUNT",
    "XSW4, MISSING_SIGNATURE",
    "XSW5, INVALID_ASSERTION_COUNT",
    "XSW6, INVALID_SIGNATURE",
    "XSW7, DUPLICATE_ID",
    "XSW8, DUPLICATE_ID"
  })
  void validateWhenWrappedWithChangedNameIdThenRejects(Xsw variant, ErrorCode expected) {
    assertThat(rejectedCode(signingFor(variant), b -> b.with(Attack.xsw(variant, EVIL_NAME_ID))))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} without content change -> {1}")
  @CsvSource({
    "XSW1, DUPLICATE_ID",
    "XSW2, DUPLICATE_ID",
    "XSW3, INVALID_ASSERTION_COUNT",
    "XSW4, MISSING_SIGNATURE",
    "XSW5, INVALID_ASSERTION_COUNT",
    "XSW6, INVALID_SIGNATURE",
    "XSW7, DUPLICATE_ID",
    "XSW8, DUPLICATE_ID"
  })
  void validateWhenWrappedWithoutContentChangeThenRejects(Xsw variant, ErrorCode expected) {
    assertThat(rejectedCode(signingFor(variant), b -> b.with(Attack.xsw(variant))))
        .isEqualTo(expected);
  }

  @Test
  void validateWhenXsw1To2AppliedWhileResponseAndAssertionSignedThenRejectsWithDuplicateId() {
    assertThat(
            rejectedCode(
                ResponseBuilder::signResponseAndAssertion,
                b -> b.with(Attack.xsw(Xsw.XSW1, EVIL_NAME_ID))))
        .isEqualTo(ErrorCode.DUPLICATE_ID);
  }

  @Test
  void validateWhenGenuineCopySitsInUnknownWrapperThenRejectsWithInvalidSignature() {
    // The Reference still resolves to digest-matching genuine content; only the rule "the
    // Reference names the element that carries the signature" stops it.
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.xswInUnknownWrapper(EVIL_NAME_ID))))
        .isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void validateWhenGenuineResponseCopySitsInUnknownWrapperThenRejectsWithInvalidSignature() {
    assertThat(
            rejectedCode(
                ResponseBuilder::signResponse,
                b -> b.with(Attack.xswResponseInUnknownWrapper(EVIL_NAME_ID))))
        .isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void validateWhenAssertionSignatureMovedToResponseThenRejectsWithInvalidSignature() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.assertionSignatureMovedToResponse())))
        .isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void validateWhenOnlyTheSubjectIsSignedThenRejectsWithMissingSignature() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.onlySubjectSigned())))
        .isEqualTo(ErrorCode.MISSING_SIGNATURE);
  }

  @Test
  void validateWhenSignedMetadataRidesInExtensionsThenRejectsWithMissingSignature() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.signedMetadataInExtensions())))
        .isEqualTo(ErrorCode.MISSING_SIGNATURE);
  }

  @Test
  void validateWhenSignedLogoutResponseRidesInStatusDetailThenRejectsWithMissingSignature() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.signedLogoutResponseInStatusDetail())))
        .isEqualTo(ErrorCode.MISSING_SIGNATURE);
  }
}
