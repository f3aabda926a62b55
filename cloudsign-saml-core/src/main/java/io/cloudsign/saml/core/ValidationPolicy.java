package io.cloudsign.saml.core;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The service-wide settings every Response rule reads: the clock, the tolerated skew, how old a
 * Response may be, the size limit, the algorithm policy and the replay cache. Built once by {@link
 * ServiceProvider.Builder#build()} from checked values and handed to the validator, which never
 * reads its creator back.
 */
record ValidationPolicy(
    Clock clock,
    Duration clockSkew,
    Duration maxResponseAge,
    int maxResponseChars,
    boolean allowInsecureSha1Signatures,
    ReplayCache replayCache) {
  ValidationPolicy {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(clockSkew, "clockSkew");
    Objects.requireNonNull(maxResponseAge, "maxResponseAge");
    Objects.requireNonNull(replayCache, "replayCache");
  }
}
