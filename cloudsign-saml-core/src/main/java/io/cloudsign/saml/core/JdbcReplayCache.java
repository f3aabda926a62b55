package io.cloudsign.saml.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * A {@link ReplayCache} shared by every node of a cluster through a relational database: the
 * primary key makes "first use wins" atomic across nodes. Plain JDBC, no extra dependency.
 *
 * <p>Create the table once (see {@link #createTableSql(String)}):
 *
 * <pre>{@code
 * CREATE TABLE saml_replay_cache (cache_key CHAR(64) PRIMARY KEY, expires_at BIGINT NOT NULL)
 * }</pre>
 *
 * <p>Keys are stored as the SHA-256 of the partition (registration) and the id (fixed length);
 * {@code expires_at} is epoch milliseconds. Expired rows are deleted when their key comes again
 * and, in bulk, every 1,000 insertions. Thread-safe; each call borrows one connection
 * (auto-commit).
 *
 * <p>Security guarantees: of two nodes that see the same assertion at the same time, the database
 * lets exactly one insert succeed. If the database is unreachable, {@link #remember} throws {@link
 * IllegalStateException} and the sign-in fails with {@code replay_cache_unavailable} (fail closed).
 * Give the data source a short connection timeout (seconds): the sign-in waits for it.
 */
public final class JdbcReplayCache implements ReplayCache {
  /** The default table name. */
  public static final String DEFAULT_TABLE = "saml_replay_cache";

  private static final int PURGE_EVERY = 1000;

  private final DataSource dataSource;
  private final Clock clock;
  private final String deleteExpiredKey;
  private final String insert;
  private final String deleteExpired;
  private final AtomicLong inserts = new AtomicLong();

  /** A cache in {@link #DEFAULT_TABLE} on the system clock. */
  public JdbcReplayCache(DataSource dataSource) {
    this(dataSource, DEFAULT_TABLE, Clock.systemUTC());
  }

  /**
   * @param table a plain SQL identifier (letters, digits, underscores)
   */
  public JdbcReplayCache(DataSource dataSource, String table, Clock clock) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.clock = Objects.requireNonNull(clock, "clock");
    requireIdentifier(table);
    this.deleteExpiredKey = "DELETE FROM " + table + " WHERE cache_key = ? AND expires_at <= ?";
    this.insert = "INSERT INTO " + table + " (cache_key, expires_at) VALUES (?, ?)";
    this.deleteExpired = "DELETE FROM " + table + " WHERE expires_at <= ?";
  }

  /** The DDL for the cache table. */
  public static String createTableSql(String table) {
    requireIdentifier(table);
    return "CREATE TABLE "
        + table
        + " (cache_key CHAR(64) PRIMARY KEY, expires_at BIGINT NOT NULL)";
  }

  private static void requireIdentifier(String table) {
    if (table == null || !table.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("table must be a plain SQL identifier: " + table);
    }
  }

  @Override
  public Outcome remember(String partition, String id, Instant keepUntil) {
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(keepUntil, "keepUntil");
    String hashed = sha256(partition + "\n" + id);
    long now = clock.millis();
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement delete = c.prepareStatement(deleteExpiredKey)) {
        delete.setString(1, hashed);
        delete.setLong(2, now);
        delete.executeUpdate();
      }
      try (PreparedStatement put = c.prepareStatement(insert)) {
        put.setString(1, hashed);
        put.setLong(2, keepUntil.toEpochMilli());
        put.executeUpdate();
      } catch (SQLException e) {
        if (isDuplicateKey(e)) {
          return Outcome.ALREADY_USED;
        }
        throw e;
      }
      if (inserts.incrementAndGet() % PURGE_EVERY == 0) {
        try (PreparedStatement purge = c.prepareStatement(deleteExpired)) {
          purge.setLong(1, now);
          purge.executeUpdate();
        }
      }
      return Outcome.FIRST_USE;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "the replay cache database is unavailable; refusing the sign-in: " + e.getMessage(), e);
    }
  }

  /** SQLSTATE class 23 = integrity constraint violation (duplicate primary key). */
  private static boolean isDuplicateKey(SQLException e) {
    for (SQLException s = e; s != null; s = s.getNextException()) {
      if (s.getSQLState() != null && s.getSQLState().startsWith("23")) {
        return true;
      }
      if (s instanceof java.sql.SQLIntegrityConstraintViolationException) {
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
