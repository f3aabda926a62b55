package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.Attack.Container;
import io.cloudsign.saml.testkit.ResponseBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactly one Assertion, a direct child of the Response, and only it counts: an extra assertion in
 * any order, a genuine assertion hidden in Advice/Extensions/StatusDetail behind an unsigned one,
 * an EncryptedAssertion next to a plain one, junk around the root and two roots.
 */
class AssertionCountAttackTest extends AttackTestSupport {

  @ParameterizedTest(name = "unsigned before the signed one: {0}")
  @ValueSource(booleans = {true, false})
  void validateWhenUnsignedAssertionNextToSignedThenRejectsWithInvalidAssertionCount(
      boolean before) {
    assertThat(
            rejectedCode(
                b -> b,
                b ->
                    b.with(
                        before
                            ? Attack.unsignedAssertionBefore(EVIL_NAME_ID)
                            : Attack.unsignedAssertionAfter(EVIL_NAME_ID))))
        .isEqualTo(ErrorCode.INVALID_ASSERTION_COUNT);
  }

  @ParameterizedTest(name = "unsigned before the signed one: {0}")
  @ValueSource(booleans = {true, false})
  void validateWhenUnsignedAssertionNextToSignedResponseThenRejectsWithInvalidAssertionCount(
      boolean before) {
    assertThat(
            rejectedCode(
                ResponseBuilder::signResponse,
                b ->
                    b.with(
                        before
                            ? Attack.unsignedAssertionBefore(EVIL_NAME_ID)
                            : Attack.unsignedAssertionAfter(EVIL_NAME_ID))))
        .isEqualTo(ErrorCode.INVALID_ASSERTION_COUNT);
  }

  @Test
  void validateWhenTwoSignedAssertionsThenRejectsWithInvalidAssertionCount() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.twoAssertions())))
        .isEqualTo(ErrorCode.INVALID_ASSERTION_COUNT);
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void validateWhenGenuineAssertionHiddenBehindUnsignedOneThenRejectsWithMissingSignature(
      Container container) {
    assertThat(
            rejectedCode(b -> b, b -> b.with(Attack.genuineAssertionIn(container, EVIL_NAME_ID))))
        .isEqualTo(ErrorCode.MISSING_SIGNATURE);
  }

  @ParameterizedTest
  @EnumSource(
      value = Container.class,
      names = {"EXTENSIONS", "STATUS_DETAIL"})
  void validateWhenUnsignedAssertionInExtensionOrStatusDetailThenIgnoresIt(Container container) {
    VerifiedAssertion a =
        acceptedWith(b -> b, b -> b.with(Attack.extraAssertionIn(container, EVIL_NAME_ID)));
    assertThat(a.nameId())
        .isNotEqualTo(EVIL_NAME_ID)
        .isEqualTo(FAKE.entra().users().get(0).nameId());
  }

  @Test
  void validateWhenUnsignedAssertionAddedToSignedAdviceThenRejectsWithInvalidSignature() {
    assertThat(
            rejectedCode(
                b -> b, b -> b.with(Attack.extraAssertionIn(Container.ADVICE, EVIL_NAME_ID))))
        .isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void validateWhenEncryptedAssertionNextToPlainThenRejectsWithInvalidAssertionCount() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.encryptedAssertionNextToPlain())))
        .isEqualTo(ErrorCode.INVALID_ASSERTION_COUNT);
  }

  @Test
  void validateWhenJunkBeforeRootThenRejectsWithMalformedResponse() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.junkBeforeRoot())))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  @Test
  void validateWhenJunkAfterRootThenRejectsWithMalformedResponse() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.junkAfterRoot())))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  @Test
  void validateWhenTwoRootsThenRejectsWithMalformedResponse() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.secondRoot())))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }
}
