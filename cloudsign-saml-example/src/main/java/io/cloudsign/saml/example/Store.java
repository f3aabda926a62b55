package io.cloudsign.saml.example;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cloudsign.saml.core.JdbcReplayCache;
import io.cloudsign.saml.core.ReplayCache;
import io.cloudsign.saml.redis.RedisReplayCache;
import io.cloudsign.saml.redis.RedisSessionRevocations;
import io.cloudsign.saml.servlet.JdbcSessionRevocations;
import io.cloudsign.saml.servlet.SessionRevocations;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code --store URL}: the replay cache every node shares (used assertion IDs and answered
 * AuthnRequest IDs both go through it) and the sessions IdP-initiated logouts ended, in PostgreSQL
 * ({@link JdbcReplayCache} and {@link JdbcSessionRevocations} on a small HikariCP pool) or Redis
 * ({@link RedisReplayCache} and {@link RedisSessionRevocations}).
 *
 * <p>A store that cannot be reached at start stops the app ({@link #open} throws, the app exits 1):
 * a node that cannot reach its store at start is almost always misconfigured (wrong host, port or
 * credentials), and an orchestrator restarts it. Once running, a store outage refuses sign-ins with
 * {@code replay_cache_unavailable} within a few seconds (pool connection timeout 2 s, query timeout
 * 2 s; Redis command and connect timeout 2 s), and they work again by themselves when the store is
 * back: the pool validates its connections, the Redis client reconnects at the next call.
 */
final class Store implements AutoCloseable {
  static final String FORMS =
      "--store takes jdbc:postgresql://HOST:PORT/DB?user=... or redis://HOST:PORT"
          + " (rediss:// for TLS)";

  private final ReplayCache replayCache;
  private final SessionRevocations revocations;
  private final List<AutoCloseable> resources;
  private final String description;

  private Store(
      ReplayCache replayCache,
      SessionRevocations revocations,
      List<AutoCloseable> resources,
      String description) {
    this.replayCache = replayCache;
    this.revocations = revocations;
    this.resources = resources;
    this.description = description;
  }

  /**
   * Checks the syntax of {@code url} (no connection); {@link IllegalArgumentException} naming
   * {@code --store} and the accepted forms. The value is not echoed: it may hold a password.
   */
  static void checkSyntax(String url) {
    boolean ok;
    if (url.startsWith("jdbc:postgresql://")) {
      ok = org.postgresql.Driver.parseURL(url, null) != null;
    } else if (url.startsWith("redis://") || url.startsWith("rediss://")) {
      try {
        RedisReplayCache.builder(url);
        ok = true;
      } catch (IllegalArgumentException e) {
        ok = false;
      }
    } else {
      ok = false;
    }
    if (!ok) {
      throw new IllegalArgumentException(FORMS);
    }
  }

  /**
   * Connects to the store, creates the PostgreSQL tables and indexes when missing and records one
   * short-lived entry (the revocations use the same pool or Redis server), so that a store the app
   * cannot use fails here, not at the first sign-in.
   *
   * @throws IllegalStateException naming {@code --store} (password removed) and the reason
   */
  static Store open(String url) {
    Store store = null;
    try {
      store = url.startsWith("jdbc:") ? postgres(url) : redis(url);
      // A real write, in the example's own partition, kept for one second.
      store.replayCache.remember(
          ExampleApp.REGISTRATION_ID,
          "startup-check\n" + UUID.randomUUID(),
          Instant.now().plusSeconds(1));
      return store;
    } catch (RuntimeException | SQLException e) {
      if (store != null) {
        store.close();
      }
      throw new IllegalStateException(
          "--store " + redact(url) + " cannot be reached (" + reason(e) + ")", e);
    }
  }

  private static Store postgres(String url) throws SQLException {
    HikariDataSource pool = postgresPool(url, "replay-cache");
    JdbcSessionRevocations revocations = new JdbcSessionRevocations(pool);
    try {
      createTableIfMissing(pool);
      revocations.createSchema();
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw e;
    }
    return new Store(
        new JdbcReplayCache(pool), revocations, List.of(pool), "PostgreSQL " + redact(url));
  }

  /**
   * A small pool with bounded waits (also for --tenants); it connects once at once and throws (a
   * RuntimeException) if it cannot.
   */
  static HikariDataSource postgresPool(String url, String name) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(2_000);
    config.setValidationTimeout(1_000);
    // The driver's own bounds (seconds; the URL's parameters win): connecting, and a server that
    // stops answering mid-statement (the query timeout needs an answering server to cancel).
    config.addDataSourceProperty("connectTimeout", "2");
    config.addDataSourceProperty("socketTimeout", "10");
    return new HikariDataSource(config); // connects once, throws if it cannot
  }

  /**
   * Creates {@link JdbcReplayCache#DEFAULT_TABLE} and its index unless the catalog has them; if a
   * node starting at the same time created one first, its CREATE fails and the catalog then has it.
   */
  private static void createTableIfMissing(HikariDataSource pool) throws SQLException {
    String table = JdbcReplayCache.DEFAULT_TABLE;
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      if (!hasTable(c, table)) {
        try {
          s.execute(JdbcReplayCache.createTableSql(table));
        } catch (SQLException e) {
          if (!hasTable(c, table)) {
            throw e;
          }
        }
      }
      if (!hasIndex(c, table, table + "_expires_at")) {
        try {
          s.execute(JdbcReplayCache.createIndexSql(table));
        } catch (SQLException e) {
          if (!hasIndex(c, table, table + "_expires_at")) {
            throw e;
          }
        }
      }
    }
  }

  private static boolean hasTable(Connection c, String table) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    try (ResultSet rs =
        md.getTables(c.getCatalog(), c.getSchema(), table, new String[] {"TABLE"})) {
      while (rs.next()) {
        if (table.equals(rs.getString("TABLE_NAME"))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean hasIndex(Connection c, String table, String index) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    try (ResultSet rs = md.getIndexInfo(c.getCatalog(), c.getSchema(), table, false, true)) {
      while (rs.next()) {
        if (index.equals(rs.getString("INDEX_NAME"))) {
          return true;
        }
      }
    }
    return false;
  }

  private static Store redis(String url) {
    RedisReplayCache cache = RedisReplayCache.builder(url).build(); // connects at first use
    RedisSessionRevocations revocations = RedisSessionRevocations.builder(url).build();
    return new Store(cache, revocations, List.of(cache, revocations), "Redis " + redact(url));
  }

  ReplayCache replayCache() {
    return replayCache;
  }

  /** The sessions ended by IdP-initiated logouts, shared by the nodes on this store. */
  SessionRevocations sessionRevocations() {
    return revocations;
  }

  /** What the app prints at start: the kind of store and its URL without a password. */
  String description() {
    return description;
  }

  /** The URL without user information or a {@code password} parameter. */
  static String redact(String url) {
    return url.replaceFirst("//[^/@?]*@", "//***@")
        .replaceAll("(?i)([?&;]password=)[^&;]*", "$1***");
  }

  /** One line: the failure and, when it says more, its root cause. */
  static String reason(Exception e) {
    Throwable t = e;
    while (t.getCause() != null
        && (t instanceof IllegalStateException
            || t.getClass().getName().endsWith("PoolInitializationException"))) {
      t = t.getCause();
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = t.getClass().getSimpleName() + ": " + t.getMessage();
    if (root != t && root.getMessage() != null && !text.contains(root.getMessage())) {
      text += ": " + root.getMessage();
    }
    text = text.replaceAll("\\s+", " ").strip();
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }

  @Override
  public void close() {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        // closing: nothing left to do
      }
    }
  }
}
