package io.cloudsign.saml.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.core.ErrorCode;
import io.cloudsign.saml.core.IdentityProvider;
import io.cloudsign.saml.core.PendingRequest;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ReplayCache;
import io.cloudsign.saml.core.ReplayCache.Outcome;
import io.cloudsign.saml.core.SamlValidationException;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.core.SignInRequest;
import io.cloudsign.saml.examplecontract.RedisServer;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestClock;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * {@link RedisReplayCache} on a real {@code redis-server} (started by the test, see {@link
 * RedisServer}); two caches are two nodes.
 */
class RedisReplayCacheTest {
  private static RedisServer server;
  private final TestClock clock = TestClock.at(Instant.parse("2026-11-28T09:00:00Z"));
  private final List<RedisReplayCache> caches = new ArrayList<>();
  private static int test;
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
    prefix = "test" + (++test);
  }

  @AfterEach
  void closeCaches() {
    caches.forEach(RedisReplayCache::close);
  }

  private RedisReplayCache node() {
    return node(b -> b);
  }

  private RedisReplayCache node(
      java.util.function.UnaryOperator<RedisReplayCache.Builder> options) {
    RedisReplayCache cache =
        options
            .apply(
                RedisReplayCache.builder(server.uri())
                    .keyPrefix(prefix)
                    .commandTimeout(Duration.ofMillis(500))
                    .clock(clock))
            .build();
    caches.add(cache);
    return cache;
  }

  private Instant inAMinute() {
    return clock.instant().plusSeconds(60);
  }

  @Test
  void readmeExampleBuilds() {
    String redisUri = server.uri();
    // README: redis
    RedisReplayCache replayCache =
        RedisReplayCache.builder(redisUri) // redis://redis.example:6379/0, rediss:// for TLS
            .commandTimeout(Duration.ofSeconds(2)) // each command and each connection attempt
            .capacityPerPartition(100_000) // unexpired entries per registration
            .build(); // close() it when the application stops
    // README: end redis
    try (replayCache) {
      assertThat(replayCache.remember("contoso", "_readme" + prefix, Instant.now().plusSeconds(5)))
          .isEqualTo(Outcome.FIRST_USE);
    }
  }

  @Test
  void rememberWhenSecondNodeSeesSameIdThenRefusesIt() {
    RedisReplayCache a = node();
    RedisReplayCache b = node();
    assertThat(a.remember("contoso", "_a", inAMinute())).isEqualTo(Outcome.FIRST_USE);
    assertThat(b.remember("contoso", "_a", inAMinute())).isEqualTo(Outcome.ALREADY_USED);
    assertThat(a.remember("contoso", "_a", inAMinute())).isEqualTo(Outcome.ALREADY_USED);
    assertThat(b.remember("contoso", "_b", inAMinute())).isEqualTo(Outcome.FIRST_USE);
  }

  @Test
  void rememberWhenSameIdInAnotherPartitionThenBothAreFirstUse() {
    RedisReplayCache cache = node();
    assertThat(cache.remember("contoso", "_a", inAMinute())).isEqualTo(Outcome.FIRST_USE);
    assertThat(cache.remember("fabrikam", "_a", inAMinute())).isEqualTo(Outcome.FIRST_USE);
    assertThat(cache.remember("fabrikam", "_a", inAMinute())).isEqualTo(Outcome.ALREADY_USED);
  }

  @Test
  void rememberWhenEntryExpiredThenAcceptsTheIdAgain() {
    RedisReplayCache cache = node();
    cache.remember("contoso", "_a", inAMinute());
    clock.advance(Duration.ofSeconds(59));
    assertThat(cache.remember("contoso", "_a", inAMinute())).isEqualTo(Outcome.ALREADY_USED);
    clock.advance(Duration.ofSeconds(1));
    assertThat(cache.remember("contoso", "_a", inAMinute())).isEqualTo(Outcome.FIRST_USE);
    assertThat(cache.remember("contoso", "_a", inAMinute())).isEqualTo(Outcome.ALREADY_USED);
  }

  @Test
  void rememberThenKeysAreHashTaggedPerRegistrationAndExpireInRedis() {
    node().remember("contoso", "_a", inAMinute());
    try (Raw raw = new Raw()) {
      String key = prefix + ":{contoso}:" + RedisReplayCache.sha256("_a");
      assertThat(raw.redis.sync().pttl(key)).isBetween(59_000L, 60_000L);
      assertThat(raw.redis.sync().zcard(prefix + ":{contoso}:index")).isEqualTo(1);
      assertThat(raw.redis.sync().pttl(prefix + ":{contoso}:index")).isPositive();
    }
  }

  @Test
  void rememberWhenTwoNodesRaceOnOneIdThenExactlyOneWins() throws Exception {
    RedisReplayCache a = node();
    RedisReplayCache b = node();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 100; round++) {
        String id = "_race" + round;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Outcome>> outcomes = new ArrayList<>();
        for (RedisReplayCache n : List.of(a, b)) {
          outcomes.add(
              threads.submit(
                  () -> {
                    go.await();
                    return n.remember("contoso", id, inAMinute());
                  }));
        }
        go.countDown();
        List<Outcome> got = new ArrayList<>();
        for (Future<Outcome> f : outcomes) {
          got.add(f.get(30, TimeUnit.SECONDS));
        }
        assertThat(got)
            .as("round %d", round)
            .containsExactlyInAnyOrder(Outcome.FIRST_USE, Outcome.ALREADY_USED);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void rememberWhenPartitionFullThenFullUntilEntriesExpireAndOtherPartitionsUnaffected() {
    RedisReplayCache cache = node(b -> b.capacityPerPartition(2));
    assertThat(cache.remember("contoso", "_1", inAMinute())).isEqualTo(Outcome.FIRST_USE);
    clock.advance(Duration.ofSeconds(10));
    assertThat(cache.remember("contoso", "_2", inAMinute())).isEqualTo(Outcome.FIRST_USE);
    assertThat(cache.remember("contoso", "_3", inAMinute())).isEqualTo(Outcome.FULL);
    assertThat(cache.remember("contoso", "_1", inAMinute())).isEqualTo(Outcome.ALREADY_USED);
    assertThat(cache.remember("fabrikam", "_3", inAMinute())).isEqualTo(Outcome.FIRST_USE);
    clock.advance(Duration.ofSeconds(50)); // "_1" expired, "_2" not
    assertThat(cache.remember("contoso", "_3", inAMinute())).isEqualTo(Outcome.FIRST_USE);
    assertThat(cache.remember("contoso", "_4", inAMinute())).isEqualTo(Outcome.FULL);
  }

  @Test
  void rememberWhenScriptsFlushedThenLoadsTheScriptAgain() {
    RedisReplayCache cache = node();
    assertThat(cache.remember("contoso", "_a", inAMinute())).isEqualTo(Outcome.FIRST_USE);
    try (Raw raw = new Raw()) {
      raw.redis.sync().scriptFlush();
    }
    assertThat(cache.remember("contoso", "_a", inAMinute())).isEqualTo(Outcome.ALREADY_USED);
    assertThat(cache.remember("contoso", "_b", inAMinute())).isEqualTo(Outcome.FIRST_USE);
  }

  @Test
  void rememberWhenServerDownThenFailsClosedInMillisecondsAndRecoversWhenItIsBack()
      throws Exception {
    RedisReplayCache cache = node();
    assertThat(cache.remember("contoso", "_before", inAMinute())).isEqualTo(Outcome.FIRST_USE);
    server.stop();
    try {
      for (int attempt = 0; attempt < 3; attempt++) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> cache.remember("contoso", "_during", inAMinute()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("refusing the sign-in");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      }
    } finally {
      server.restart();
    }
    // The same cache, no restart of the application: the next call reconnects.
    assertThat(cache.remember("contoso", "_during", inAMinute())).isEqualTo(Outcome.FIRST_USE);
    assertThat(cache.remember("contoso", "_before", inAMinute())).isEqualTo(Outcome.ALREADY_USED);
  }

  @Test
  void rememberWhenServerHangsThenFailsClosedWithinTheCommandTimeout() throws Exception {
    RedisReplayCache cache = node();
    assertThat(cache.remember("contoso", "_before", inAMinute())).isEqualTo(Outcome.FIRST_USE);
    server.pause();
    try {
      long start = System.nanoTime();
      assertThatThrownBy(() -> cache.remember("contoso", "_during", inAMinute()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("RedisCommandTimeoutException");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took)
          .isGreaterThanOrEqualTo(Duration.ofMillis(450))
          .isLessThan(Duration.ofSeconds(3));
      start = System.nanoTime();
      // the next call tries a new connection: the frozen server's kernel accepts it, the command
      // times out again
      assertThatThrownBy(() -> cache.remember("contoso", "_during", inAMinute()))
          .isInstanceOf(IllegalStateException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    } finally {
      server.resume();
    }
    // The timed-out command still ran once Redis woke up: a refused sign-in may have used its id
    // up (fail closed), never the other way round.
    assertThat(cache.remember("contoso", "_during", inAMinute())).isEqualTo(Outcome.ALREADY_USED);
    assertThat(cache.remember("contoso", "_after", inAMinute())).isEqualTo(Outcome.FIRST_USE);
  }

  @Test
  void rememberWhenServerCrashesAndRestartsThenNothingIsAcceptedTwice() throws Exception {
    RedisReplayCache cache = node();
    for (int i = 0; i < 20; i++) {
      assertThat(cache.remember("contoso", "_" + i, inAMinute())).isEqualTo(Outcome.FIRST_USE);
    }
    server.crash(); // SIGKILL; appendfsync always: every answered write is on disk
    server.restart();
    RedisReplayCache otherNode = node();
    for (int i = 0; i < 20; i++) {
      assertThat(otherNode.remember("contoso", "_" + i, inAMinute()))
          .as("entry %d after the crash", i)
          .isEqualTo(Outcome.ALREADY_USED);
      assertThat(cache.remember("contoso", "_" + i, inAMinute()))
          .as("entry %d on the first node", i)
          .isEqualTo(Outcome.ALREADY_USED);
    }
  }

  @Test
  void rememberWhenCacheClosedThenThrows() {
    RedisReplayCache cache = node();
    cache.remember("contoso", "_a", inAMinute());
    cache.close();
    assertThatThrownBy(() -> cache.remember("contoso", "_b", inAMinute()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void builderWhenSettingsOutOfRangeThenRejectsWithWhatToFix() {
    assertThatThrownBy(() -> RedisReplayCache.builder("http://127.0.0.1:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis://");
    RedisReplayCache.Builder b = RedisReplayCache.builder("redis://127.0.0.1:1");
    assertThatThrownBy(() -> b.commandTimeout(Duration.ofMillis(99)))
        .hasMessageContaining("commandTimeout must be from 100 ms to 30 s");
    assertThatThrownBy(() -> b.commandTimeout(Duration.ofSeconds(31)))
        .hasMessageContaining("commandTimeout must be from 100 ms to 30 s");
    assertThatThrownBy(() -> b.capacityPerPartition(0))
        .hasMessageContaining("capacityPerPartition must be at least 1");
    assertThatThrownBy(() -> b.keyPrefix("a{b}"))
        .hasMessageContaining("keyPrefix must be 1-64 characters");
    assertThatThrownBy(() -> b.keyPrefix(""))
        .hasMessageContaining("keyPrefix must be 1-64 characters");
    b.commandTimeout(Duration.ofMillis(100)).commandTimeout(Duration.ofSeconds(30));
  }

  @Test
  void rememberWhenNothingListensAtStartThenFailsClosedAndBuildStillWorks() {
    RedisReplayCache cache =
        RedisReplayCache.builder("redis://127.0.0.1:1")
            .commandTimeout(Duration.ofMillis(500))
            .clock(clock)
            .build();
    caches.add(cache);
    long start = System.nanoTime();
    assertThatThrownBy(() -> cache.remember("contoso", "_a", inAMinute()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refusing the sign-in");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  // --- through the validator, as a cluster of two service providers uses it ---

  private static final String ENTITY_ID = "urn:amazon:cognito:sp:ap-northeast-1_TESTPOOL";
  private static final String REPLY_URL =
      "https://cloudsign-TESTPOOL.auth.ap-northeast-1.amazoncognito.com/saml2/idpresponse";

  private ServiceProvider serviceProvider(FakeEntra entra, ReplayCache cache) throws Exception {
    Registration registration =
        Registration.builder("contoso")
            .entityId(ENTITY_ID)
            .replyUrl(REPLY_URL)
            .signOnUrl("https://www.cloudsign.jp/login")
            .identityProvider(IdentityProvider.fromMetadata(entra.metadataXml()))
            .build();
    return ServiceProvider.builder()
        .registration(registration)
        .clock(clock)
        .replayCache(cache)
        .build();
  }

  @Test
  void validateWhenTwoNodesShareRedisThenReplayOnTheOtherNodeIsRejected() throws Exception {
    FakeEntra entra = FakeEntra.builder().clock(clock).build();
    ServiceProvider nodeA = serviceProvider(entra, node());
    ServiceProvider nodeB = serviceProvider(entra, node());
    SignInRequest request = nodeA.startSignIn("contoso", "relay");
    PendingRequest pending = request.pending();
    String response =
        entra.respondTo(entra.parseRedirect(request.redirectUrl().toString())).build();

    assertThat(nodeA.validate(response, pending).nameId()).isNotBlank();
    assertThatThrownBy(() -> nodeB.validate(response, pending))
        .isInstanceOfSatisfying(
            SamlValidationException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.REPLAYED_ASSERTION));
  }

  @Test
  void validateWhenRedisDownThenReplayCacheUnavailableAndThenSignsIn() throws Exception {
    FakeEntra entra = FakeEntra.builder().clock(clock).build();
    ServiceProvider sp = serviceProvider(entra, node());
    SignInRequest request = sp.startSignIn("contoso", "relay");
    String response =
        entra.respondTo(entra.parseRedirect(request.redirectUrl().toString())).build();
    server.stop();
    try {
      assertThatThrownBy(() -> sp.validate(response, request.pending()))
          .isInstanceOfSatisfying(
              SamlValidationException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.REPLAY_CACHE_UNAVAILABLE));
    } finally {
      server.restart();
    }
    assertThat(sp.validate(response, request.pending()).nameId()).isNotBlank();
  }

  /** A plain Lettuce connection to look at what the cache wrote. */
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
