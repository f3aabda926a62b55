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
      if (v.decryptedUnauthenticated()) {
        throw DecryptionRule.uniform(v);
      }
      v.failFirst(
          ErrorCode.MISSING_SIGNATURE,
          FailureReason.NONE,
          "neither the Response nor the Assertion is signed");
      throw v.stop();
    }
    strayedSignatures(v, v.response.element());
    if (v.assertion.element().getOwnerDocument() != v.response.element().getOwnerDocument()) {
      strayedSignatures(v, v.assertion.element()); // decrypted: a document of its own
    }
    Failed failed = verifyWithRefresh(v, true);
    if (failed != null) {
      report(v, failed);
    }
  }

  /**
   * Before decryption: the Response signature, which covers the EncryptedAssertion, verifies (so
   * nothing unauthenticated is decrypted). Reported as any signature failure: no plaintext is
   * involved yet.
   */
  static void responseBeforeDecryption(Validation v) throws SamlValidationException {
    strayedSignatures(v, v.response.element());
    Failed failed = verifyWithRefresh(v, false);
    if (failed != null) {
      report(v, failed);
    }
  }

  private static Failed verifyWithRefresh(Validation v, boolean withAssertion) {
    // Looked up now, not at start-up: the source may have refreshed its certificates.
    KeySource source = v.registration.keySource();
    TrustedKeys trusted = source.current();
    Failed failed = verify(v, trusted, withAssertion);
    if (failed != null && failed.result().outcome() == SignatureVerifier.Outcome.NOT_VERIFIED) {
      // Signed by a key we do not trust (yet): the IdP may have activated a new certificate.
      // Every signature is checked again against the new set, never a mix of the two.
      TrustedKeys fresh = source.refreshAfterUnknownKey(trusted);
      if (fresh != trusted) {
        trusted = fresh;
        failed = verify(v, fresh, withAssertion);
      }
    }
    return failed == null ? null : failed.with(trusted);
  }

  /** What did not verify: which signature, why, and against which trusted set. */
  private record Failed(
      String where, Element signed, SignatureVerifier.Result result, TrustedKeys trusted) {
    Failed with(TrustedKeys keys) {
      return new Failed(where, signed, result, keys);
    }
  }

  /** Checks every signature present against {@code trusted}; the first failure, or null. */
  private static Failed verify(Validation v, TrustedKeys trusted, boolean withAssertion) {
    SignatureVerifier verifier = trusted.verifier(v.policy.allowInsecureSha1Signatures());
    if (v.response.signed()) {
      Failed f = check(verifier, "Response", v.response.element());
      if (f != null) {
        return f;
      }
    }
    return withAssertion && v.assertion.signed()
        ? check(verifier, "Assertion", v.assertion.element())
        : null;
  }

  /**
   * A signature counts only as a direct child of the Response or of its Assertion; one anywhere
   * else (in Extensions, Status, Advice, an attribute value) is refused rather than ignored, so no
   * later reader can take it for the one that verified (ruby-saml's 2024 fix took the same line).
   */
  private static void strayedSignatures(Validation v, Element root) throws SamlValidationException {
    NodeList all = root.getElementsByTagNameNS(SamlDom.DSIG_NS, "Signature");
    Element assertion = v.assertion == null ? null : v.assertion.element();
    for (int i = 0; i < all.getLength(); i++) {
      Node parent = all.item(i).getParentNode();
      if (parent != v.response.element() && parent != assertion) {
        if (v.decryptedUnauthenticated()) {
          throw DecryptionRule.uniform(v);
        }
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

  private static Failed check(SignatureVerifier verifier, String where, Element signed) {
    SignatureVerifier.Result r = verifier.verify(signed);
    return r.outcome() == SignatureVerifier.Outcome.VALID
        ? null
        : new Failed(where, signed, r, null);
  }

  private static void report(Validation v, Failed failed) throws SamlValidationException {
    if (v.decryptedUnauthenticated()) {
      throw DecryptionRule.uniform(v);
    }
    SignatureVerifier.Result r = failed.result();
    String detail = failed.where() + " signature: " + r.reason();
    if (r.outcome() == SignatureVerifier.Outcome.NOT_VERIFIED) {
      detail += RolloverDiagnosis.of(failed.signed(), failed.trusted().certificates());
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
