package io.cloudsign.saml.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cloudsign.saml.examplecontract.PostgresServer;
import io.cloudsign.saml.testkit.TestClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
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
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JdbcSessionRevocations} on a real PostgreSQL server (started by the test, see {@link
 * PostgresServer}) through HikariCP; two pools are two nodes.
 */
class PostgresSessionRevocationsTest {
  private static final String USER = "B.Simon@contoso.com";
  private static PostgresServer server;
  private final TestClock clock = TestClock.at(Instant.parse("2026-12-04T09:00:00Z"));
  private final List<HikariDataSource> pools = new ArrayList<>();

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
  void emptyTable() throws Exception {
    new JdbcSessionRevocations(pool()).createSchema();
    sql("TRUNCATE saml_session_revocations");
  }

  @AfterEach
  void closePools() {
    pools.forEach(HikariDataSource::close);
  }

  private HikariDataSource pool() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.jdbcUrl());
    config.setConnectionTimeout(2_000);
    config.setValidationTimeout(1_000);
    config.setInitializationFailTimeout(-1);
    config.addDataSourceProperty("connectTimeout", "2");
    config.addDataSourceProperty("socketTimeout", "10");
    HikariDataSource dataSource = new HikariDataSource(config);
    pools.add(dataSource);
    return dataSource;
  }

  private JdbcSessionRevocations node() {
    return node(pool());
  }

  private JdbcSessionRevocations node(DataSource dataSource) {
    return new JdbcSessionRevocations(dataSource, Duration.ofHours(12), clock);
  }

  private Instant minutesAgo(int minutes) {
    return clock.instant().minus(Duration.ofMinutes(minutes));
  }

  private static boolean revoked(
      JdbcSessionRevocations r, String nameId, String sessionIndex, Instant signedInAt) {
    return r.isRevoked("contoso", nameId, sessionIndex, Optional.ofNullable(signedInAt));
  }

  private void sql(String statement) throws Exception {
    try (Connection c = pool().getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private long count(String where) throws Exception {
    try (Connection c = pool().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM saml_session_revocations " + where)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void createSchemaIsIdempotentWhenSeveralNodesRunItAtOnce() throws Exception {
    sql("DROP TABLE saml_session_revocations");
    ExecutorService threads = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        JdbcSessionRevocations n = node();
        runs.add(threads.submit(n::createSchema));
      }
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdown();
    }
    assertThat(JdbcSessionRevocations.schemaStatements()).hasSize(2);
    assertThat(count("")).isZero();
  }

  @Test
  void revokeOfEveryUserSessionOnOneNodeEndsThemOnTheOtherButNoOtherUsersOrRegistrations() {
    JdbcSessionRevocations a = node();
    JdbcSessionRevocations b = node();
    a.revoke("contoso", USER, List.of(), clock.instant());

    assertThat(revoked(b, USER, "_s1", minutesAgo(5))).isTrue();
    assertThat(revoked(b, USER, null, minutesAgo(5))).isTrue();
    assertThat(revoked(b, "Other@contoso.com", "_s1", minutesAgo(5))).isFalse();
    assertThat(b.isRevoked("fabrikam", USER, "_s1", Optional.of(minutesAgo(5)))).isFalse();
  }

  @Test
  void revokeWithSessionIndexesEndsOnlyThoseSessions() {
    JdbcSessionRevocations r = node();
    r.revoke("contoso", USER, List.of("_s1", "_s2", "_s1"), clock.instant());

    assertThat(revoked(r, USER, "_s1", minutesAgo(5))).isTrue();
    assertThat(revoked(r, USER, "_s2", minutesAgo(5))).isTrue();
    assertThat(revoked(r, USER, "_s3", minutesAgo(5))).isFalse();
    assertThat(revoked(r, USER, null, minutesAgo(5))).isFalse();
  }

  @Test
  void signInAfterTheLogoutIsNotEndedByItOneAtTheSameInstantIs() {
    JdbcSessionRevocations r = node();
    r.revoke("contoso", USER, List.of(), clock.instant());

    assertThat(revoked(r, USER, "_s1", clock.instant().plusMillis(1))).isFalse();
    assertThat(revoked(r, USER, "_s1", clock.instant())).isTrue();
    assertThat(revoked(r, USER, "_s1", null)).as("a session without signedInAt").isTrue();
  }

  @Test
  void revokeKeepsTheLatestInstantWhenAnEarlierOneArrivesLater() {
    JdbcSessionRevocations r = node();
    r.revoke("contoso", USER, List.of("_s1"), clock.instant());
    r.revoke("contoso", USER, List.of("_s1"), minutesAgo(30));

    assertThat(revoked(r, USER, "_s1", minutesAgo(10))).isTrue();
  }

  @Test
  void revocationExpiresAfterTheRetentionAndExpiredRowsArePurgedInBoundedBatches()
      throws Exception {
    JdbcSessionRevocations r = node();
    r.revoke("contoso", USER, List.of(), clock.instant());
    clock.advance(Duration.ofHours(12).minusMillis(1));
    assertThat(revoked(r, USER, "_s1", minutesAgo(13 * 60))).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(revoked(r, USER, "_s1", minutesAgo(13 * 60))).as("retention over").isFalse();

    try (Connection c = pool().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO saml_session_revocations SELECT md5(g::text) || md5(g::text), 0, 1"
                    + " FROM generate_series(1, ?) g")) {
      ps.setInt(1, JdbcSessionRevocations.PURGE_BATCH + 500);
      ps.executeUpdate();
    }
    r.revoke("contoso", "Other@contoso.com", List.of(), clock.instant());
    assertThat(count("WHERE expires_at <= " + clock.millis()))
        .as("one logout deletes one batch of expired rows")
        .isEqualTo(501);
    r.revoke("contoso", "Third@contoso.com", List.of(), clock.instant());
    assertThat(count("WHERE expires_at <= " + clock.millis())).isZero();
    assertThat(count("")).isEqualTo(2);
  }

  @Test
  void nameIdsWithSeparatorsDoNotShareARowWithAnotherUsersSession() {
    JdbcSessionRevocations r = node();
    // With keys joined by a separator, "x\n_s1" (all sessions) would be the key of x's _s1.
    r.revoke("contoso", "x\n_s1", List.of(), clock.instant());
    r.revoke("contoso", "y|1:_s1", List.of(), clock.instant());
    r.revoke("conto", "so|7:z", List.of(), clock.instant());

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
    JdbcSessionRevocations a = node();
    JdbcSessionRevocations b = node();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> runs = new ArrayList<>();
      // The latest logout is submitted first: a store that keeps the last write loses it.
      for (int i = 0; i < 40; i++) {
        JdbcSessionRevocations n = i % 2 == 0 ? a : b;
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
    assertThat(count("")).isEqualTo(2);
    assertThat(count("WHERE revoked_at = " + minutesAgo(1).toEpochMilli())).isEqualTo(2);
  }

  @Test
  void revokeWhenThePoolHandsOutAutoCommitOffIsCommitted() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.jdbcUrl());
    config.setAutoCommit(false);
    HikariDataSource manual = new HikariDataSource(config);
    pools.add(manual);
    node(manual).revoke("contoso", USER, List.of(), clock.instant());

    assertThat(revoked(node(), USER, "_s1", minutesAgo(1))).isTrue();
  }

  @Test
  void whenTheDatabaseIsDownBothFailNamingTheTableAndWorkAgainWhenItIsBack() throws Exception {
    JdbcSessionRevocations r = node();
    r.revoke("contoso", USER, List.of("_s1"), clock.instant());
    server.stop();
    try {
      assertThatThrownBy(() -> revoked(r, USER, "_s1", minutesAgo(5)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("saml_session_revocations (PostgreSQL) is unavailable");
      assertThatThrownBy(() -> r.revoke("contoso", USER, List.of("_s2"), clock.instant()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("recording a logout failed");
    } finally {
      server.restart();
    }
    // The same pool, no restart of the application: back within seconds (until the pool has a
    // connection to the restarted server every call still fails, never answers "not revoked").
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        assertThat(revoked(r, USER, "_s1", minutesAgo(5))).isTrue();
        break;
      } catch (IllegalStateException stillDown) {
        assertThat(stillDown).hasMessageContaining("is unavailable");
        if (System.nanoTime() > deadline) {
          throw stillDown;
        }
        Thread.sleep(200);
      }
    }
    assertThat(revoked(r, USER, "_s2", minutesAgo(5)))
        .as("the failed logout wrote nothing")
        .isFalse();
  }

  @Test
  void retentionOutOfRangeIsRefusedWithWhatToFix() {
    assertThatThrownBy(() -> new JdbcSessionRevocations(pool(), Duration.ofSeconds(59), clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retention must be from 1 minute to 366 days");
    assertThatThrownBy(() -> new JdbcSessionRevocations(pool(), Duration.ofDays(367), clock))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
