package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.LogSafe;
import io.cloudsign.saml.core.internal.SamlDom;
import io.cloudsign.saml.core.internal.SignatureVerifier;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The signature rule: every signature present (on the Response, on the Assertion) verifies with a
 * certificate the registration's {@link KeySource} trusts now, and at least one covers the
 * assertion. KeyInfo in the message is never trusted. A failure stops processing and leads the
 * report: nothing an unauthenticated assertion says is worth reporting.
 */
final class SignatureRule {
  private SignatureRule() {}

  static void signatures(Validation v) throws SamlValidationException {
    boolean responseSigned = v.response.signed();
    boolean assertionSigned = v.assertion.signed();
    if (!responseSigned && !assertionSigned) {
      v.failFirst(
          ErrorCode.MISSING_SIGNATURE,
          FailureReason.NONE,
          "neither the Response nor the Assertion is signed");
      throw v.stop();
    }
    strayedSignatures(v);
    // Looked up now, not at start-up: the source may have refreshed its certificates.
    TrustedKeys trusted = v.registration.keySource().current();
    SignatureVerifier verifier = trusted.verifier(v.policy.allowInsecureSha1Signatures());
    if (responseSigned) {
      check(v, verifier, trusted, "Response", v.response.element());
    }
    if (assertionSigned) {
      check(v, verifier, trusted, "Assertion", v.assertion.element());
    }
  }

  /**
   * A signature counts only as a direct child of the Response or of its Assertion; one anywhere
   * else (in Extensions, Status, Advice, an attribute value) is refused rather than ignored, so no
   * later reader can take it for the one that verified (ruby-saml's 2024 fix took the same line).
   */
  private static void strayedSignatures(Validation v) throws SamlValidationException {
    NodeList all = v.response.element().getElementsByTagNameNS(SamlDom.DSIG_NS, "Signature");
    for (int i = 0; i < all.getLength(); i++) {
      Node parent = all.item(i).getParentNode();
      if (parent != v.response.element() && parent != v.assertion.element()) {
        v.failFirst(
            ErrorCode.INVALID_SIGNATURE,
            FailureReason.STRAY_SIGNATURE,
            "a ds:Signature inside "
                + LogSafe.text(parent.getNodeName())
                + " (only the Response and its Assertion may be signed)");
        throw v.stop();
      }
    }
  }

  private static void check(
      Validation v, SignatureVerifier verifier, TrustedKeys trusted, String where, Element signed)
      throws SamlValidationException {
    SignatureVerifier.Result r = verifier.verify(signed);
    if (r.outcome() == SignatureVerifier.Outcome.VALID) {
      return;
    }
    String detail = where + " signature: " + r.reason();
    if (r.outcome() == SignatureVerifier.Outcome.NOT_VERIFIED) {
      detail += RolloverDiagnosis.of(signed, trusted.certificates());
    }
    if (r.outcome() == SignatureVerifier.Outcome.DISALLOWED_ALGORITHM) {
      v.failFirst(ErrorCode.DISALLOWED_SIGNATURE_ALGORITHM, FailureReason.NONE, detail);
    } else {
      v.failFirst(ErrorCode.INVALID_SIGNATURE, reason(r.outcome()), detail);
    }
    throw v.stop();
  }

  private static FailureReason reason(SignatureVerifier.Outcome outcome) {
    return switch (outcome) {
      case NOT_VERIFIED -> FailureReason.SIGNATURE_NOT_VERIFIED;
      case REFERENCE_MISMATCH -> FailureReason.REFERENCE_MISMATCH;
      case DUPLICATE_SIGNATURE -> FailureReason.DUPLICATE_SIGNATURE;
      case PROFILE_VIOLATION -> FailureReason.SIGNATURE_PROFILE;
      case UNREADABLE -> FailureReason.UNREADABLE_SIGNATURE;
      case VALID, DISALLOWED_ALGORITHM -> throw new IllegalArgumentException(outcome.name());
    };
  }
}
