package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.LogSafe;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ReplayCache} shared by every node of a cluster through a relational database: the
 * primary key makes "first use wins" atomic across nodes. Plain JDBC, no extra dependency; tested
 * on PostgreSQL 15 (and H2).
 *
 * <p>Create the table once (see {@link #createTableSql(String)} and {@link
 * #createIndexSql(String)}):
 *
 * <pre>{@code
 * CREATE TABLE saml_replay_cache (cache_key CHAR(64) PRIMARY KEY, expires_at BIGINT NOT NULL)
 * }</pre>
 *
 * <pre>{@code
 * CREATE INDEX saml_replay_cache_expires_at ON saml_replay_cache (expires_at)
 * }</pre>
 *
 * <p>Keys are stored as the SHA-256 of the partition (registration) and the id (fixed length);
 * {@code expires_at} is epoch milliseconds. Expired rows are deleted when their key comes again
 * and, in bulk, every 1,000 insertions; a failing bulk delete is logged at WARN and does not refuse
 * the sign-in. Thread-safe; each call borrows one connection and runs in auto-commit mode (a
 * connection handed out with auto-commit off is switched on for the call and back afterwards), so
 * an entry is committed before {@link #remember} returns. Give the cache a {@link DataSource} of
 * its own, not one bound to the application's transactions.
 *
 * <p>Security guarantees: of two nodes that see the same assertion at the same time, the database
 * lets exactly one insert succeed. A duplicate key is recognised only by SQLState {@code 23505} (or
 * class {@code 23000} with the vendor's duplicate-key code: MySQL/MariaDB 1062, Oracle 1, SQL
 * Server 2601/2627); every other failure, also another constraint violation, means the store
 * failed: {@link #remember} throws {@link IllegalStateException} and the sign-in fails with {@code
 * replay_cache_unavailable} (fail closed, never "accepted"). A call whose connection broke
 * (SQLState class 08, or PostgreSQL's 57P01-57P03: a pooled connection after a database restart) is
 * tried once more on another connection: a retry can turn a first use whose answer was lost into a
 * refusal, never a replay into an acceptance. Each statement has a query timeout ({@link
 * #DEFAULT_QUERY_TIMEOUT} unless given); give the data source a short connection timeout too
 * (HikariCP {@code connectionTimeout} of about 2 s): the sign-in waits for both.
 */
public final class JdbcReplayCache implements ReplayCache {
  /** The default table name. */
  public static final String DEFAULT_TABLE = "saml_replay_cache";

  /** The default timeout of each statement: 2 seconds. */
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(ReplayCache.class);
  private static final int PURGE_EVERY = 1000;
  private static final Duration MIN_QUERY_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration MAX_QUERY_TIMEOUT = Duration.ofSeconds(60);

  /** Duplicate-key vendor codes that come with SQLState 23000 (MySQL/MariaDB, Oracle, MSSQL). */
  private static final Set<Integer> DUPLICATE_KEY_CODES_23000 = Set.of(1062, 1, 2601, 2627);

  private final DataSource dataSource;
  private final Clock clock;
  private final int queryTimeoutSeconds;
  private final String deleteExpiredKey;
  private final String insert;
  private final String deleteExpired;
  private final AtomicLong inserts = new AtomicLong();

  /** A cache in {@link #DEFAULT_TABLE} on the system clock. */
  public JdbcReplayCache(DataSource dataSource) {
    this(dataSource, DEFAULT_TABLE, Clock.systemUTC());
  }

  /**
   * A cache with the {@link #DEFAULT_QUERY_TIMEOUT}.
   *
   * @param table a plain SQL identifier (letters, digits, underscores)
   */
  public JdbcReplayCache(DataSource dataSource, String table, Clock clock) {
    this(dataSource, table, clock, DEFAULT_QUERY_TIMEOUT);
  }

  /**
   * @param table a plain SQL identifier (letters, digits, underscores; at most 63 characters)
   * @param queryTimeout how long one statement may take, whole seconds from 1 s to 60 s
   * @throws IllegalArgumentException if the table is not a plain identifier or the timeout is out
   *     of range
   */
  public JdbcReplayCache(DataSource dataSource, String table, Clock clock, Duration queryTimeout) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.clock = Objects.requireNonNull(clock, "clock");
    requireIdentifier(table);
    this.queryTimeoutSeconds = queryTimeoutSeconds(queryTimeout);
    this.deleteExpiredKey = "DELETE FROM " + table + " WHERE cache_key = ? AND expires_at <= ?";
    this.insert = "INSERT INTO " + table + " (cache_key, expires_at) VALUES (?, ?)";
    this.deleteExpired = "DELETE FROM " + table + " WHERE expires_at <= ?";
  }

  private static int queryTimeoutSeconds(Duration timeout) {
    Objects.requireNonNull(timeout, "queryTimeout");
    if (timeout.compareTo(MIN_QUERY_TIMEOUT) < 0
        || timeout.compareTo(MAX_QUERY_TIMEOUT) > 0
        || timeout.toNanosPart() != 0) {
      throw new IllegalArgumentException(
          "queryTimeout must be whole seconds from 1 s to 60 s (JDBC counts whole seconds): "
              + timeout);
    }
    return (int) timeout.toSeconds();
  }

  /** The DDL for the cache table (standard SQL; PostgreSQL, H2, MySQL, …). */
  public static String createTableSql(String table) {
    requireIdentifier(table);
    return "CREATE TABLE "
        + table
        + " (cache_key CHAR(64) PRIMARY KEY, expires_at BIGINT NOT NULL)";
  }

  /**
   * The DDL for the index on {@code expires_at} that keeps the bulk delete of expired rows cheap
   * (named {@code <table>_expires_at}).
   */
  public static String createIndexSql(String table) {
    requireIdentifier(table);
    return "CREATE INDEX " + table + "_expires_at ON " + table + " (expires_at)";
  }

  private static void requireIdentifier(String table) {
    if (table == null || !table.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
      throw new IllegalArgumentException(
          "table must be a plain SQL identifier (letters, digits, underscores, at most 63): "
              + LogSafe.text(String.valueOf(table)));
    }
  }

  @Override
  public Outcome remember(String partition, String id, Instant keepUntil) {
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(keepUntil, "keepUntil");
    String hashed = sha256(partition + "\n" + id);
    long now = clock.millis();
    SQLException failure = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      boolean connected = false;
      try (Connection c = dataSource.getConnection()) {
        connected = true;
        boolean autoCommit = c.getAutoCommit();
        if (!autoCommit) {
          c.setAutoCommit(true);
        }
        try {
          return remember(c, hashed, keepUntil.toEpochMilli(), now);
        } finally {
          if (!autoCommit) {
            c.setAutoCommit(false);
          }
        }
      } catch (SQLException e) {
        failure = e;
        // A pooled connection that broke (database restarted) is tried once more on a fresh one;
        // a pool that cannot connect is not asked twice.
        if (!connected || !isBrokenConnection(e)) {
          break;
        }
      }
    }
    throw new IllegalStateException(
        "the replay cache database is unavailable; refusing the sign-in (SQLState "
            + failure.getSQLState()
            + "): "
            + failure.getMessage(),
        failure);
  }

  /**
   * The connection, not the statement, failed: SQLState class 08 (connection exception), or
   * PostgreSQL's 57P01-57P03 (server shut down or restarting), what a pooled connection answers
   * after a database restart when the pool handed it out without validating it again.
   */
  static boolean isBrokenConnection(SQLException e) {
    String state = e.getSQLState();
    return state != null
        && (state.startsWith("08")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03"));
  }

  private Outcome remember(Connection c, String hashed, long expiresAt, long now)
      throws SQLException {
    try (PreparedStatement delete = c.prepareStatement(deleteExpiredKey)) {
      delete.setQueryTimeout(queryTimeoutSeconds);
      delete.setString(1, hashed);
      delete.setLong(2, now);
      delete.executeUpdate();
    }
    try (PreparedStatement put = c.prepareStatement(insert)) {
      put.setQueryTimeout(queryTimeoutSeconds);
      put.setString(1, hashed);
      put.setLong(2, expiresAt);
      put.executeUpdate();
    } catch (SQLException e) {
      if (isDuplicateKey(e)) {
        return Outcome.ALREADY_USED;
      }
      throw e;
    }
    if (inserts.incrementAndGet() % PURGE_EVERY == 0) {
      purge(c, now);
    }
    return Outcome.FIRST_USE;
  }

  /** The entry is committed already: a failing bulk delete must not refuse the sign-in. */
  private void purge(Connection c, long now) {
    try (PreparedStatement purge = c.prepareStatement(deleteExpired)) {
      purge.setQueryTimeout(queryTimeoutSeconds);
      purge.setLong(1, now);
      purge.executeUpdate();
    } catch (SQLException e) {
      log.warn(
          "replay cache: deleting expired rows failed (SQLState {}), retried after {} more"
              + " sign-ins: {}",
          e.getSQLState(),
          PURGE_EVERY,
          LogSafe.text(String.valueOf(e.getMessage())));
    }
  }

  /**
   * A duplicate primary key: SQLState 23505 (SQL standard: PostgreSQL, H2, DB2, Derby), or 23000
   * with the vendor's duplicate-key code. Other integrity violations (NOT NULL, CHECK, a foreign
   * key) are store failures, not replays.
   */
  static boolean isDuplicateKey(SQLException e) {
    for (SQLException s = e; s != null; s = s.getNextException()) {
      String state = s.getSQLState();
      if ("23505".equals(state)) {
        return true;
      }
      if ("23000".equals(state) && DUPLICATE_KEY_CODES_23000.contains(s.getErrorCode())) {
        return true;
      }
    }
    return false;
  }

  private static String sha256(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
