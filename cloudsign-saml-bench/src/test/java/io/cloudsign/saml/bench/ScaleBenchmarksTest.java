package io.cloudsign.saml.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsign.saml.core.InMemoryRegistrationRepository;
import io.cloudsign.saml.core.RegistrationRecord;
import io.cloudsign.saml.core.TenantRegistrations;
import io.cloudsign.saml.testkit.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Smoke test, no timing: the scale measurements' setups hold what they claim and their work
 * succeeds (a held tenant validates from a repository; every store sign-in is accepted; the
 * tenants' metadata is distinct and loads).
 */
class ScaleBenchmarksTest {
  @Test
  void tenantsValidateWhenPoolCyclesThenEveryCallValidatesTheRepositoryTenant() throws Exception {
    ScaleBenchmarks.TenantsValidateState s = new ScaleBenchmarks.TenantsValidateState();
    s.rows = 10;
    s.poolSize = 8;
    s.setUp();
    for (int i = 0; i < 3 * s.poolSize; i++) {
      assertEquals(
          BenchFixture.REGISTRATION, new ScaleBenchmarks().tenants_validate(s).registrationId());
    }
    assertEquals(10, s.tenants.heldCount());
    s.tearDown();
  }

  @Test
  void replayStoreThroughputWhenInMemoryThenTwoRemembersPerSignInAndSignInsSucceed()
      throws Exception {
    try (ReplayStoreThroughput t = new ReplayStoreThroughput(null, null)) {
      assertEquals(Map.of("InMemoryReplayCache", 2), t.remembersPerSignIn());
      List<ReplayStoreThroughput.Result> r =
          t.measure(new int[] {2}, Duration.ofMillis(100), Duration.ofMillis(200));
      assertEquals(1, r.size());
      assertTrue(r.get(0).signInsPerSecond() > 0);
    }
  }

  @Test
  void distinctMetadataWhenLoadedThenEachTenantHasItsOwnIdp() throws Exception {
    TestClock clock = TestClock.atNow();
    List<String> xml = ScaleTenants.distinctMetadataXml(2, clock);
    assertNotEquals(xml.get(0), xml.get(1));
    InMemoryRegistrationRepository rows = new InMemoryRegistrationRepository();
    rows.put(ScaleTenants.xmlRow("a", xml.get(0)));
    rows.put(ScaleTenants.xmlRow("b", xml.get(1)));
    try (TenantRegistrations tenants =
        TenantRegistrations.builder(new ScaleTenants.CopyingRepository(rows))
            .clock(clock)
            .build()) {
      RegistrationRecord copy =
          new ScaleTenants.CopyingRepository(rows).findById("a").orElseThrow();
      assertEquals(xml.get(0), copy.metadataXml());
      assertNotEquals(
          tenants.find("a").orElseThrow().identityProvider().entityId(),
          tenants.find("b").orElseThrow().identityProvider().entityId());
    }
  }
}
