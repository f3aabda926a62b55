package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.core.ReplayCache.Outcome;
import io.cloudsign.saml.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The smallest legal {@link InMemoryReplayCache} (capacity 1) works and fails closed. */
class ReplayCacheCapacityTest {
  private final TestClock clock = TestClock.at(Instant.parse("2026-11-28T09:00:00Z"));

  @Test
  void rememberWhenCapacityIsOneThenHoldsOneLiveKeyAndRefusesASecond() {
    InMemoryReplayCache cache = new InMemoryReplayCache(1, clock);
    Instant later = clock.instant().plus(Duration.ofMinutes(5));

    assertThat(cache.remember("r", "a", later)).isEqualTo(Outcome.FIRST_USE);
    assertThat(cache.remember("r", "b", later)).isEqualTo(Outcome.FULL);
    assertThat(cache.size()).isEqualTo(1);
  }
}
