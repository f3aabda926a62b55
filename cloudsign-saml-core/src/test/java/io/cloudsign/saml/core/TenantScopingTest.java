package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.ResponseBuilder;
import io.cloudsign.saml.testkit.TestClock;
import io.cloudsign.saml.testkit.TestUser;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A tenant's admin controls what its assertions say (hardening item 1): a Response for one
 * customer's registration never speaks for another tenant, and identities are keyed per
 * registration and issuer.
 */
class TenantScopingTest {
  private static final String TENANT_ID = "http://schemas.microsoft.com/identity/claims/tenantid";

  private final TestClock clock = TestClock.at(Instant.parse("2026-11-28T09:00:00Z"));
  private final FakeEntra tenantA =
      FakeEntra.builder().clock(clock).tenantId("a1a1a1a1-0000-4000-8000-00000000000a").build();
  private final FakeEntra tenantB =
      FakeEntra.builder().clock(clock).tenantId("b2b2b2b2-0000-4000-8000-00000000000b").build();

  @Test
  void validateWhenTheTenantIdClaimNamesAnotherTenantThenRejectsWithTenantMismatch() {
    Fixture fx = new Fixture(tenantA, clock);
    Fixture.Flow flow = fx.start();
    ResponseBuilder forged = fx.respond(flow).attribute(TENANT_ID, tenantB.tenantId());

    SamlValidationException e =
        catchThrowableOfType(SamlValidationException.class, () -> fx.validate(flow, forged));

    assertThat(e.code()).isEqualTo(ErrorCode.TENANT_MISMATCH);
  }

  @Test
  void validateWhenTheTenantIdClaimIsTheIssuersTenantInAnyCaseThenAccepts() throws Exception {
    Fixture fx = new Fixture(tenantA, clock);
    Fixture.Flow flow = fx.start();

    VerifiedAssertion a =
        fx.validate(flow, fx.respond(flow).attribute(TENANT_ID, tenantA.tenantId().toUpperCase()));

    assertThat(a.tenantId()).contains(tenantA.tenantId().toUpperCase());
  }

  @Test
  void subjectKeysOfTheSameNameIdInTwoRegistrationsDiffer() throws Exception {
    TestUser sameUpn = TestUser.bSimon("cloudsign.example");
    Fixture a = new Fixture(tenantA, clock, Fixture.registration("tenant-a", tenantA));
    Fixture b = new Fixture(tenantB, clock, Fixture.registration("tenant-b", tenantB));
    Fixture.Flow flowA = a.start();
    Fixture.Flow flowB = b.start();

    VerifiedAssertion fromA = a.validate(flowA, a.respond(flowA).user(sameUpn));
    VerifiedAssertion fromB = b.validate(flowB, b.respond(flowB).user(sameUpn));

    assertThat(fromA.nameId()).isEqualTo(fromB.nameId());
    assertThat(fromA.subjectKey()).isNotEqualTo(fromB.subjectKey());
    assertThat(fromA.subjectKey())
        .isEqualTo("tenant-a|" + tenantA.entityId() + "|" + sameUpn.nameId());
    assertThat(fromA.entraObjectKey())
        .contains("tenant-a|entra|" + tenantA.tenantId() + "|" + sameUpn.objectId());
    assertThat(fromA.entraObjectKey()).isNotEqualTo(fromB.entraObjectKey());
  }

  @Test
  void entraIssuerFormIsRecognisedOnlyWithATenantGuid() {
    assertThat(EntraIssuer.tenantId("https://sts.windows.net/" + tenantA.tenantId() + "/"))
        .contains(tenantA.tenantId());
    assertThat(EntraIssuer.tenantId("https://sts.windows.net/{tenantid}/")).isEmpty();
    assertThat(EntraIssuer.tenantId("https://login.microsoftonline.com/x/")).isEmpty();
  }
}
