package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.ResponseBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Protocol confusion: Destination, Recipient, Audience and Issuer are compared exactly with the
 * configuration (no normalisation of slash, scheme, port, case or query); what is required must be
 * present; InResponseTo must answer a live request of this browser and registration; the time
 * windows hold to the second around the skew.
 */
class ProtocolConfusionAttackTest extends AttackTestSupport {

  /** Near-miss spellings of a configured value. */
  enum Spelling implements UnaryOperator<String> {
    TRAILING_SLASH {
      @Override
      public String apply(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s + "/";
      }
    },
    SCHEME {
      @Override
      public String apply(String s) {
        return s.startsWith("https://") ? "http://" + s.substring(8) : "https://" + s;
      }
    },
    PORT {
      @Override
      public String apply(String s) {
        int hostStart = s.indexOf("://");
        if (hostStart < 0) {
          return s + ":443";
        }
        int pathStart = s.indexOf('/', hostStart + 3);
        return s.substring(0, pathStart) + ":443" + s.substring(pathStart);
      }
    },
    CASE {
      @Override
      public String apply(String s) {
        String upper = s.toUpperCase(Locale.ROOT);
        return upper.equals(s) ? s.toLowerCase(Locale.ROOT) : upper;
      }
    },
    QUERY {
      @Override
      public String apply(String s) {
        return s + "?x=1";
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Spelling.class)
  void validateWhenDestinationIsNearMissThenRejectsWithInvalidDestination(Spelling spelling) {
    String wrong = spelling.apply(Fixture.REPLY_URL);
    assertThat(rejectedCode(b -> b, b -> b.destination(wrong).recipient(Fixture.REPLY_URL)))
        .isEqualTo(ErrorCode.INVALID_DESTINATION);
  }

  @ParameterizedTest
  @EnumSource(Spelling.class)
  void validateWhenRecipientIsNearMissThenRejectsWithInvalidSubjectConfirmation(Spelling spelling) {
    String wrong = spelling.apply(Fixture.REPLY_URL);
    assertThat(rejectedCode(b -> b, b -> b.destination(Fixture.REPLY_URL).recipient(wrong)))
        .isEqualTo(ErrorCode.INVALID_SUBJECT_CONFIRMATION);
  }

  @ParameterizedTest
  @EnumSource(Spelling.class)
  void validateWhenAudienceIsNearMissThenRejectsWithInvalidAudience(Spelling spelling) {
    String wrong = spelling.apply(Fixture.ENTITY_ID);
    assertThat(rejectedCode(b -> b, b -> b.audience(wrong))).isEqualTo(ErrorCode.INVALID_AUDIENCE);
  }

  @ParameterizedTest
  @EnumSource(Spelling.class)
  void validateWhenAssertionIssuerIsNearMissThenRejectsWithInvalidIssuer(Spelling spelling) {
    String wrong = spelling.apply(FAKE.entra().entityId());
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.assertionIssuer(wrong))))
        .isEqualTo(ErrorCode.INVALID_ISSUER);
  }

  @ParameterizedTest
  @EnumSource(Spelling.class)
  void validateWhenResponseIssuerIsNearMissThenRejectsWithInvalidIssuer(Spelling spelling) {
    String wrong = spelling.apply(FAKE.entra().entityId());
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.responseIssuer(wrong))))
        .isEqualTo(ErrorCode.INVALID_ISSUER);
  }

  // --- missing where required -------------------------------------------------------------------

  @Test
  void validateWhenDestinationMissingThenRejectsWithInvalidDestination() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.withoutDestination())))
        .isEqualTo(ErrorCode.INVALID_DESTINATION);
  }

  @Test
  void validateWhenRecipientMissingThenRejectsWithInvalidSubjectConfirmation() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.withoutRecipient())))
        .isEqualTo(ErrorCode.INVALID_SUBJECT_CONFIRMATION);
  }

  @Test
  void validateWhenAudienceMissingThenRejectsWithInvalidAudience() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.withoutAudience())))
        .isEqualTo(ErrorCode.INVALID_AUDIENCE);
  }

  @Test
  void validateWhenAssertionIssuerMissingThenRejectsWithInvalidIssuer() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.withoutAssertionIssuer())))
        .isEqualTo(ErrorCode.INVALID_ISSUER);
  }

  @Test
  void validateWhenResponseIssuerMissingThenAcceptsBecauseItIsOptional() {
    assertThat(acceptedWith(b -> b, b -> b.with(Attack.withoutResponseIssuer())).nameId())
        .isNotBlank();
  }

  @Test
  void validateWhenResponseIssuerDiffersFromAssertionIssuerThenRejectsWithInvalidIssuer() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.wrongResponseIssuer())))
        .isEqualTo(ErrorCode.INVALID_ISSUER);
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.wrongIssuer())))
        .isEqualTo(ErrorCode.INVALID_ISSUER);
  }

  // --- InResponseTo -----------------------------------------------------------------------------

  @Test
  void validateWhenInResponseToMissingThenRejectsWithUnsolicitedResponse() {
    assertThat(rejectedCode(b -> b, ResponseBuilder::withoutInResponseTo))
        .isEqualTo(ErrorCode.UNSOLICITED_RESPONSE);
  }

  @Test
  void validateWhenInResponseToIsForeignThenRejectsWithUnknownInResponseTo() {
    assertThat(rejectedCode(b -> b, b -> b.inResponseTo("_" + "f".repeat(32))))
        .isEqualTo(ErrorCode.UNKNOWN_IN_RESPONSE_TO);
  }

  @Test
  void validateWhenRequestWasAlreadyAnsweredThenRejectsSecondAnswer() throws Exception {
    Fixture.Flow used = fx.start();
    Fixture.Flow live = fx.start();
    String first = fx.respond(used).build();
    assertThat(fx.sp.validate(first, List.of(used.pending(), live.pending())).nameId())
        .isNotBlank();
    // The same Response again while the request is still remembered: the assertion ID is spent.
    assertThat(rejectedCode(fx, used, first)).isEqualTo(ErrorCode.REPLAYED_ASSERTION);
    // A new genuine answer to the used request, after the caller consumed it: not pending.
    String second = fx.respond(used).build();
    assertThat(rejectedCode(fx, live, second)).isEqualTo(ErrorCode.UNKNOWN_IN_RESPONSE_TO);
  }

  @Test
  void validateWhenResponseAnswersRequestOfAnotherRegistrationThenRejectsWithInvalidSignature()
      throws Exception {
    FakeEntra otherTenant = FakeEntra.builder().clock(clock).build();
    ServiceProvider sp =
        ServiceProvider.builder()
            .registration(Fixture.registration("contoso", FAKE.entra()))
            .registration(Fixture.registration("fabrikam", otherTenant))
            .clock(clock)
            .build();
    SignInRequest toFabrikam = sp.startSignIn("fabrikam", null);
    var received = otherTenant.parseRedirect(toFabrikam.redirectUrl().toString());
    // Control: fabrikam's own tenant answers and is accepted.
    assertThat(sp.validate(otherTenant.respondTo(received).build(), toFabrikam.pending()).nameId())
        .isNotBlank();
    SignInRequest again = sp.startSignIn("fabrikam", null);
    var receivedAgain = otherTenant.parseRedirect(again.redirectUrl().toString());
    // Contoso's tenant answers fabrikam's request (same SP, same Reply URL and Identifier).
    String crossed = FAKE.entra().respondTo(receivedAgain).build();
    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class, () -> sp.validate(crossed, again.pending()));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  // --- time windows at +-1 s around the skew
  // ------------------------------------------------------

  @Test
  void validateWhenNotOnOrAfterIsOneSecondInsideSkewThenAccepts() {
    Instant edge = clock.instant().minus(fx.sp.clockSkew()).plusSeconds(1);
    acceptedWith(b -> b, b -> b.with(Attack.notOnOrAfter(edge)));
  }

  @Test
  void validateWhenNotOnOrAfterIsAtSkewThenRejectsWithExpired() {
    Instant edge = clock.instant().minus(fx.sp.clockSkew());
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.notOnOrAfter(edge))))
        .isEqualTo(ErrorCode.EXPIRED);
  }

  @Test
  void validateWhenNotBeforeIsAtSkewThenAccepts() {
    Instant edge = clock.instant().plus(fx.sp.clockSkew());
    acceptedWith(b -> b, b -> b.with(Attack.notBefore(edge)));
  }

  @Test
  void validateWhenNotBeforeIsOneSecondBeyondSkewThenRejectsWithNotYetValid() {
    Instant edge = clock.instant().plus(fx.sp.clockSkew()).plusSeconds(1);
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.notBefore(edge))))
        .isEqualTo(ErrorCode.NOT_YET_VALID);
  }

  @Test
  void validateWhenSubjectConfirmationNotOnOrAfterIsOneSecondInsideSkewThenAccepts() {
    Instant edge = clock.instant().minus(fx.sp.clockSkew()).plusSeconds(1);
    acceptedWith(b -> b, b -> b.with(Attack.subjectConfirmationNotOnOrAfter(edge)));
  }

  @Test
  void validateWhenSubjectConfirmationNotOnOrAfterIsAtSkewThenRejects() {
    Instant edge = clock.instant().minus(fx.sp.clockSkew());
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.subjectConfirmationNotOnOrAfter(edge))))
        .isEqualTo(ErrorCode.INVALID_SUBJECT_CONFIRMATION);
  }

  @Test
  void validateWhenIssueInstantIsOneSecondTooOldThenRejectsWithStaleResponse() {
    Instant stale = clock.instant().minus(fx.sp.maxResponseAge()).minus(fx.sp.clockSkew());
    acceptedWith(b -> b, b -> b.issueInstant(stale.plusSeconds(1)));
    assertThat(rejectedCode(b -> b, b -> b.issueInstant(stale.minusSeconds(1))))
        .isEqualTo(ErrorCode.STALE_RESPONSE);
  }

  @Test
  void validateWhenIssueInstantIsOneSecondBeyondSkewInFutureThenRejectsWithNotYetValid() {
    Instant future = clock.instant().plus(fx.sp.clockSkew());
    acceptedWith(b -> b, b -> b.issueInstant(future));
    assertThat(rejectedCode(b -> b, b -> b.issueInstant(future.plusSeconds(1))))
        .isEqualTo(ErrorCode.NOT_YET_VALID);
  }

  @Test
  void validateWhenResponseIsHeldUntilJustPastItsLifetimeThenRejectsWithExpired() {
    Fixture lenient =
        new Fixture(
            FAKE.entra(),
            clock,
            b -> b.maxResponseAge(Duration.ofHours(1)).pendingRequestLifetime(Duration.ofHours(2)));
    Fixture.Flow flow = lenient.start();
    String response = lenient.respond(flow).build();
    clock.advance(Duration.ofMinutes(60).plus(lenient.sp.clockSkew()));
    assertThat(rejectedCode(lenient, flow, response)).isEqualTo(ErrorCode.EXPIRED);
  }
}
