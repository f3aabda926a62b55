package io.cloudsign.saml.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.examplecontract.RedisServer;
import io.cloudsign.saml.testkit.TestClock;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisSessionRevocations} on a real {@code redis-server} (started by the test, see {@link
 * RedisServer}); two instances are two nodes.
 */
class RedisSessionRevocationsTest {
  private static final String USER = "B.Simon@contoso.com";
  private static RedisServer server;
  private static int test;
  private final TestClock clock = TestClock.at(Instant.parse("2026-12-04T09:00:00Z"));
  private final List<RedisSessionRevocations> nodes = new ArrayList<>();
  private String prefix;

  @BeforeAll
  static void startServer() throws Exception {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void newPrefix() {
    prefix = "revoked" + (++test);
  }

  @AfterEach
  void closeNodes() {
    nodes.forEach(RedisSessionRevocations::close);
  }

  private RedisSessionRevocations node() {
    RedisSessionRevocations r =
        RedisSessionRevocations.builder(server.uri())
            .keyPrefix(prefix)
            .commandTimeout(Duration.ofSeconds(2)) // a first connection on a busy machine
            .clock(clock)
            .build();
    nodes.add(r);
    return r;
  }

  private Instant minutesAgo(int minutes) {
    return clock.instant().minus(Duration.ofMinutes(minutes));
  }

  private static boolean revoked(
      RedisSessionRevocations r, String nameId, String sessionIndex, Instant signedInAt) {
    return r.isRevoked("contoso", nameId, sessionIndex, Optional.ofNullable(signedInAt));
  }

  @Test
  void readmeExampleBuilds() {
    String redisUri = server.uri();
    // README: redis revocations
    RedisSessionRevocations revocations =
        RedisSessionRevocations.builder(redisUri) // the replay cache's Redis will do
            .retention(Duration.ofHours(12)) // above the application's session lifetime
            .build(); // close() it when the application stops
    // README: end redis revocations
    try (revocations) {
      assertThat(revocations.isRevoked("contoso", USER, null, Optional.empty())).isFalse();
    }
  }

  @Test
  void revokeOfEveryUserSessionOnOneNodeEndsThemOnTheOtherButNoOtherUsersOrRegistrations() {
    RedisSessionRevocations a = node();
    RedisSessionRevocations b = node();
    a.revoke("contoso", USER, List.of(), clock.instant());

    assertThat(revoked(b, USER, "_s1", minutesAgo(5))).isTrue();
    assertThat(revoked(b, USER, null, minutesAgo(5))).isTrue();
    assertThat(revoked(b, "Other@contoso.com", "_s1", minutesAgo(5))).isFalse();
    assertThat(b.isRevoked("fabrikam", USER, "_s1", Optional.of(minutesAgo(5)))).isFalse();
  }

  @Test
  void revokeWithSessionIndexesEndsOnlyThoseSessions() {
    RedisSessionRevocations r = node();
    r.revoke("contoso", USER, List.of("_s1", "_s2", "_s1"), clock.instant());

    assertThat(revoked(r, USER, "_s1", minutesAgo(5))).isTrue();
    assertThat(revoked(r, USER, "_s2", minutesAgo(5))).isTrue();
    assertThat(revoked(r, USER, "_s3", minutesAgo(5))).isFalse();
    assertThat(revoked(r, USER, null, minutesAgo(5))).isFalse();
  }

  @Test
  void signInAfterTheLogoutIsNotEndedByItOneAtTheSameInstantIs() {
    RedisSessionRevocations r = node();
    r.revoke("contoso", USER, List.of(), clock.instant());

    assertThat(revoked(r, USER, "_s1", clock.instant().plusMillis(1))).isFalse();
    assertThat(revoked(r, USER, "_s1", clock.instant())).isTrue();
    assertThat(revoked(r, USER, "_s1", null)).as("a session without signedInAt").isTrue();
  }

  @Test
  void revokeKeepsTheLatestInstantWhenAnEarlierOneArrivesLater() {
    RedisSessionRevocations r = node();
    r.revoke("contoso", USER, List.of("_s1"), clock.instant());
    r.revoke("contoso", USER, List.of("_s1"), minutesAgo(30));

    assertThat(revoked(r, USER, "_s1", minutesAgo(10))).isTrue();
  }

  @Test
  void revocationExpiresAfterTheRetentionOnTheNodesClockAndInRedis() {
    RedisSessionRevocations r = node();
    r.revoke("contoso", USER, List.of(), clock.instant());
    try (Raw raw = new Raw()) {
      String key = prefix + ":{contoso}:u:" + RedisSessionRevocations.hash(USER, null);
      assertThat(raw.redis.sync().get(key)).isEqualTo(Long.toString(clock.millis()));
      assertThat(raw.redis.sync().pttl(key))
          .isBetween(
              Duration.ofHours(12).minusMinutes(1).toMillis(), Duration.ofHours(12).toMillis());
    }
    clock.advance(Duration.ofHours(12).minusMillis(1));
    assertThat(revoked(r, USER, "_s1", minutesAgo(13 * 60))).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(revoked(r, USER, "_s1", minutesAgo(13 * 60))).as("retention over").isFalse();
  }

  @Test
  void nameIdsWithSeparatorsDoNotShareAKeyWithAnotherUsersSession() {
    RedisSessionRevocations r = node();
    // With keys joined by a separator, "x\n_s1" (all sessions) would be the key of x's _s1.
    r.revoke("contoso", "x\n_s1", List.of(), clock.instant());
    r.revoke("contoso", "y|1:_s1", List.of(), clock.instant());
    r.revoke("contoso", "z}:u:", List.of(), clock.instant());

    assertThat(revoked(r, "x", "_s1", minutesAgo(5))).isFalse();
    assertThat(revoked(r, "y", "_s1", minutesAgo(5))).isFalse();
    assertThat(revoked(r, "z", null, minutesAgo(5))).isFalse();
    assertThat(revoked(r, "x\n_s1", "_other", minutesAgo(5))).isTrue();
    // Joined with "\n", x's session "y\nz" would be the key of user "x\ny"'s session "z".
    r.revoke("contoso", "x", List.of("y\nz"), clock.instant());
    assertThat(revoked(r, "x\ny", "z", minutesAgo(5))).isFalse();
    assertThat(revoked(r, "x", "y\nz", minutesAgo(5))).isTrue();
  }

  @Test
  void concurrentRevocationsOfOneUserOnTwoNodesKeepTheLatestInstant() throws Exception {
    RedisSessionRevocations a = node();
    RedisSessionRevocations b = node();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> runs = new ArrayList<>();
      // The latest logout is submitted first: a store that keeps the last write loses it.
      for (int i = 0; i < 40; i++) {
        RedisSessionRevocations n = i % 2 == 0 ? a : b;
        Instant at = minutesAgo(1 + i);
        runs.add(
            threads.submit(
                () -> {
                  go.await();
                  n.revoke("contoso", USER, List.of("_s1", "_s2"), at);
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    try (Raw raw = new Raw()) {
      for (String index : List.of("_s1", "_s2")) {
        String key = prefix + ":{contoso}:s:" + RedisSessionRevocations.hash(USER, index);
        assertThat(raw.redis.sync().get(key))
            .isEqualTo(Long.toString(minutesAgo(1).toEpochMilli()));
      }
    }
  }

  @Test
  void whenRedisIsDownBothFailNamingTheServerAndWorkAgainWhenItIsBack() throws Exception {
    RedisSessionRevocations r = node();
    r.revoke("contoso", USER, List.of("_s1"), clock.instant());
    server.stop();
    try {
      assertThatThrownBy(() -> revoked(r, USER, "_s1", minutesAgo(5)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("the session revocations Redis 127.0.0.1:");
      assertThatThrownBy(() -> r.revoke("contoso", USER, List.of("_s2"), clock.instant()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is unavailable");
    } finally {
      server.restart();
    }
    // The same instance, no restart of the application: the next call reconnects.
    assertThat(revoked(r, USER, "_s1", minutesAgo(5))).isTrue();
    assertThat(revoked(r, USER, "_s2", minutesAgo(5)))
        .as("the failed logout wrote nothing")
        .isFalse();
    try (Raw raw = new Raw()) {
      raw.redis.sync().scriptFlush();
    }
    r.revoke("contoso", USER, List.of("_s2"), clock.instant());
    assertThat(revoked(r, USER, "_s2", minutesAgo(5))).as("script loaded again").isTrue();
  }

  @Test
  void builderRejectsOutOfRangeSettingsWithWhatToFix() {
    assertThatThrownBy(() -> RedisSessionRevocations.builder("http://127.0.0.1:6379"))
        .hasMessageContaining("redis://");
    RedisSessionRevocations.Builder b = RedisSessionRevocations.builder("redis://127.0.0.1:1");
    assertThatThrownBy(() -> b.retention(Duration.ofSeconds(59)))
        .hasMessageContaining("retention must be from 1 minute to 366 days");
    assertThatThrownBy(() -> b.keyPrefix("a{b}")).hasMessageContaining("keyPrefix must be");
    assertThatThrownBy(() -> b.commandTimeout(Duration.ofMillis(99)))
        .hasMessageContaining("commandTimeout must be from 100 ms to 30 s");
  }

  /** A plain Lettuce connection to look at what was written. */
  private static final class Raw implements AutoCloseable {
    final RedisClient client = RedisClient.create(server.uri());
    final StatefulRedisConnection<String, String> redis = client.connect();

    @Override
    public void close() {
      redis.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
