package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.Attack.SignatureDefect;
import io.cloudsign.saml.testkit.ResponseBuilder;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Signature exclusion and Reference URI tricks on the Assertion's signature (Entra's default) and
 * on the Response's signature. Variants that change SignedInfo carry a SignatureValue genuinely
 * made with the IdP key over the changed SignedInfo, so only a structural rule can stop them (e.g.
 * {@code URI=""} passes OpenSAML's profile validator: DESIGN §7).
 */
class SignatureExclusionAttackTest extends AttackTestSupport {

  @ParameterizedTest(name = "assertion signature, {0} -> {1}")
  @CsvSource({
    "REMOVED, MISSING_SIGNATURE",
    "NO_SIGNED_INFO, INVALID_SIGNATURE",
    "EMPTY_SIGNATURE_VALUE, INVALID_SIGNATURE",
    "REFERENCE_TO_MISSING_ID, INVALID_SIGNATURE",
    "TWO_SIGNED_INFO, INVALID_SIGNATURE",
    "TWO_SIGNATURE_VALUES, INVALID_SIGNATURE",
    "TWO_REFERENCES, INVALID_SIGNATURE",
    "COMMENT_IN_DIGEST_VALUE, INVALID_SIGNATURE",
    "REFERENCE_URI_XPOINTER_QUOTED, INVALID_SIGNATURE",
    "REFERENCE_URI_WITHOUT_HASH, INVALID_SIGNATURE",
    "REFERENCE_URI_EMPTY, INVALID_SIGNATURE"
  })
  void validateWhenAssertionSignatureIsDefectiveThenRejects(
      SignatureDefect defect, ErrorCode expected) {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.signatureDefect(defect))))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "response signature, {0} -> {1}")
  @CsvSource({
    "REMOVED, MISSING_SIGNATURE",
    "EMPTY_SIGNATURE_VALUE, INVALID_SIGNATURE",
    "REFERENCE_TO_MISSING_ID, INVALID_SIGNATURE",
    "TWO_REFERENCES, INVALID_SIGNATURE",
    "COMMENT_IN_DIGEST_VALUE, INVALID_SIGNATURE",
    "REFERENCE_URI_XPOINTER_QUOTED, INVALID_SIGNATURE",
    "REFERENCE_URI_WITHOUT_HASH, INVALID_SIGNATURE",
    "REFERENCE_URI_EMPTY, INVALID_SIGNATURE"
  })
  void validateWhenResponseSignatureIsDefectiveThenRejects(
      SignatureDefect defect, ErrorCode expected) {
    UnaryOperator<ResponseBuilder> responseOnly = ResponseBuilder::signResponse;
    assertThat(rejectedCode(responseOnly, b -> b.with(Attack.signatureDefect(defect))))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} after KeyInfo")
  @CsvSource(
      delimiter = '|',
      value = {
        "ds:Object | <Object><Assertion xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\"/></Object>",
        "foreign element | <x:Extra xmlns:x=\"urn:example:x\">admin@contoso.com</x:Extra>"
      })
  void validateWhenSignatureCarriesUnsignedContentAfterKeyInfoThenRejectsWithInvalidSignature(
      String what, String element) {
    // SignedInfo does not cover it, so the signature still verifies: only the SAML signature
    // profile (no ds:Object) and the ds:Signature content model stop it.
    assertThat(
            rejectedCode(
                b -> b,
                b ->
                    b.with(
                        Attack.afterSigning(x -> x.replace("</KeyInfo>", "</KeyInfo>" + element)))))
        .isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }
}
