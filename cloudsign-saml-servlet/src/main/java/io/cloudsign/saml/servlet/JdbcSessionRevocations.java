package io.cloudsign.saml.servlet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SessionRevocations} shared by every node of a cluster through a PostgreSQL table ({@code
 * saml_session_revocations}): an IdP-initiated logout that reaches one node ends the user's
 * sessions on every node. Plain JDBC; give it a pooled {@link DataSource} of its own (HikariCP with
 * a {@code connectionTimeout} of about 2 s), not one bound to the application's transactions.
 *
 * <pre>{@code
 * JdbcSessionRevocations revocations = new JdbcSessionRevocations(dataSource);
 * revocations.createSchema(); // or run SCHEMA_RESOURCE in your migration tool
 * SamlSsoFilter filter =
 *     SamlSsoFilter.builder(serviceProvider, userLinker).sessionRevocations(revocations).build();
 * }</pre>
 *
 * <p>The schema ships in this jar as {@value #SCHEMA_RESOURCE} (for a migration tool), and {@link
 * #createSchema()} runs it (idempotent; nodes starting together take an advisory lock). One row per
 * (registration, NameID) for a logout of every session of the user, and per (registration, NameID,
 * SessionIndex) for a logout of one session; the key is the SHA-256 of those values, each prefixed
 * with its length, so no NameID (whatever separators it holds) shares a row with another's. {@link
 * #isRevoked} is one primary-key lookup of at most two rows; {@link #revoke} is one upsert that
 * keeps the latest logout instant (two nodes recording logouts of the same user at once never lose
 * the later one), then deletes at most 1,000 expired rows (by the index on {@code expires_at}; a
 * failing delete is logged at WARN and does not fail the logout).
 *
 * <p>Rows are kept for {@code retention} (default {@link #DEFAULT_RETENTION}) after the logout: a
 * session that lives longer than that after it is no longer ended by it, so keep the retention
 * above the application's session lifetime. Each statement has a query timeout of {@link
 * #QUERY_TIMEOUT}; a call whose pooled connection broke (SQLState class 08, PostgreSQL 57P01-57P03:
 * after a database restart) is tried once more on another connection. Thread-safe.
 *
 * <p>Security guarantees: if the database cannot answer, both methods throw {@link
 * IllegalStateException} naming the table, never a silent "not revoked": {@link #isRevoked} failing
 * makes the filter answer that request 503 {@code session_check_unavailable} (the session is kept,
 * so the user goes on once the database is back); {@link #revoke} failing still signs out the
 * browser that carried the LogoutRequest, answers the IdP with Status {@code Responder} and logs an
 * ERROR (README, "Logout").
 */
public final class JdbcSessionRevocations implements SessionRevocations {
  /** The schema resource in this jar. */
  public static final String SCHEMA_RESOURCE =
      "/META-INF/cloudsign-saml/saml_session_revocations.postgresql.sql";

  /** How long a logout is remembered by default: 12 hours. */
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(12);

  /** The timeout of each statement: 2 seconds. */
  public static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);

  /** Expired rows deleted at most per {@link #revoke}. */
  static final int PURGE_BATCH = 1000;

  private static final Logger log = LoggerFactory.getLogger(SessionRevocations.class);
  private static final String TABLE = "saml_session_revocations";
  private static final long SCHEMA_LOCK = 7366235417266140564L;
  private static final String SELECT =
      "SELECT max(revoked_at) FROM " + TABLE + " WHERE revocation_key IN (?, ?) AND expires_at > ?";
  private static final String PURGE =
      "DELETE FROM "
          + TABLE
          + " WHERE revocation_key IN (SELECT revocation_key FROM "
          + TABLE
          + " WHERE expires_at <= ? ORDER BY expires_at LIMIT "
          + PURGE_BATCH
          + ")";

  private final DataSource dataSource;
  private final Duration retention;
  private final Clock clock;

  /** Revocations kept {@link #DEFAULT_RETENTION}, on the system clock. */
  public JdbcSessionRevocations(DataSource dataSource) {
    this(dataSource, DEFAULT_RETENTION, Clock.systemUTC());
  }

  /**
   * @param retention how long a logout is remembered: from 1 minute to 366 days, above the
   *     application's session lifetime
   * @param clock the clock that decides when a row has expired
   * @throws IllegalArgumentException if the retention is out of range
   */
  public JdbcSessionRevocations(DataSource dataSource, Duration retention, Clock clock) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.retention = requireRetention(retention);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  static Duration requireRetention(Duration retention) {
    Objects.requireNonNull(retention, "retention");
    if (retention.compareTo(Duration.ofMinutes(1)) < 0
        || retention.compareTo(Duration.ofDays(366)) > 0) {
      throw new IllegalArgumentException(
          "retention must be from 1 minute to 366 days (above the session lifetime): " + retention);
    }
    return retention;
  }

  /** The schema's statements, as shipped (separated by blank lines, comments kept). */
  public static List<String> schemaStatements() {
    String sql;
    try (InputStream in = JdbcSessionRevocations.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(SCHEMA_RESOURCE + " is missing from the jar");
      }
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> statements = new ArrayList<>();
    for (String chunk : sql.split("\\R\\s*\\R")) {
      if (!chunk.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("--"))) {
        statements.add(chunk.strip());
      }
    }
    return List.copyOf(statements);
  }

  /**
   * Creates the table and its index when missing, in one transaction under an advisory lock
   * (several nodes may start at once).
   *
   * @throws IllegalStateException if the database cannot be reached or refuses the schema
   */
  public void createSchema() {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.setQueryTimeout(30);
        st.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
        for (String statement : schemaStatements()) {
          st.execute(statement);
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw unavailable("creating the table", e);
    }
  }

  @Override
  public void revoke(
      String registrationId, String nameId, List<String> sessionIndexes, Instant at) {
    Objects.requireNonNull(registrationId, "registrationId");
    Objects.requireNonNull(nameId, "nameId");
    Objects.requireNonNull(at, "at");
    List<String> keys = new ArrayList<>();
    if (sessionIndexes.isEmpty()) {
      keys.add(key(registrationId, nameId, null));
    }
    for (String index : new LinkedHashSet<>(sessionIndexes)) {
      keys.add(key(registrationId, nameId, Objects.requireNonNull(index, "sessionIndex")));
    }
    long revokedAt = at.toEpochMilli();
    long expiresAt = at.plus(retention).toEpochMilli();
    long now = clock.millis();
    withConnection(
        "recording a logout",
        c -> {
          upsert(c, keys, revokedAt, expiresAt);
          purge(c, now);
          return null;
        });
  }

  /** One statement, so the keys of one logout are all recorded or none (auto-commit). */
  private static void upsert(Connection c, List<String> keys, long revokedAt, long expiresAt)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "INSERT INTO " + TABLE + " (revocation_key, revoked_at, expires_at) VALUES ");
    for (int i = 0; i < keys.size(); i++) {
      sql.append(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
    }
    sql.append(" ON CONFLICT (revocation_key) DO UPDATE SET")
        .append(" revoked_at = GREATEST(" + TABLE + ".revoked_at, EXCLUDED.revoked_at),")
        .append(" expires_at = GREATEST(" + TABLE + ".expires_at, EXCLUDED.expires_at)");
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      ps.setQueryTimeout((int) QUERY_TIMEOUT.toSeconds());
      int p = 1;
      for (String key : keys) {
        ps.setString(p++, key);
        ps.setLong(p++, revokedAt);
        ps.setLong(p++, expiresAt);
      }
      ps.executeUpdate();
    }
  }

  /** The logout is committed already: a failing delete must not fail it. */
  private static void purge(Connection c, long now) {
    try (PreparedStatement ps = c.prepareStatement(PURGE)) {
      ps.setQueryTimeout((int) QUERY_TIMEOUT.toSeconds());
      ps.setLong(1, now);
      ps.executeUpdate();
    } catch (SQLException e) {
      log.warn(
          "session revocations: deleting expired rows of {} failed (SQLState {}), tried again at"
              + " the next logout: {}",
          TABLE,
          e.getSQLState(),
          LogText.value(String.valueOf(e.getMessage())));
    }
  }

  @Override
  public boolean isRevoked(SamlPrincipal p) {
    return isRevoked(p.registrationId(), p.nameId(), p.sessionIndex().orElse(null), p.signedInAt());
  }

  /** {@link #isRevoked(SamlPrincipal)} on the principal's values. */
  boolean isRevoked(
      String registrationId, String nameId, String sessionIndex, Optional<Instant> signedInAt) {
    String user = key(registrationId, nameId, null);
    String session = sessionIndex == null ? user : key(registrationId, nameId, sessionIndex);
    long now = clock.millis();
    Long revokedAt =
        withConnection(
            "checking a session",
            c -> {
              try (PreparedStatement ps = c.prepareStatement(SELECT)) {
                ps.setQueryTimeout((int) QUERY_TIMEOUT.toSeconds());
                ps.setString(1, user);
                ps.setString(2, session);
                ps.setLong(3, now);
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  long at = rs.getLong(1);
                  return rs.wasNull() ? null : at;
                }
              }
            });
    return revokedAt != null
        && signedInAt.map(signedIn -> revokedAt >= signedIn.toEpochMilli()).orElse(true);
  }

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} on a connection in auto-commit mode; once more on another connection when the
   * first one broke (a pooled connection after a database restart), never when connecting failed.
   */
  private <T> T withConnection(String what, Work<T> work) {
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
          return work.run(c);
        } finally {
          if (!autoCommit) {
            c.setAutoCommit(false);
          }
        }
      } catch (SQLException e) {
        failure = e;
        if (!connected || !isBrokenConnection(e)) {
          break;
        }
      }
    }
    throw unavailable(what, failure);
  }

  static boolean isBrokenConnection(SQLException e) {
    String state = e.getSQLState();
    return state != null
        && (state.startsWith("08")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03"));
  }

  private static IllegalStateException unavailable(String what, SQLException e) {
    return new IllegalStateException(
        "the session revocations table "
            + TABLE
            + " (PostgreSQL) is unavailable, "
            + what
            + " failed (SQLState "
            + e.getSQLState()
            + "): "
            + e.getMessage(),
        e);
  }

  static String key(String registrationId, String nameId, String sessionIndex) {
    return RevocationKeys.of(registrationId, nameId, sessionIndex);
  }

  @Override
  public String toString() {
    return "JdbcSessionRevocations[table=" + TABLE + ", retention=" + retention + "]";
  }
}
