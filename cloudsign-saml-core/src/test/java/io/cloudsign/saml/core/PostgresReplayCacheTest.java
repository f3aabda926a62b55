package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cloudsign.saml.core.ReplayCache.Outcome;
import io.cloudsign.saml.examplecontract.PostgresServer;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestClock;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JdbcReplayCache} on a real PostgreSQL server (started by the test, see {@link
 * PostgresServer}) through HikariCP, as a cluster runs it: two pools are two nodes.
 */
class PostgresReplayCacheTest {
  private static PostgresServer server;
  private final TestClock clock = TestClock.at(Instant.parse("2026-11-28T09:00:00Z"));
  private final List<HikariDataSource> pools = new ArrayList<>();
  private String table;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void createTable() throws Exception {
    table = "replay_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = pool().getConnection();
        Statement s = c.createStatement()) {
      s.execute(JdbcReplayCache.createTableSql(table));
      s.execute(JdbcReplayCache.createIndexSql(table));
    }
  }

  @AfterEach
  void closePools() {
    pools.forEach(HikariDataSource::close);
  }

  /** One node's pool, configured as the README says. */
  private HikariDataSource pool() {
    String jdbcUrl = server.jdbcUrl();
    // README: postgres
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl); // jdbc:postgresql://db.example:5432/app
    config.setConnectionTimeout(2_000); // ms a sign-in waits for a connection
    config.setValidationTimeout(1_000);
    config.setInitializationFailTimeout(-1); // start even when the database is down
    config.addDataSourceProperty("connectTimeout", "2"); // seconds (PostgreSQL driver)
    config.addDataSourceProperty("socketTimeout", "10"); // seconds
    HikariDataSource dataSource = new HikariDataSource(config);
    ReplayCache replayCache =
        new JdbcReplayCache(
            dataSource, JdbcReplayCache.DEFAULT_TABLE, Clock.systemUTC(), Duration.ofSeconds(2));
    // README: end postgres
    assertThat(replayCache).isNotNull();
    pools.add(dataSource);
    return dataSource;
  }

  private JdbcReplayCache node(DataSource dataSource) {
    return new JdbcReplayCache(dataSource, table, clock, Duration.ofSeconds(1));
  }

  private Instant inAMinute() {
    return clock.instant().plusSeconds(60);
  }

  @Test
  void rememberWhenSecondNodeSeesSameIdThenRefusesIt() {
    JdbcReplayCache a = node(pool());
    JdbcReplayCache b = node(pool());
    assertThat(a.remember("contoso", "_a", inAMinute())).isEqualTo(Outcome.FIRST_USE);
    assertThat(b.remember("contoso", "_a", inAMinute())).isEqualTo(Outcome.ALREADY_USED);
    assertThat(a.remember("contoso", "_a", inAMinute())).isEqualTo(Outcome.ALREADY_USED);
    assertThat(b.remember("contoso", "_b", inAMinute())).isEqualTo(Outcome.FIRST_USE);
  }

  @Test
  void rememberWhenSameIdInAnotherPartitionThenBothAreFirstUse() {
    JdbcReplayCache cache = node(pool());
    assertThat(cache.remember("contoso", "_a", inAMinute())).isEqualTo(Outcome.FIRST_USE);
    assertThat(cache.remember("fabrikam", "_a", inAMinute())).isEqualTo(Outcome.FIRST_USE);
    assertThat(cache.remember("fabrikam", "_a", inAMinute())).isEqualTo(Outcome.ALREADY_USED);
  }

  @Test
  void rememberWhenEntryExpiredThenAcceptsTheIdAgain() {
    JdbcReplayCache cache = node(pool());
    cache.remember("contoso", "_a", inAMinute());
    clock.advance(Duration.ofSeconds(59));
    assertThat(cache.remember("contoso", "_a", inAMinute())).isEqualTo(Outcome.ALREADY_USED);
    clock.advance(Duration.ofSeconds(1));
    assertThat(cache.remember("contoso", "_a", inAMinute())).isEqualTo(Outcome.FIRST_USE);
  }

  @Test
  void rememberWhenTwoNodesRaceOnOneIdThenExactlyOneWins() throws Exception {
    JdbcReplayCache a = node(pool());
    JdbcReplayCache b = node(pool());
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 50; round++) {
        String id = "_race" + round;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Outcome>> outcomes = new ArrayList<>();
        for (JdbcReplayCache node : List.of(a, b)) {
          outcomes.add(
              threads.submit(
                  () -> {
                    go.await();
                    return node.remember("contoso", id, inAMinute());
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
  void rememberWhenPoolHandsOutAutoCommitOffThenTheEntryIsCommitted() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.jdbcUrl());
    config.setAutoCommit(false);
    HikariDataSource manual = new HikariDataSource(config);
    pools.add(manual);
    assertThat(node(manual).remember("contoso", "_a", inAMinute())).isEqualTo(Outcome.FIRST_USE);
    try (Connection c = pool().getConnection();
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT count(*) FROM " + table)) {
      rows.next();
      assertThat(rows.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void rememberWhenAnotherConstraintFailsThenFailsClosed() throws Exception {
    try (Connection c = pool().getConnection();
        Statement s = c.createStatement()) {
      s.execute("ALTER TABLE " + table + " ADD CHECK (expires_at < 0)");
    }
    JdbcReplayCache cache = node(pool());
    assertThatThrownBy(() -> cache.remember("contoso", "_a", inAMinute()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SQLState 23514");
  }

  @Test
  void rememberWhenTableIsLockedThenFailsClosedWithinTheQueryTimeout() throws Exception {
    JdbcReplayCache cache = node(pool());
    try (Connection locker = pool().getConnection();
        Statement s = locker.createStatement()) {
      locker.setAutoCommit(false);
      s.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
      long start = System.nanoTime();
      assertThatThrownBy(() -> cache.remember("contoso", "_a", inAMinute()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("SQLState 57014"); // query_canceled
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
      locker.rollback();
    }
    assertThat(cache.remember("contoso", "_a", inAMinute())).isEqualTo(Outcome.FIRST_USE);
  }

  @Test
  void rememberWhenTheBulkDeleteTimesOutThenTheSignInIsStillAccepted() throws Exception {
    JdbcReplayCache cache = node(pool());
    cache.remember("contoso", "_old", inAMinute());
    clock.advance(Duration.ofMinutes(2)); // "_old" is now expired: the bulk delete wants it
    try (Connection locker = pool().getConnection();
        Statement s = locker.createStatement()) {
      locker.setAutoCommit(false);
      s.executeQuery("SELECT * FROM " + table + " FOR UPDATE").close(); // row lock on "_old"
      for (int i = 2; i < 1000; i++) {
        assertThat(cache.remember("contoso", "_" + i, inAMinute())).isEqualTo(Outcome.FIRST_USE);
      }
      long start = System.nanoTime();
      // the 1,000th insertion runs the bulk delete, which waits for the lock until its timeout
      assertThat(cache.remember("contoso", "_1000", inAMinute())).isEqualTo(Outcome.FIRST_USE);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(900));
      locker.rollback();
    }
    assertThat(cache.remember("contoso", "_1000", inAMinute())).isEqualTo(Outcome.ALREADY_USED);
  }

  @Test
  void rememberWhenServerDownThenFailsClosedQuicklyAndRecoversWhenItIsBack() throws Exception {
    JdbcReplayCache cache = node(pool());
    assertThat(cache.remember("contoso", "_before", inAMinute())).isEqualTo(Outcome.FIRST_USE);
    server.stop();
    try {
      for (int attempt = 0; attempt < 2; attempt++) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> cache.remember("contoso", "_during", inAMinute()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("refusing the sign-in");
        // connectionTimeout 2 s bounds each call (plus slack for a busy machine)
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
      }
    } finally {
      server.restart();
    }
    // The same pool and cache, no restart of the application: it reconnects by itself, within
    // seconds (the pool may need a moment to open a connection to the restarted server; until
    // then each call still fails closed).
    assertThat(firstAnswerWithin(cache, "_during", Duration.ofSeconds(20)))
        .isEqualTo(Outcome.FIRST_USE);
    assertThat(cache.remember("contoso", "_before", inAMinute())).isEqualTo(Outcome.ALREADY_USED);
  }

  /**
   * The first answer of {@code remember} within {@code limit}; every failure before it is closed.
   */
  private Outcome firstAnswerWithin(JdbcReplayCache cache, String id, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      try {
        return cache.remember("contoso", id, inAMinute());
      } catch (IllegalStateException stillDown) {
        assertThat(stillDown).hasMessageContaining("refusing the sign-in");
        if (System.nanoTime() > deadline) {
          throw stillDown;
        }
        Thread.sleep(200);
      }
    }
  }

  @Test
  void rememberWhenServerCrashesAndRestartsThenNothingIsAcceptedTwice() throws Exception {
    JdbcReplayCache cache = node(pool());
    for (int i = 0; i < 20; i++) {
      assertThat(cache.remember("contoso", "_" + i, inAMinute())).isEqualTo(Outcome.FIRST_USE);
    }
    server.crash(); // no checkpoint: committed rows come back from the WAL
    server.restart();
    JdbcReplayCache otherNode = node(pool());
    for (int i = 0; i < 20; i++) {
      assertThat(otherNode.remember("contoso", "_" + i, inAMinute()))
          .as("entry %d after the crash", i)
          .isEqualTo(Outcome.ALREADY_USED);
    }
  }

  @Test
  void validateWhenDatabaseDownThenSignInFailsWithReplayCacheUnavailableAndThenWorks()
      throws Exception {
    FakeEntra entra = FakeEntra.builder().clock(clock).build();
    JdbcReplayCache cache = node(pool());
    Fixture nodeA = new Fixture(entra, clock, b -> b.replayCache(cache));
    Fixture nodeB = new Fixture(entra, clock, b -> b.replayCache(node(pool())));
    Fixture.Flow flow = nodeA.start();
    String response = nodeA.respond(flow).build();
    server.stop();
    try {
      assertThatThrownBy(() -> nodeA.sp.validate(response, flow.pending()))
          .isInstanceOfSatisfying(
              SamlValidationException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.REPLAY_CACHE_UNAVAILABLE));
    } finally {
      server.restart();
    }
    // Back by itself within seconds (the pool may first need to open a connection to the
    // restarted server; until then the sign-in keeps failing closed).
    assertThat(validatedWithin(nodeA, response, flow, Duration.ofSeconds(60)).nameId())
        .isNotBlank();
    // Node B's own pool reconnects too; until then it fails closed, then it sees the replay.
    assertThatThrownBy(() -> validatedWithin(nodeB, response, flow, Duration.ofSeconds(60)))
        .isInstanceOfSatisfying(
            SamlValidationException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.REPLAYED_ASSERTION));
  }

  private static VerifiedAssertion validatedWithin(
      Fixture node, String response, Fixture.Flow flow, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      try {
        return node.sp.validate(response, flow.pending());
      } catch (SamlValidationException e) {
        if (e.code() != ErrorCode.REPLAY_CACHE_UNAVAILABLE || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }
}
