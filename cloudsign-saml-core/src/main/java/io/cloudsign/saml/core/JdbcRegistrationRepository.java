package io.cloudsign.saml.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * A {@link RegistrationRepository} in a PostgreSQL table ({@code saml_registrations}), shared by
 * every node. Plain JDBC; give it a pooled {@link DataSource} (HikariCP with a {@code
 * connectionTimeout} of about 2 s), each statement has a query timeout of 2 s.
 *
 * <p>The schema ships in this jar as {@code
 * META-INF/cloudsign-saml/saml_registrations.postgresql.sql} (for a migration tool), and {@link
 * #createSchema()} runs it (idempotent; nodes starting together take an advisory lock). A tenant is
 * one row, added with {@link #save} or plain SQL (the README's "Tenants added at runtime" shows an
 * {@code INSERT}).
 *
 * <p>The nullable {@code logout_url} (Entra's Logout Url of the tenant's app) came with a later
 * schema version: {@link #createSchema()} adds it to a table created before ({@code ALTER TABLE …
 * ADD COLUMN IF NOT EXISTS}).
 *
 * <p>{@code reply_url_host} and {@code reply_url_path} are generated columns (indexed) and a
 * trigger gives every updated row a new {@code version}, also for updates typed by hand, so nodes
 * notice a change with a one-column lookup. Any failure to reach the database throws {@link
 * IllegalStateException} (never an empty answer). Thread-safe.
 */
public final class JdbcRegistrationRepository implements RegistrationRepository {
  /** The schema resource in this jar. */
  public static final String SCHEMA_RESOURCE =
      "/META-INF/cloudsign-saml/saml_registrations.postgresql.sql";

  private static final String COLUMNS =
      "id, entity_id, reply_url, sign_on_url, logout_url, metadata_xml, metadata_url, version";
  private static final int QUERY_TIMEOUT_SECONDS = 2;

  private final DataSource dataSource;

  public JdbcRegistrationRepository(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /** The schema's statements, as shipped (separated by blank lines, comments kept). */
  public static List<String> schemaStatements() {
    String sql;
    try (InputStream in = JdbcRegistrationRepository.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(SCHEMA_RESOURCE + " is missing from the jar");
      }
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> statements = new ArrayList<>();
    for (String chunk : sql.split("\\R\\s*\\R")) {
      boolean onlyComments = chunk.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("--"));
      if (!onlyComments) {
        statements.add(chunk.strip());
      }
    }
    return List.copyOf(statements);
  }

  /**
   * Creates the table, its indexes and trigger when missing, in one transaction under an advisory
   * lock (several nodes may start at once).
   *
   * @throws IllegalStateException if the database cannot be reached or refuses the schema
   */
  public void createSchema() {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.setQueryTimeout(30);
        st.execute("SELECT pg_advisory_xact_lock(7366235417266140563)");
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
      throw unavailable("creating the registrations table", e);
    }
  }

  /**
   * Adds the tenant or replaces its row (the database gives a replaced row the next version).
   *
   * @return the stored row, with its version
   */
  public RegistrationRecord save(RegistrationRecord r) {
    Objects.requireNonNull(r, "record");
    String sql =
        "INSERT INTO saml_registrations (id, entity_id, reply_url, sign_on_url, logout_url,"
            + " metadata_xml, metadata_url) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO"
            + " UPDATE SET entity_id = EXCLUDED.entity_id, reply_url = EXCLUDED.reply_url,"
            + " sign_on_url = EXCLUDED.sign_on_url, logout_url = EXCLUDED.logout_url,"
            + " metadata_xml = EXCLUDED.metadata_xml, metadata_url = EXCLUDED.metadata_url"
            + " RETURNING version";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      ps.setString(1, r.id());
      ps.setString(2, r.entityId());
      ps.setString(3, r.replyUrl());
      ps.setString(4, r.signOnUrl());
      ps.setString(5, r.logoutUrl());
      ps.setString(6, r.metadataXml());
      ps.setString(7, r.metadataUrl());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long version = rs.getLong(1);
        commitIfNeeded(c);
        return r.withVersion(version);
      }
    } catch (SQLException e) {
      throw unavailable("saving tenant " + r.id(), e);
    }
  }

  /** Removes the tenant; returns whether there was a row. */
  public boolean delete(String id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM saml_registrations WHERE id = ?")) {
      ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      ps.setString(1, id);
      boolean deleted = ps.executeUpdate() > 0;
      commitIfNeeded(c);
      return deleted;
    } catch (SQLException e) {
      throw unavailable("deleting tenant " + id, e);
    }
  }

  @Override
  public Optional<RegistrationRecord> findById(String id) {
    List<RegistrationRecord> rows =
        query("SELECT " + COLUMNS + " FROM saml_registrations WHERE id = ?", id, 1);
    return rows.stream().findFirst();
  }

  @Override
  public OptionalLong versionOf(String id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT version FROM saml_registrations WHERE id = ?")) {
      ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    } catch (SQLException e) {
      throw unavailable("reading the version of tenant " + id, e);
    }
  }

  @Override
  public List<RegistrationRecord> findByReplyUrlPath(String path, int limit) {
    return query(
        "SELECT "
            + COLUMNS
            + " FROM saml_registrations WHERE reply_url_path = ? ORDER BY id LIMIT "
            + RegistrationRepository.requireLimit(limit),
        path,
        limit);
  }

  @Override
  public List<RegistrationRecord> findByReplyUrlHost(String host, int limit) {
    return query(
        "SELECT "
            + COLUMNS
            + " FROM saml_registrations WHERE reply_url_host = ? ORDER BY id LIMIT "
            + RegistrationRepository.requireLimit(limit),
        host.toLowerCase(Locale.ROOT),
        limit);
  }

  @Override
  public List<RegistrationRecord> list(String afterId, int limit) {
    return query(
        "SELECT "
            + COLUMNS
            + " FROM saml_registrations WHERE id > ? ORDER BY id LIMIT "
            + RegistrationRepository.requireLimit(limit),
        afterId == null ? "" : afterId,
        limit);
  }

  private List<RegistrationRecord> query(String sql, String parameter, int limit) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      ps.setString(1, parameter);
      List<RegistrationRecord> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next() && rows.size() < limit) {
          rows.add(
              new RegistrationRecord(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getLong(8)));
        }
      }
      return List.copyOf(rows);
    } catch (SQLException e) {
      throw unavailable("reading the registrations table", e);
    }
  }

  private static void commitIfNeeded(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  private static IllegalStateException unavailable(String what, SQLException e) {
    return new IllegalStateException(
        "the registrations database failed "
            + what
            + " (SQLState "
            + e.getSQLState()
            + "): "
            + e.getMessage(),
        e);
  }
}
