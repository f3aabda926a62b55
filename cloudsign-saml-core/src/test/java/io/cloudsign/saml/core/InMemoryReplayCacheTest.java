package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void putIfAbsentWhenKeyIsNewThenAcceptsAndWhenRepeatedThenRefuses() {
    InMemoryReplayCache cache = new InMemoryReplayCache(10, clock);
    Instant expiry = clock.instant().plusSeconds(60);
    assertThat(cache.putIfAbsent("a", expiry)).isTrue();
    assertThat(cache.putIfAbsent("a", expiry)).isFalse();
    assertThat(cache.putIfAbsent("b", expiry)).isTrue();
  }

  @Test
  void putIfAbsentWhenEntryExpiredThenAcceptsTheKeyAgain() {
    InMemoryReplayCache cache = new InMemoryReplayCache(10, clock);
    cache.putIfAbsent("a", clock.instant().plusSeconds(60));
    clock.advance(Duration.ofSeconds(60));
    assertThat(cache.putIfAbsent("a", clock.instant().plusSeconds(60))).isTrue();
  }

  @Test
  void putIfAbsentWhenFullOfLiveEntriesThenFailsClosed() {
    InMemoryReplayCache cache = new InMemoryReplayCache(2, clock);
    Instant expiry = clock.instant().plusSeconds(60);
    cache.putIfAbsent("a", expiry);
    cache.putIfAbsent("b", expiry);
    assertThat(cache.putIfAbsent("c", expiry)).isFalse();
  }

  @Test
  void putIfAbsentWhenFullButEntriesExpiredThenPurgesAndAccepts() {
    InMemoryReplayCache cache = new InMemoryReplayCache(2, clock);
    cache.putIfAbsent("a", clock.instant().plusSeconds(1));
    cache.putIfAbsent("b", clock.instant().plusSeconds(1));
    clock.advance(Duration.ofSeconds(2));
    assertThat(cache.putIfAbsent("c", clock.instant().plusSeconds(60))).isTrue();
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void putIfAbsentWhenManyThreadsRaceOnOneKeyThenExactlyOneWins() throws Exception {
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
                    return cache.putIfAbsent(key, clock.instant().plusSeconds(60));
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
