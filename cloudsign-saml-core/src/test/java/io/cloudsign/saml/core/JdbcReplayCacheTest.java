package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.core.ReplayCache.Outcome;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestClock;
import java.sql.Connection;
import java.sql.Statement;
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
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shared replay cache against a real SQL database (H2, in memory, one per test). */
class JdbcReplayCacheTest {
  private final TestClock clock = TestClock.at(Instant.parse("2026-11-28T09:00:00Z"));
  private JdbcDataSource db;

  @BeforeEach
  void setUp() throws Exception {
    db = new JdbcDataSource();
    db.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute(JdbcReplayCache.createTableSql(JdbcReplayCache.DEFAULT_TABLE));
    }
  }

  private JdbcReplayCache node() {
    return new JdbcReplayCache(db, JdbcReplayCache.DEFAULT_TABLE, clock);
  }

  @Test
  void rememberWhenSecondNodeSeesSameKeyThenRefuses() {
    Instant expiry = clock.instant().plusSeconds(60);
    assertThat(node().remember("r", "issuer\n_a", expiry)).isEqualTo(Outcome.FIRST_USE);
    assertThat(node().remember("r", "issuer\n_a", expiry)).isEqualTo(Outcome.ALREADY_USED);
    assertThat(node().remember("r", "issuer\n_b", expiry)).isEqualTo(Outcome.FIRST_USE);
  }

  @Test
  void rememberWhenEntryExpiredThenAcceptsTheKeyAgain() {
    JdbcReplayCache cache = node();
    cache.remember("r", "k", clock.instant().plusSeconds(60));
    clock.advance(Duration.ofSeconds(60));
    assertThat(cache.remember("r", "k", clock.instant().plusSeconds(60)))
        .isEqualTo(Outcome.FIRST_USE);
  }

  @Test
  void rememberWhenNodesRaceOnOneKeyThenExactlyOneWins() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 20; round++) {
        String key = "k" + round;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          JdbcReplayCache cache = node();
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
          winners += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(winners).as("round %d", round).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void validateWhenTwoServiceProvidersShareTheDatabaseThenReplayOnOtherNodeIsRejected()
      throws Exception {
    FakeEntra entra = FakeEntra.builder().clock(clock).build();
    Fixture nodeA = new Fixture(entra, clock, b -> b.replayCache(node()));
    Fixture nodeB = new Fixture(entra, clock, b -> b.replayCache(node()));
    Fixture.Flow flow = nodeA.start();
    String response = nodeA.respond(flow).build();

    assertThat(nodeA.sp.validate(response, flow.pending()).nameId()).isNotBlank();
    assertThatThrownBy(() -> nodeB.sp.validate(response, flow.pending()))
        .isInstanceOfSatisfying(
            SamlValidationException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.REPLAYED_ASSERTION));
  }

  @Test
  void rememberWhenTableMissingThenFailsClosed() throws Exception {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE " + JdbcReplayCache.DEFAULT_TABLE);
    }
    assertThatThrownBy(() -> node().remember("r", "k", clock.instant().plusSeconds(60)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refusing the sign-in");
  }

  @Test
  void rememberWhenConnectionHasAutoCommitOffThenTheEntryIsCommitted() throws Exception {
    JdbcDataSource plain = db;
    javax.sql.DataSource manual =
        new DelegatingDataSource(plain) {
          @Override
          public Connection getConnection() throws java.sql.SQLException {
            Connection c = plain.getConnection();
            c.setAutoCommit(false);
            return c;
          }
        };
    JdbcReplayCache cache = new JdbcReplayCache(manual, JdbcReplayCache.DEFAULT_TABLE, clock);
    assertThat(cache.remember("r", "k", clock.instant().plusSeconds(60)))
        .isEqualTo(Outcome.FIRST_USE);
    // Another connection sees the committed row: a second node refuses the key.
    assertThat(node().remember("r", "k", clock.instant().plusSeconds(60)))
        .isEqualTo(Outcome.ALREADY_USED);
  }

  @Test
  void rememberWhenAnotherConstraintFailsThenFailsClosedInsteadOfReportingAReplay()
      throws Exception {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE checked (cache_key CHAR(64) PRIMARY KEY,"
              + " expires_at BIGINT NOT NULL CHECK (expires_at < 0))");
    }
    JdbcReplayCache cache = new JdbcReplayCache(db, "checked", clock);
    assertThatThrownBy(() -> cache.remember("r", "k", clock.instant().plusSeconds(60)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SQLState 23");
  }

  @Test
  void isDuplicateKeyWhenVendorCodesThenOnlyDuplicateKeysCount() {
    assertThat(JdbcReplayCache.isDuplicateKey(new java.sql.SQLException("pg", "23505"))).isTrue();
    assertThat(JdbcReplayCache.isDuplicateKey(new java.sql.SQLException("mysql", "23000", 1062)))
        .isTrue();
    assertThat(JdbcReplayCache.isDuplicateKey(new java.sql.SQLException("mssql", "23000", 2627)))
        .isTrue();
    assertThat(JdbcReplayCache.isDuplicateKey(new java.sql.SQLException("null", "23502")))
        .isFalse();
    assertThat(JdbcReplayCache.isDuplicateKey(new java.sql.SQLException("fk", "23000", 1452)))
        .isFalse();
    assertThat(
            JdbcReplayCache.isDuplicateKey(
                new java.sql.SQLIntegrityConstraintViolationException("check", "23514")))
        .isFalse();
    assertThat(JdbcReplayCache.isDuplicateKey(new java.sql.SQLException("down", "08001")))
        .isFalse();
  }

  @Test
  void constructorWhenQueryTimeoutOutOfRangeThenRejectsWithWhatToFix() {
    for (Duration bad :
        List.of(
            Duration.ZERO,
            Duration.ofMillis(500),
            Duration.ofSeconds(61),
            Duration.ofMillis(1500))) {
      assertThatThrownBy(() -> new JdbcReplayCache(db, JdbcReplayCache.DEFAULT_TABLE, clock, bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("queryTimeout must be whole seconds from 1 s to 60 s");
    }
    assertThat(new JdbcReplayCache(db, "t", clock, Duration.ofSeconds(60))).isNotNull();
    assertThat(new JdbcReplayCache(db, "t", clock, Duration.ofSeconds(1))).isNotNull();
  }

  @Test
  void createIndexSqlWhenRunThenIndexesExpiry() throws Exception {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute(JdbcReplayCache.createIndexSql(JdbcReplayCache.DEFAULT_TABLE));
    }
    assertThat(node().remember("r", "k", clock.instant().plusSeconds(60)))
        .isEqualTo(Outcome.FIRST_USE);
  }

  /**
   * A pooled connection broken by a database restart (PostgreSQL answers 57P01) is replaced once:
   * the sign-in is not refused for it; a pool that cannot connect at all is asked only once.
   */
  @Test
  void rememberWhenPooledConnectionBrokeThenTriesOnceMoreOnAFreshConnection() throws Exception {
    java.util.concurrent.atomic.AtomicInteger borrowed =
        new java.util.concurrent.atomic.AtomicInteger();
    JdbcDataSource plain = db;
    javax.sql.DataSource afterRestart =
        new DelegatingDataSource(plain) {
          @Override
          public Connection getConnection() throws java.sql.SQLException {
            return borrowed.getAndIncrement() == 0 ? brokenConnection() : plain.getConnection();
          }
        };
    JdbcReplayCache cache = new JdbcReplayCache(afterRestart, JdbcReplayCache.DEFAULT_TABLE, clock);

    assertThat(cache.remember("r", "k", clock.instant().plusSeconds(60)))
        .isEqualTo(Outcome.FIRST_USE);
    assertThat(borrowed).hasValue(2);
    assertThat(node().remember("r", "k", clock.instant().plusSeconds(60)))
        .isEqualTo(Outcome.ALREADY_USED);

    borrowed.set(0);
    javax.sql.DataSource down =
        new DelegatingDataSource(plain) {
          @Override
          public Connection getConnection() throws java.sql.SQLException {
            borrowed.incrementAndGet();
            throw new java.sql.SQLTransientConnectionException("connection refused", "08001");
          }
        };
    assertThatThrownBy(
            () ->
                new JdbcReplayCache(down, JdbcReplayCache.DEFAULT_TABLE, clock)
                    .remember("r", "other", clock.instant().plusSeconds(60)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SQLState 08001");
    assertThat(borrowed).hasValue(1);
    assertThat(JdbcReplayCache.isBrokenConnection(new java.sql.SQLException("x", "57014")))
        .as("a statement timeout is not retried")
        .isFalse();
  }

  /** A connection whose every statement fails as after a PostgreSQL restart (SQLState 57P01). */
  private static Connection brokenConnection() {
    return (Connection)
        java.lang.reflect.Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getAutoCommit" -> true;
                  case "close" -> null;
                  default ->
                      throw new java.sql.SQLException(
                          "FATAL: terminating connection due to administrator command", "57P01");
                });
  }

  /** Hands out the wrapped data source's connections; subclasses change one thing. */
  abstract static class DelegatingDataSource implements javax.sql.DataSource {
    final javax.sql.DataSource target;

    DelegatingDataSource(javax.sql.DataSource target) {
      this.target = target;
    }

    @Override
    public Connection getConnection(String user, String password) throws java.sql.SQLException {
      return getConnection();
    }

    @Override
    public java.io.PrintWriter getLogWriter() throws java.sql.SQLException {
      return target.getLogWriter();
    }

    @Override
    public void setLogWriter(java.io.PrintWriter out) throws java.sql.SQLException {
      target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws java.sql.SQLException {
      target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws java.sql.SQLException {
      return target.getLoginTimeout();
    }

    @Override
    public java.util.logging.Logger getParentLogger()
        throws java.sql.SQLFeatureNotSupportedException {
      return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws java.sql.SQLException {
      return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws java.sql.SQLException {
      return target.isWrapperFor(iface);
    }
  }

  @Test
  void constructorWhenTableNameIsNotAnIdentifierThenRejects() {
    assertThatThrownBy(() -> new JdbcReplayCache(db, "t; DROP TABLE x", clock))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
