package io.cloudsign.saml.core;

import io.cloudsign.saml.core.SamlResponse.Assertion;
import io.cloudsign.saml.core.SamlResponse.AuthnStatement;
import io.cloudsign.saml.core.SamlResponse.NameId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.w3c.dom.Element;

/**
 * The state of one Response validation as the rules of {@link ResponseRules#ORDER} fill it in: the
 * input, the policy and the time of the check, then what each rule established (the parsed
 * Response, the pending request it answers and so the registration, the assertion, the time
 * bounds). Failures collect here; a rule that cannot let processing go on throws {@link #stop()}.
 * One instance per call, confined to its thread.
 */
final class Validation {
  final String samlResponse;
  final List<PendingRequest> pending;
  final ValidationPolicy policy;
  final Function<String, Optional<Registration>> registrations;
  final Instant now;
  final Duration skew;
  private final List<ValidationFailure> failures = new ArrayList<>();

  /** Set by the parse rule. */
  SamlResponse response;

  /** The pending request the Response answers; {@code null} when none matches. */
  PendingRequest request;

  /**
   * The registration the checks run against (set by the InResponseTo rule, or validation stops).
   */
  Registration registration;

  /**
   * The one assertion: the plain one (set by the assertion-count rule) or the one the
   * EncryptedAssertion decrypted to (set by the decryption rule, in a document of its own).
   */
  Assertion assertion;

  /** The one EncryptedAssertion, when the Response carries one instead of an Assertion. */
  Element encryptedAssertion;

  /**
   * Whether the Response signature, which covers the EncryptedAssertion, verified before
   * decryption: then the ciphertext is authenticated and failures after decryption may be told
   * apart; otherwise every failure until the decrypted Assertion's signature verified is {@link
   * ErrorCode#DECRYPTION_FAILED}.
   */
  boolean ciphertextAuthenticated;

  /** Conditions NotOnOrAfter, or {@link #now} when absent (a replay-cache bound). */
  Instant notOnOrAfter;

  /** The usable bearer confirmation's NotOnOrAfter, or {@link #now} when there is none. */
  Instant confirmationExpiry;

  NameId nameId;
  AuthnStatement authn;

  Validation(
      String samlResponse,
      List<PendingRequest> pending,
      ValidationPolicy policy,
      Function<String, Optional<Registration>> registrations) {
    this.samlResponse = samlResponse;
    this.pending = pending;
    this.policy = policy;
    this.registrations = registrations;
    this.now = policy.clock().instant();
    this.skew = policy.clockSkew();
    this.notOnOrAfter = now;
    this.confirmationExpiry = now;
  }

  void fail(ErrorCode code, String detail) {
    failures.add(new ValidationFailure(code, detail));
  }

  void fail(ErrorCode code, FailureReason reason, String detail) {
    failures.add(new ValidationFailure(code, reason, detail));
  }

  /** Records a failure that leads the report (signature failures outrank structural ones). */
  void failFirst(ErrorCode code, FailureReason reason, String detail) {
    failures.add(0, new ValidationFailure(code, reason, detail));
  }

  /** Whether the assertion was decrypted from a ciphertext no verified signature covers. */
  boolean decryptedUnauthenticated() {
    return encryptedAssertion != null && assertion != null && !ciphertextAuthenticated;
  }

  boolean failed() {
    return !failures.isEmpty();
  }

  /** The exception that ends validation with every failure found so far. */
  SamlValidationException stop() {
    return new SamlValidationException(failures);
  }

  /** The IdP entity ID of the registration (after the InResponseTo rule). */
  String idpEntityId() {
    return registration.identityProvider().entityId();
  }

  String replyUrl() {
    return registration.replyUrl().toString();
  }

  /** The result, once every rule has passed. */
  VerifiedAssertion verified() {
    if (failed() || assertion == null || nameId == null || authn == null || request == null) {
      throw new IllegalStateException("the rule order did not establish a verified assertion");
    }
    List<String> classRefs = new ArrayList<>(1);
    for (AuthnStatement s : assertion.authnStatements()) {
      if (s.classRef() != null) {
        classRefs.add(s.classRef());
      }
    }
    return new VerifiedAssertion(
        registration.id(),
        idpEntityId(),
        assertion.id(),
        nameId.value(),
        nameId.format(),
        assertion.attributes(),
        authn.sessionIndex(),
        authn.authnInstant(),
        authn.sessionNotOnOrAfter(),
        notOnOrAfter,
        classRefs,
        request.requestId(),
        request.relayState(),
        registration.claimMapping());
  }
}
