package io.cloudsign.saml.example;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cloudsign.saml.core.JdbcRegistrationRepository;
import io.cloudsign.saml.core.TenantRegistrations;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code --tenants jdbc:postgresql://…}: the customer tenants in the table {@code
 * saml_registrations}, created at start when missing (as an app's migration tool would), read on
 * use through {@link TenantRegistrations}. Closing stops the tenants' metadata refreshes and the
 * pool.
 */
final class TenantStore implements AutoCloseable {
  private final HikariDataSource pool;
  private final TenantRegistrations tenants;

  private TenantStore(HikariDataSource pool, TenantRegistrations tenants) {
    this.pool = pool;
    this.tenants = tenants;
  }

  /**
   * Opens the pool and creates the schema.
   *
   * @throws IllegalArgumentException naming {@code --tenants} when the database cannot be reached
   *     or refuses the schema: the app does not start without its tenants
   */
  static TenantStore open(String jdbcUrl, Duration metadataRefresh, Optional<SpKey> spKey) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setPoolName("tenants");
    config.setMaximumPoolSize(4);
    config.setConnectionTimeout(2_000);
    config.setValidationTimeout(1_000);
    config.setInitializationFailTimeout(-1);
    config.addDataSourceProperty("connectTimeout", "2");
    config.addDataSourceProperty("socketTimeout", "10");
    HikariDataSource pool = new HikariDataSource(config);
    JdbcRegistrationRepository repository = new JdbcRegistrationRepository(pool);
    try {
      repository.createSchema();
    } catch (IllegalStateException e) {
      pool.close();
      throw new IllegalArgumentException(
          "--tenants: the database cannot be reached or refuses the table saml_registrations ("
              + firstLine(e.getMessage())
              + ")",
          e);
    }
    TenantRegistrations tenants =
        TenantRegistrations.builder(repository)
            .metadataRefreshInterval(metadataRefresh)
            .customize(
                (row, registration) ->
                    spKey.ifPresent(
                        k ->
                            registration
                                .requestSigningKey(k.privateKey(), k.certificate())
                                .decryptionKey(k.privateKey(), k.certificate())))
            .build();
    return new TenantStore(pool, tenants);
  }

  TenantRegistrations tenants() {
    return tenants;
  }

  private static String firstLine(String message) {
    String m = String.valueOf(message);
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  @Override
  public void close() {
    tenants.close();
    pool.close();
  }
}
