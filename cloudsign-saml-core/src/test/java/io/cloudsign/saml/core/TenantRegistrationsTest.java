package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenants read from a repository at runtime: added, changed and removed without a rebuild, within
 * {@code reloadAfter}; bounded memory; fail closed when the store is down or a row is unusable.
 */
class TenantRegistrationsTest {
  private final TestClock clock = TestClock.at(Instant.parse("2026-12-04T09:00:00Z"));
  private final FakeEntra contoso = FakeEntra.builder().clock(clock).build();
  private final FakeEntra fabrikam =
      FakeEntra.builder().clock(clock).tenantId("f0e1d2c3-b4a5-4697-8877-665544332211").build();
  private final Store store = new Store();
  private TenantRegistrations tenants;
  private ServiceProvider sp;

  /** The real in-memory repository, counting calls and switchable "down" like a lost database. */
  static final class Store implements RegistrationRepository {
    final InMemoryRegistrationRepository rows = new InMemoryRegistrationRepository();
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger versionReads = new AtomicInteger();
    final AtomicBoolean down = new AtomicBoolean();

    private void up() {
      if (down.get()) {
        throw new IllegalStateException("connection refused");
      }
    }

    @Override
    public Optional<RegistrationRecord> findById(String id) {
      up();
      reads.incrementAndGet();
      return rows.findById(id);
    }

    @Override
    public OptionalLong versionOf(String id) {
      up();
      versionReads.incrementAndGet();
      return rows.versionOf(id);
    }

    @Override
    public List<RegistrationRecord> findByReplyUrlPath(String path, int limit) {
      up();
      return rows.findByReplyUrlPath(path, limit);
    }

    @Override
    public List<RegistrationRecord> findByReplyUrlHost(String host, int limit) {
      up();
      return rows.findByReplyUrlHost(host, limit);
    }

    @Override
    public List<RegistrationRecord> list(String afterId, int limit) {
      up();
      return rows.list(afterId, limit);
    }
  }

  @BeforeEach
  void setUp() {
    tenants = TenantRegistrations.builder(store).clock(clock).maxCached(3).build();
    sp = ServiceProvider.builder().tenants(tenants).clock(clock).build();
  }

  private static RegistrationRecord row(String id, FakeEntra entra) {
    return RegistrationRecord.withMetadataXml(
        id,
        "urn:amazon:cognito:sp:ap-northeast-1_" + id,
        "https://cloudsign-" + id + ".auth.ap-northeast-1.amazoncognito.com/saml2/idpresponse",
        "https://www.cloudsign.jp/login",
        entra.metadataXml());
  }

  private VerifiedAssertion signIn(String tenant, FakeEntra entra) throws Exception {
    SignInRequest request = sp.startSignIn(tenant, null);
    AuthnRequestInfo received = entra.parseRedirect(request.redirectUrl().toString());
    return sp.validate(entra.respondTo(received).build(), request.pending());
  }

  @Test
  void tenantAddedToTheRepositorySignsInWithoutRebuildingTheServiceProvider() throws Exception {
    store.rows.put(row("acme", contoso));

    VerifiedAssertion user = signIn("acme", contoso);

    assertThat(user.registrationId()).isEqualTo("acme");
    assertThat(sp.registrations()).isEmpty();
  }

  @Test
  void rowWithALogoutUrlGivesTheTenantSingleLogout() throws Exception {
    String logoutUrl = "https://cloudsign-acme.auth.ap-northeast-1.amazoncognito.com/saml2/logout";
    store.rows.put(row("acme", contoso).withLogoutUrl(logoutUrl));

    assertThat(sp.registration("acme").orElseThrow().logoutUrl())
        .hasValueSatisfying(u -> assertThat(u).hasToString(logoutUrl));
    assertThat(sp.startLogout("acme", "bsimon@contoso.com", null, null, null)).isPresent();
  }

  @Test
  void rowWithAPlainHttpLogoutUrlIsUnusableAndNamesTheLogoutUrl() {
    store.rows.put(row("acme", contoso).withLogoutUrl("http://acme.example.com/saml2/logout"));

    assertThatThrownBy(() -> sp.registration("acme"))
        .isInstanceOf(RegistrationUnavailableException.class)
        .hasMessageContaining("logoutUrl")
        .hasMessageContaining("Logout Url");
  }

  @Test
  void unknownTenantIsRememberedAsUnknownUntilReloadAfterThenFoundOnceAdded() {
    assertThat(sp.registration("acme")).isEmpty();
    store.rows.put(row("acme", contoso));

    clock.advance(Duration.ofSeconds(29));
    assertThat(sp.registration("acme")).isEmpty();
    clock.advance(Duration.ofSeconds(2));
    assertThat(sp.registration("acme")).isPresent();
    assertThat(store.reads.get()).isEqualTo(2);
  }

  @Test
  void changedRowTakesEffectAfterReloadAfterAndNotBefore() {
    store.rows.put(row("acme", contoso));
    assertThat(sp.registration("acme").orElseThrow().identityProvider().entityId())
        .isEqualTo(contoso.entityId());
    store.rows.put(row("acme", fabrikam));

    clock.advance(Duration.ofSeconds(29));
    assertThat(sp.registration("acme").orElseThrow().identityProvider().entityId())
        .isEqualTo(contoso.entityId());
    clock.advance(Duration.ofSeconds(2));
    assertThat(sp.registration("acme").orElseThrow().identityProvider().entityId())
        .isEqualTo(fabrikam.entityId());
  }

  @Test
  void changedIdpIsTrustedAfterTheReloadAndTheOldOneIsNot() throws Exception {
    store.rows.put(row("acme", contoso));
    signIn("acme", contoso);
    store.rows.put(row("acme", fabrikam));
    clock.advance(Duration.ofSeconds(31));

    assertThat(signIn("acme", fabrikam).registrationId()).isEqualTo("acme");
    assertThatThrownBy(() -> signIn("acme", contoso))
        .isInstanceOfSatisfying(
            SamlValidationException.class,
            e -> assertThat(e.has(ErrorCode.INVALID_ISSUER)).as(e.toString()).isTrue());
  }

  @Test
  void unchangedRowIsCheckedByVersionAndNotBuiltAgain() {
    store.rows.put(row("acme", contoso));
    Registration first = sp.registration("acme").orElseThrow();
    clock.advance(Duration.ofSeconds(31));

    assertThat(sp.registration("acme").orElseThrow()).isSameAs(first);
    assertThat(store.reads.get()).isEqualTo(1);
    assertThat(store.versionReads.get()).isEqualTo(1);
  }

  @Test
  void removedTenantIsRefusedAfterReloadAfterAndItsPendingSignInFails() throws Exception {
    store.rows.put(row("acme", contoso));
    SignInRequest request = sp.startSignIn("acme", null);
    AuthnRequestInfo received = contoso.parseRedirect(request.redirectUrl().toString());
    store.rows.remove("acme");
    clock.advance(Duration.ofSeconds(31));

    assertThat(sp.registration("acme")).isEmpty();
    assertThatThrownBy(() -> sp.validate(contoso.respondTo(received).build(), request.pending()))
        .isInstanceOfSatisfying(
            SamlValidationException.class,
            e -> assertThat(e.code()).as(e.toString()).isEqualTo(ErrorCode.UNKNOWN_REGISTRATION));
  }

  @Test
  void aNodeHoldsAtMostMaxCachedTenantsAndReadsAnEvictedOneAgain() {
    for (String id : List.of("t1", "t2", "t3", "t4", "t5")) {
      store.rows.put(row(id, contoso));
      assertThat(sp.registration(id)).isPresent();
    }
    assertThat(tenants.heldCount()).isEqualTo(3);
    int reads = store.reads.get();

    assertThat(sp.registration("t5")).isPresent();
    assertThat(store.reads.get()).isEqualTo(reads);
    assertThat(sp.registration("t1")).isPresent();
    assertThat(store.reads.get()).isEqualTo(reads + 1);
    assertThat(tenants.heldCount()).isEqualTo(3);
  }

  @Test
  void storeDownFailsClosedForHeldAndNewTenantsAndRecoversWhenItIsBack() throws Exception {
    store.rows.put(row("acme", contoso));
    SignInRequest request = sp.startSignIn("acme", null);
    AuthnRequestInfo received = contoso.parseRedirect(request.redirectUrl().toString());
    store.down.set(true);
    clock.advance(Duration.ofSeconds(31));

    assertThatThrownBy(() -> sp.registration("other"))
        .isInstanceOfSatisfying(
            RegistrationUnavailableException.class,
            e -> {
              assertThat(e.storeUnavailable()).isTrue();
              assertThat(e.registrationId()).isEqualTo("other");
            });
    String response = contoso.respondTo(received).build();
    assertThatThrownBy(() -> sp.validate(response, request.pending()))
        .isInstanceOfSatisfying(
            SamlValidationException.class,
            e ->
                assertThat(e.code())
                    .as(e.toString())
                    .isEqualTo(ErrorCode.REGISTRATION_UNAVAILABLE));

    store.down.set(false);
    assertThat(sp.validate(response, request.pending()).registrationId()).isEqualTo("acme");
  }

  @Test
  void unusableRowIsRefusedNamingTheTenantAndIsNotParsedOnEveryRequest() {
    store.rows.put(
        RegistrationRecord.withMetadataXml(
            "broken",
            "urn:x",
            "https://broken.example/saml2/idpresponse",
            null,
            "<html>not metadata</html>"));

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> sp.registration("broken"))
          .isInstanceOfSatisfying(
              RegistrationUnavailableException.class,
              e -> {
                assertThat(e.storeUnavailable()).isFalse();
                assertThat(e.getMessage())
                    .contains("tenant 'broken'")
                    .contains("Federation Metadata XML");
              });
    }
    assertThat(store.reads.get()).isEqualTo(1);
  }

  @Test
  void idsThatCannotBeRegistrationIdsNeverReachTheRepository() {
    for (String id : List.of("", "../etc", "a b", "x".repeat(65), "é")) {
      assertThat(sp.registration(id)).isEmpty();
    }
    assertThat(sp.registration(null)).isEmpty();
    assertThat(store.reads.get()).isZero();
  }

  @Test
  void hostOfExactlyOneTenantNamesItAndASharedHostNamesNone() {
    store.rows.put(row("acme", contoso));
    store.rows.put(
        RegistrationRecord.withMetadataXml(
            "twin1", "urn:t1", "https://shared.example/a/saml2/idpresponse", null, "<x/>"));
    store.rows.put(
        RegistrationRecord.withMetadataXml(
            "twin2", "urn:t2", "https://SHARED.example/b/saml2/idpresponse", null, "<x/>"));

    assertThat(tenants.idForReplyUrlHost("cloudsign-ACME.auth.ap-northeast-1.amazoncognito.com"))
        .hasValue("acme");
    assertThat(tenants.idForReplyUrlHost("shared.example")).isEmpty();
    assertThat(tenants.idForReplyUrlHost("nobody.example")).isEmpty();
    store.down.set(true);
    assertThatThrownBy(() -> tenants.idForReplyUrlHost("shared.example"))
        .isInstanceOf(RegistrationUnavailableException.class);
  }

  @Test
  void registrationGivenToTheBuilderWinsOverATenantWithTheSameId() {
    store.rows.put(row("acme", fabrikam));
    Registration fixed = Fixture.registration("acme", contoso);
    ServiceProvider both =
        ServiceProvider.builder().registration(fixed).tenants(tenants).clock(clock).build();

    assertThat(both.registration("acme")).containsSame(fixed);
    assertThat(store.reads.get()).isZero();
  }

  @Test
  void tenantWithAnAppFederationMetadataUrlIsFetchedOnFirstUseAndSignsIn() throws Exception {
    try (FakeEntraServer server = FakeEntraServer.start(FakeEntra.builder().clock(clock), 0)) {
      store.rows.put(
          RegistrationRecord.withMetadataUrl(
              "byurl",
              "urn:sp:byurl",
              "https://byurl.example/saml2/idpresponse",
              null,
              server.metadataUrl()));

      assertThat(signIn("byurl", server.entra()).registrationId()).isEqualTo("byurl");
    }
  }

  /**
   * Each JDK HTTP client keeps a selector thread while it lives: tenants' metadata URLs share one
   * client, so holding 30 (or 1,000) URL tenants does not start 30 (or 1,000) threads.
   */
  @Test
  void tenantsWithMetadataUrlsShareOneHttpClient() throws Exception {
    TenantRegistrations many =
        TenantRegistrations.builder(store).clock(clock).maxCached(100).build();
    ServiceProvider wide = ServiceProvider.builder().tenants(many).clock(clock).build();
    try (FakeEntraServer server = FakeEntraServer.start(FakeEntra.builder().clock(clock), 0)) {
      for (int i = 0; i < 30; i++) {
        store.rows.put(
            RegistrationRecord.withMetadataUrl(
                "url" + i,
                "urn:sp:url" + i,
                "https://url" + i + ".example/saml2/idpresponse",
                null,
                server.metadataUrl()));
      }
      assertThat(wide.registration("url0")).isPresent();
      long before = selectorThreads();
      for (int i = 1; i < 30; i++) {
        assertThat(wide.registration("url" + i)).isPresent();
      }
      assertThat(selectorThreads()).isEqualTo(before);
      assertThat(many.heldCount()).isEqualTo(30);
    } finally {
      many.close();
    }
  }

  private static long selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(
            t -> t.getName().startsWith("HttpClient-") && t.getName().endsWith("SelectorManager"))
        .count();
  }

  @Test
  void tenantWhoseMetadataUrlCannotBeFetchedIsTriedAgainAfterReloadAfter() throws Exception {
    FakeEntraServer server = FakeEntraServer.start(FakeEntra.builder().clock(clock), 0);
    String url = server.metadataUrl();
    server.close();
    store.rows.put(
        RegistrationRecord.withMetadataUrl(
            "byurl", "urn:sp:byurl", "https://byurl.example/saml2/idpresponse", null, url));

    assertThatThrownBy(() -> sp.registration("byurl"))
        .isInstanceOf(RegistrationUnavailableException.class)
        .hasMessageContaining("App Federation Metadata Url");
    assertThatThrownBy(() -> sp.registration("byurl"))
        .isInstanceOf(RegistrationUnavailableException.class);
    assertThat(store.reads.get()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(31));
    assertThatThrownBy(() -> sp.registration("byurl"))
        .isInstanceOf(RegistrationUnavailableException.class);
    assertThat(store.reads.get()).isEqualTo(2);
  }
}
