package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.core.ReplayCache.Outcome;
import io.cloudsign.saml.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryReplayCacheTest {
  private final TestClock clock = TestClock.at(Instant.parse("2026-11-28T09:00:00Z"));

  @Test
  void rememberWhenKeyIsNewThenAcceptsAndWhenRepeatedThenRefuses() {
    InMemoryReplayCache cache = new InMemoryReplayCache(10, clock);
    Instant expiry = clock.instant().plusSeconds(60);
    assertThat(cache.remember("r", "a", expiry)).isEqualTo(Outcome.FIRST_USE);
    assertThat(cache.remember("r", "a", expiry)).isEqualTo(Outcome.ALREADY_USED);
    assertThat(cache.remember("r", "b", expiry)).isEqualTo(Outcome.FIRST_USE);
  }

  @Test
  void rememberWhenEntryExpiredThenAcceptsTheKeyAgain() {
    InMemoryReplayCache cache = new InMemoryReplayCache(10, clock);
    cache.remember("r", "a", clock.instant().plusSeconds(60));
    clock.advance(Duration.ofSeconds(60));
    assertThat(cache.remember("r", "a", clock.instant().plusSeconds(60)))
        .isEqualTo(Outcome.FIRST_USE);
  }

  @Test
  void rememberWhenFullOfLiveEntriesThenFailsClosed() {
    InMemoryReplayCache cache = new InMemoryReplayCache(2, clock);
    Instant expiry = clock.instant().plusSeconds(60);
    cache.remember("r", "a", expiry);
    cache.remember("r", "b", expiry);
    assertThat(cache.remember("r", "c", expiry)).isEqualTo(Outcome.FULL);
  }

  @Test
  void rememberWhenFullButEntriesExpiredThenPurgesAndAccepts() {
    InMemoryReplayCache cache = new InMemoryReplayCache(2, clock);
    cache.remember("r", "a", clock.instant().plusSeconds(1));
    cache.remember("r", "b", clock.instant().plusSeconds(1));
    clock.advance(Duration.ofSeconds(2));
    assertThat(cache.remember("r", "c", clock.instant().plusSeconds(60)))
        .isEqualTo(Outcome.FIRST_USE);
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void rememberWhenManyThreadsRaceOnOneKeyThenExactlyOneWins() throws Exception {
    InMemoryReplayCache cache = new InMemoryReplayCache(1000, clock);
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 50; round++) {
        String key = "k" + round;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return cache.remember("r", key, clock.instant().plusSeconds(60))
                        == Outcome.FIRST_USE;
                  }));
        }
        start.countDown();
        int winners = 0;
        for (Future<Boolean> f : results) {
          winners += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(winners).as("round %d", round).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void constructorWhenCapacityIsZeroThenRejects() {
    assertThatThrownBy(() -> new InMemoryReplayCache(0, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
  }
}
