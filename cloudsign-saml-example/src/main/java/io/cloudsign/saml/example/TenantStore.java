package io.cloudsign.saml.example;

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
    HikariDataSource pool = null;
    try {
      pool = Store.postgresPool(jdbcUrl, "tenants");
      new JdbcRegistrationRepository(pool).createSchema();
    } catch (RuntimeException e) {
      if (pool != null) {
        pool.close();
      }
      throw new IllegalArgumentException(
          "--tenants "
              + Store.redact(jdbcUrl)
              + " cannot be reached or refuses the table saml_registrations ("
              + Store.reason(e)
              + ")",
          e);
    }
    JdbcRegistrationRepository repository = new JdbcRegistrationRepository(pool);
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

  @Override
  public void close() {
    tenants.close();
    pool.close();
  }
}
