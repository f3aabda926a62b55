package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.Attack.Transform;
import io.cloudsign.saml.testkit.ResponseBuilder;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Transforms other than enveloped-signature + exclusive c14n, in a SignedInfo genuinely signed with
 * the IdP key (the worst case). The XSLT stylesheet would fetch the loopback canary; the
 * XPath-Filter2 variant subtracts the NameID from the digest and changes it, so it verifies for a
 * verifier that runs the transform. The profile rule rejects all of them before any transform runs.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TransformAttackTest extends AttackTestSupport {
  private static final String ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
  private static final String EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";

  private Canary canary;

  @BeforeEach
  void openCanary() throws IOException {
    canary = new Canary();
  }

  @AfterEach
  void closeCanary() throws IOException {
    canary.close();
  }

  @ParameterizedTest
  @EnumSource(Transform.class)
  void validateWhenAssertionReferenceHasExtraTransformThenRejectsWithInvalidSignature(
      Transform transform) throws IOException {
    assertThat(
            rejectedCode(b -> b, b -> b.with(Attack.extraTransform(transform, canary.url("xslt")))))
        .isEqualTo(ErrorCode.INVALID_SIGNATURE);
    assertThat(canary.connections()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Transform.class)
  void validateWhenResponseReferenceHasExtraTransformThenRejectsWithInvalidSignature(
      Transform transform) throws IOException {
    assertThat(
            rejectedCode(
                ResponseBuilder::signResponse,
                b -> b.with(Attack.extraTransform(transform, canary.url("xslt")))))
        .isEqualTo(ErrorCode.INVALID_SIGNATURE);
    assertThat(canary.connections()).isZero();
  }

  @Test
  void validateWhenReferenceRepeatsExclusiveC14nThenRejectsWithInvalidSignature() {
    // Three transforms that digest exactly as Entra's two, re-signed with the IdP key: only the
    // profile's "at most two transforms" stops it (Santuario alone would accept it).
    assertThat(
            rejectedCode(
                b -> b, b -> b.with(Attack.referenceTransforms(ENVELOPED, EXC_C14N, EXC_C14N))))
        .isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void validateWhenReferenceUsesExclusiveC14nWithCommentsThenAccepts() {
    // Allowed by the SAML profile; verified by Santuario's general path, not the Entra fast path.
    VerifiedAssertion a =
        acceptedWith(
            b -> b, b -> b.with(Attack.referenceTransforms(ENVELOPED, EXC_C14N + "WithComments")));
    assertThat(a.nameId()).isEqualTo("B.Simon@contoso.com");
  }
}
