package io.cloudsign.saml.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.core.IdentityProvider;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.core.SignInRequest;
import io.cloudsign.saml.core.VerifiedAssertion;
import io.cloudsign.saml.servlet.UserLinkException;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestUser;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The example's linking: by scoped key, within its one registration. The identities are real:
 * Responses of fake Entra tenants validated by core.
 */
class UserTableTest {
  static final FakeEntra exampleTenant = FakeEntra.create();
  static final FakeEntra otherTenant = FakeEntra.create();

  final ServiceProvider sp =
      ServiceProvider.builder()
          .registration(registration("example", exampleTenant))
          .registration(registration("other", otherTenant))
          .build();

  static Registration registration(String id, FakeEntra tenant) {
    try {
      return Registration.builder(id)
          .entityId("urn:example:" + id)
          .replyUrl("http://localhost:8080/" + id + "/saml2/idpresponse")
          .identityProvider(IdentityProvider.fromMetadata(tenant.metadataXml()))
          .build();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  VerifiedAssertion signIn(String registrationId, FakeEntra tenant, TestUser user)
      throws Exception {
    SignInRequest request = sp.startSignIn(registrationId, null);
    String response =
        tenant.respondTo(tenant.parseRedirect(request.redirectUrl().toString())).user(user).build();
    return sp.validate(response, request.pending());
  }

  @Test
  void linkWhenSeededUserSignsInAgainThenTheSameLocalUser() throws Exception {
    UserTable table = UserTable.seeded("example");

    String first = table.link(signIn("example", exampleTenant, TestUser.bSimon())).name();
    String again = table.link(signIn("example", exampleTenant, TestUser.bSimon())).name();

    assertThat(first).isEqualToIgnoringCase(UserTable.B_SIMON).isEqualTo(again);
  }

  @Test
  void linkWhenAnotherRegistrationAssertsASeededUsersUpnThenNotProvisioned() throws Exception {
    UserTable table = UserTable.seeded("example");
    // The other tenant's admin makes Entra send B.Simon's UPN, even her object id.
    VerifiedAssertion forged = signIn("other", otherTenant, TestUser.bSimon());

    UserLinkException e = catchThrowableOfType(UserLinkException.class, () -> table.link(forged));

    assertThat(e.reason()).isEqualTo(UserLinkException.Reason.NOT_PROVISIONED);
  }

  @Test
  void linkWhenALinkedUsersNameArrivesWithAnotherObjectIdThenNotProvisioned() throws Exception {
    UserTable table = UserTable.seeded("example");
    table.link(signIn("example", exampleTenant, TestUser.bSimon()));
    TestUser namesake =
        TestUser.bSimon().toBuilder().objectId("0d6e1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b").build();

    UserLinkException e =
        catchThrowableOfType(
            UserLinkException.class, () -> table.link(signIn("example", exampleTenant, namesake)));

    assertThat(e.reason()).isEqualTo(UserLinkException.Reason.NOT_PROVISIONED);
  }

  @Test
  void linkWhenInactiveOrUnknownThenRefusedWithTheirReason() throws Exception {
    UserTable table = UserTable.seeded("example");
    TestUser inactive = TestUser.builder().nameId("Inactive.User@contoso.com").build();
    TestUser unknown = TestUser.builder().nameId("Nobody@contoso.com").build();
    VerifiedAssertion a = signIn("example", exampleTenant, inactive);
    VerifiedAssertion b = signIn("example", exampleTenant, unknown);

    assertThat(catchThrowableOfType(UserLinkException.class, () -> table.link(a)).reason())
        .isEqualTo(UserLinkException.Reason.INACTIVE);
    assertThat(catchThrowableOfType(UserLinkException.class, () -> table.link(b)).reason())
        .isEqualTo(UserLinkException.Reason.NOT_PROVISIONED);
  }

  /** Two browsers of one user completing their first sign-in at once (the load driver did). */
  @Test
  void linkWhenTheSameIdentitysFirstSignInsRunAtOnceThenEveryOneReachesTheUser() throws Exception {
    VerifiedAssertion identity = signIn("example", exampleTenant, TestUser.bSimon());
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 50; round++) {
        UserTable table = UserTable.seeded("example");
        CyclicBarrier together = new CyclicBarrier(threads);
        List<Future<String>> names = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          names.add(
              pool.submit(
                  () -> {
                    together.await();
                    return table.link(identity).name();
                  }));
        }
        for (Future<String> name : names) {
          assertThat(name.get()).isEqualToIgnoringCase(UserTable.B_SIMON);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void linkWhenAutoProvisioningThenEachIdentityGetsItsOwnUserWithinTheRegistration()
      throws Exception {
    UserTable table = UserTable.autoProvisioning("example");
    TestUser alice = TestUser.builder().nameId("Alice@fabrikam.example").build();

    String first = table.link(signIn("example", exampleTenant, alice)).name();
    String again = table.link(signIn("example", exampleTenant, alice)).name();
    UserLinkException other =
        catchThrowableOfType(
            UserLinkException.class, () -> table.link(signIn("other", otherTenant, alice)));

    assertThat(first).isEqualToIgnoringCase("Alice@fabrikam.example").isEqualTo(again);
    assertThat(other.reason()).isEqualTo(UserLinkException.Reason.NOT_PROVISIONED);
  }
}
