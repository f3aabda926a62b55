package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.FakeEntraExtension;
import io.cloudsign.saml.testkit.TestUser;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Entra's groups claim read so that an overage (more than 150 groups: a link instead of the list)
 * is never mistaken for "in no group", and the authentication claims (how, and by whom).
 */
class GroupsAndAuthenticationClaimsTest {
  @RegisterExtension static FakeEntraExtension fake = FakeEntraExtension.create();

  private static VerifiedAssertion signIn(TestUser user) throws SamlValidationException {
    Fixture fx = new Fixture(fake.entra(), fake.clock());
    Fixture.Flow flow = fx.start();
    return fx.validate(flow, fx.respond(flow).user(user));
  }

  private static List<String> groupIds(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(UUID.randomUUID().toString());
    }
    return ids;
  }

  @Test
  void groupsWhenEntraListsThemThenListed() throws Exception {
    List<String> ids = groupIds(150);
    VerifiedAssertion a = signIn(TestUser.builder().nameId("A@contoso.com").groups(ids).build());

    assertThat(a.groupsClaim()).isEqualTo(VerifiedAssertion.GroupsClaim.LISTED);
    assertThat(a.groups()).containsExactlyElementsOf(ids);
    assertThat(a.groupsLink()).isEmpty();
  }

  @Test
  void groupsWhenMoreThan150ThenOverageWithTheLinkNotAnEmptyList() throws Exception {
    TestUser user = TestUser.builder().nameId("A@contoso.com").groups(groupIds(151)).build();
    VerifiedAssertion a = signIn(user);

    assertThat(a.groups()).isEmpty();
    assertThat(a.groupsClaim()).isEqualTo(VerifiedAssertion.GroupsClaim.OVERAGE);
    assertThat(a.groupsLink())
        .hasValueSatisfying(link -> assertThat(link).contains(user.objectId()));
  }

  @Test
  void groupsWhenUserInNoGroupThenAbsent() throws Exception {
    VerifiedAssertion a = signIn(TestUser.builder().nameId("A@contoso.com").build());

    assertThat(a.groupsClaim()).isEqualTo(VerifiedAssertion.GroupsClaim.ABSENT);
    assertThat(a.groupsLink()).isEmpty();
  }

  @Test
  void authenticationClaimsWhenEntraSendsThemThenReadable() throws Exception {
    VerifiedAssertion a = signIn(TestUser.bSimon());

    assertThat(a.authnMethodsReferences())
        .contains("http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password");
    assertThat(a.identityProvider()).hasValue(fake.entra().entityId());
  }
}
