package io.cloudsign.saml.core;

import io.cloudsign.saml.core.ReplayCache.Outcome;
import io.cloudsign.saml.core.internal.LogSafe;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay rule, last, so that a rejected Response never uses anything up: the AuthnRequest ID is
 * consumed (one Response per request, also when the same state cookie is sent again) and the
 * assertion ID is used (SAML Profiles §4.1.4.5). Both are remembered in the registration's
 * partition of the {@link ReplayCache} only while they could still be accepted. A full or
 * unreachable cache refuses the sign-in (fail closed) and logs at ERROR: it needs an operator.
 */
final class ReplayRule {
  private static final Logger log = LoggerFactory.getLogger(ReplayCache.class);

  private ReplayRule() {}

  static void replay(Validation v) throws SamlValidationException {
    String partition = v.registration.id();
    check(
        v,
        partition,
        "assertion\n" + v.idpEntityId() + "\n" + v.assertion.id(),
        assertionUntil(v),
        ErrorCode.REPLAYED_ASSERTION,
        () -> "assertion " + LogSafe.text(v.assertion.id()) + " was already used");
    // A request can be answered once, and only until it expires.
    check(
        v,
        partition,
        "request\n" + v.request.requestId(),
        v.request.expiresAt().plus(v.skew),
        ErrorCode.UNKNOWN_IN_RESPONSE_TO,
        () ->
            "the AuthnRequest "
                + v.request.requestId()
                + " was already answered (request state sent again)");
  }

  /**
   * The earliest instant after which the assertion cannot be accepted: its signed IssueInstant plus
   * the maximum age and skew, or its NotOnOrAfter bounds (plus skew) when earlier. An IdP-chosen
   * NotOnOrAfter a century away does not keep an entry for a century.
   */
  static Instant assertionUntil(Validation v) {
    Instant conditions =
        (v.confirmationExpiry.isAfter(v.notOnOrAfter) ? v.confirmationExpiry : v.notOnOrAfter)
            .plus(v.skew);
    Instant age = v.assertion.issueInstant().plus(v.policy.maxResponseAge()).plus(v.skew);
    return age.isBefore(conditions) ? age : conditions;
  }

  private static void check(
      Validation v,
      String partition,
      String id,
      Instant keepUntil,
      ErrorCode usedCode,
      Supplier<String> used)
      throws SamlValidationException {
    Outcome outcome;
    try {
      outcome = v.policy.replayCache().remember(partition, id, keepUntil);
    } catch (RuntimeException e) {
      log.error(
          "replay cache unavailable; refusing the sign-in of registration {}: {}",
          partition,
          LogSafe.text(String.valueOf(e.getMessage())));
      throw new SamlValidationException(
          ErrorCode.REPLAY_CACHE_UNAVAILABLE, "the replay cache failed: " + e.getClass().getName());
    }
    switch (outcome) {
      case FIRST_USE -> {}
      case ALREADY_USED -> throw new SamlValidationException(usedCode, used.get());
      case FULL -> {
        log.error(
            "replay cache full for registration {}; refusing sign-ins until entries expire",
            partition);
        throw new SamlValidationException(
            ErrorCode.REPLAY_CACHE_FULL,
            "the replay cache of registration " + partition + " is full");
      }
    }
  }
}
