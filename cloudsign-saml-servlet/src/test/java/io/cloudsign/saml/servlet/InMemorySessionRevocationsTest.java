package io.cloudsign.saml.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.core.IdentityProvider;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.core.SignInRequest;
import io.cloudsign.saml.core.VerifiedAssertion;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestUser;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link InMemorySessionRevocations} on principals of real, verified sign-ins. */
class InMemorySessionRevocationsTest {
  private static final String ENTITY_ID = "urn:amazon:cognito:sp:ap-northeast-1_INMEMORY";
  private static final String REPLY_URL = "https://app.example/saml2/idpresponse";

  /** The principal the filter would store after a verified sign-in of {@code nameId}. */
  static SamlPrincipal signedIn(String nameId, Instant signedInAt) throws Exception {
    FakeEntra entra = FakeEntra.builder().application(ENTITY_ID, REPLY_URL).build();
    Registration registration =
        Registration.builder("contoso")
            .entityId(ENTITY_ID)
            .replyUrl(REPLY_URL)
            .identityProvider(IdentityProvider.fromMetadata(entra.metadataXml()))
            .build();
    ServiceProvider sp = ServiceProvider.builder().registration(registration).build();
    SignInRequest request = sp.startSignIn("contoso", "relay");
    String response =
        entra
            .respondTo(entra.parseRedirect(request.redirectUrl().toString()))
            .user(TestUser.builder().nameId(nameId).build())
            .build();
    VerifiedAssertion identity = sp.validate(response, request.pending());
    return new SamlPrincipal(LocalUser.of(nameId), identity, signedInAt);
  }

  @Test
  void aNameIdHoldingASeparatorDoesNotEndAnotherUsersSession() throws Exception {
    Instant now = Instant.now();
    SamlPrincipal x = signedIn("x", now.minusSeconds(60));
    String index = x.sessionIndex().orElseThrow();
    SessionRevocations revocations = SessionRevocations.inMemory();

    // Keys joined with "\n" made this the key of x's session: another user's logout ended it.
    revocations.revoke("contoso", "x\n" + index, List.of(), now);
    assertThat(revocations.isRevoked(x)).isFalse();

    revocations.revoke("contoso", "x", List.of(index), now);
    assertThat(revocations.isRevoked(x)).isTrue();
  }
}
