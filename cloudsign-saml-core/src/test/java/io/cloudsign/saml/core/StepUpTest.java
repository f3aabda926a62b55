package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraExtension;
import io.cloudsign.saml.testkit.ResponseBuilder;
import io.cloudsign.saml.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the AuthnRequest asked is enforced on the Response (hardening item 2): the redirect passes
 * through the browser, which can strip ForceAuthn, RequestedAuthnContext and NameIDPolicy.
 */
class StepUpTest {
  @RegisterExtension static FakeEntraExtension fake = FakeEntraExtension.create();

  private static final String PASSWORD = "urn:oasis:names:tc:SAML:2.0:ac:classes:Password";
  private static final String MFA = "http://schemas.microsoft.com/claims/multipleauthn";
  private static final String AMR = "http://schemas.microsoft.com/claims/authnmethodsreferences";
  private static final String PASSWORD_METHOD =
      "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password";
  private static final String EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
  private static final String PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";

  private TestClock clock;

  @BeforeEach
  void setUp() {
    clock = fake.clock();
    clock.set(Instant.parse("2026-11-28T09:00:00Z"));
  }

  private Fixture fixture(UnaryOperator<Registration.Builder> asks) {
    FakeEntra entra = fake.entra();
    Registration base = Fixture.registration("contoso", entra);
    Registration r =
        asks.apply(
                Registration.builder("contoso")
                    .entityId(base.entityId())
                    .replyUrl(base.replyUrl().toString())
                    .identityProvider(base.identityProvider()))
            .build();
    return new Fixture(entra, clock, r);
  }

  private static ErrorCode rejected(Fixture fx, Fixture.Flow flow, ResponseBuilder response) {
    SamlValidationException e =
        catchThrowableOfType(SamlValidationException.class, () -> fx.validate(flow, response));
    assertThat(e).as("the Response must be rejected").isNotNull();
    return e.code();
  }

  @Test
  void validateWhenForceAuthnAskedAndEntraAnswersFromADaysOldSessionThenRejects() {
    Fixture fx = fixture(b -> b.forceAuthn(true));
    Fixture.Flow flow = fx.start();

    ErrorCode code =
        rejected(
            fx, flow, fx.respond(flow).authnInstant(clock.instant().minus(Duration.ofDays(2))));

    assertThat(code).isEqualTo(ErrorCode.AUTHENTICATION_TOO_OLD);
  }

  @Test
  void validateWhenForceAuthnAskedAndUserAuthenticatedAfterTheRequestThenAccepts()
      throws Exception {
    Fixture fx = fixture(b -> b.forceAuthn(true));
    Fixture.Flow flow = fx.start();
    clock.advance(Duration.ofSeconds(20));

    VerifiedAssertion a = fx.validate(flow, fx.respond(flow).authnInstant(clock.instant()));

    assertThat(a.authnInstant()).contains(clock.instant());
  }

  @Test
  void validateWhenForceAuthnNotAskedThenAnOldEntraSessionIsFine() throws Exception {
    Fixture fx = fixture(b -> b);
    Fixture.Flow flow = fx.start();

    VerifiedAssertion a =
        fx.validate(flow, fx.respond(flow).authnInstant(clock.instant().minus(Duration.ofDays(2))));

    assertThat(a.nameId()).isNotEmpty();
  }

  @Test
  void validateWhenThePendingRequestRecordsForceAuthnThenItIsEnforcedToo() {
    Fixture fx = fixture(b -> b);
    Fixture.Flow flow = fx.start();
    PendingRequest asked = flow.pending().requesting(true, List.of(), null);
    String response =
        fx.respond(flow).authnInstant(clock.instant().minus(Duration.ofDays(2))).build();

    SamlValidationException e =
        catchThrowableOfType(SamlValidationException.class, () -> fx.sp.validate(response, asked));

    assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_TOO_OLD);
  }

  @Test
  void validateWhenMfaAskedAndPasswordOnlyThenRejects() {
    Fixture fx = fixture(b -> b.requestedAuthnContext(MFA));
    Fixture.Flow flow = fx.start();

    ErrorCode code = rejected(fx, flow, fx.respond(flow).attribute(AMR, PASSWORD_METHOD));

    assertThat(code).isEqualTo(ErrorCode.AUTHN_CONTEXT_NOT_SATISFIED);
  }

  @Test
  void validateWhenMfaAskedAndEntraListsMultipleauthnInItsMethodsClaimThenAccepts()
      throws Exception {
    // Entra's real output after MFA: AuthnContextClassRef stays Password.
    Fixture fx = fixture(b -> b.requestedAuthnContext(MFA));
    Fixture.Flow flow = fx.start();

    VerifiedAssertion a = fx.validate(flow, fx.respond(flow).attribute(AMR, PASSWORD_METHOD, MFA));

    assertThat(a.authnContextClassRefs()).containsExactly(PASSWORD);
    assertThat(a.claimValues(EntraClaim.AUTHN_METHODS_REFERENCES)).contains(MFA);
  }

  @Test
  void validateWhenMfaAskedAndTheClassRefIsTheRequestedOneThenAccepts() throws Exception {
    Fixture fx = fixture(b -> b.requestedAuthnContext(MFA));
    Fixture.Flow flow = fx.start();

    VerifiedAssertion a =
        fx.validate(
            flow,
            fx.respond(flow)
                .attribute(AMR, PASSWORD_METHOD)
                .with(Attack.beforeSigning(xml -> xml.replace(PASSWORD, MFA))));

    assertThat(a.authnContextClassRefs()).containsExactly(MFA);
  }

  @Test
  void validateWhenPersistentNameIdAskedAndEmailArrivesThenRejects() {
    Fixture fx = fixture(b -> b.nameIdFormat(PERSISTENT));
    Fixture.Flow flow = fx.start();

    ErrorCode code = rejected(fx, flow, fx.respond(flow).nameIdFormat(EMAIL));

    assertThat(code).isEqualTo(ErrorCode.NAME_ID_FORMAT_MISMATCH);
  }

  @Test
  void validateWhenTheRequestedNameIdFormatArrivesThenAccepts() throws Exception {
    Fixture fx = fixture(b -> b.nameIdFormat(PERSISTENT));
    Fixture.Flow flow = fx.start();

    VerifiedAssertion a = fx.validate(flow, fx.respond(flow).nameIdFormat(PERSISTENT));

    assertThat(a.nameIdFormat()).contains(PERSISTENT);
  }

  @Test
  void startSignInRecordsWhatTheRegistrationAsksInThePendingRequest() {
    Fixture fx = fixture(b -> b.forceAuthn(true).requestedAuthnContext(MFA).nameIdFormat(EMAIL));

    PendingRequest p = fx.start().pending();

    assertThat(p.forceAuthn()).isTrue();
    assertThat(p.authnContextClassRefs()).containsExactly(MFA);
    assertThat(p.nameIdFormat()).contains(EMAIL);
  }
}
