package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replay state is bounded and partitioned (hardening items 3 and 7): entries live only while an
 * assertion could be accepted, one tenant cannot fill another's share, a full or failing cache has
 * its own code, and an answered AuthnRequest cannot be answered again.
 */
class ReplayStateTest {
  private final TestClock clock = TestClock.at(Instant.parse("2026-11-28T09:00:00Z"));
  private final FakeEntra entra = FakeEntra.builder().clock(clock).build();

  private static SamlValidationException rejection(ThrowingCall call) {
    SamlValidationException e = catchThrowableOfType(SamlValidationException.class, call::run);
    assertThat(e).as("must be rejected").isNotNull();
    return e;
  }

  private interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void validateWhenTheIdpChoosesACenturyLongLifetimeThenTheEntryLivesOnlyUntilMaxAgePlusSkew()
      throws Exception {
    List<Instant> kept = new ArrayList<>();
    Fixture fx =
        new Fixture(
            entra,
            clock,
            b ->
                b.replayCache(
                    (partition, id, keepUntil) -> {
                      if (id.startsWith("assertion")) {
                        kept.add(keepUntil);
                      }
                      return ReplayCache.Outcome.FIRST_USE;
                    }));
    Fixture.Flow flow = fx.start();
    Instant century = clock.instant().plus(Duration.ofDays(36_500));

    fx.validate(
        flow,
        fx.respond(flow)
            .with(Attack.notOnOrAfter(century))
            .with(Attack.subjectConfirmationNotOnOrAfter(century)));

    assertThat(kept)
        .containsExactly(clock.instant().plus(fx.sp.maxResponseAge()).plus(fx.sp.clockSkew()));
  }

  @Test
  void validateWhenOneRegistrationFilledItsShareThenAnotherStillSignsIn() throws Exception {
    InMemoryReplayCache shared = new InMemoryReplayCache(2, clock);
    Registration a = Fixture.registration("tenant-a", entra);
    Registration b = Fixture.registration("tenant-b", entra);
    ServiceProvider sp =
        ServiceProvider.builder()
            .registration(a)
            .registration(b)
            .clock(clock)
            .replayCache(shared)
            .build();
    // One sign-in of tenant-a fills its share (an assertion ID and a request ID).
    signIn(sp, "tenant-a");

    SamlValidationException full = rejection(() -> signIn(sp, "tenant-a"));
    VerifiedAssertion other = signIn(sp, "tenant-b");

    assertThat(full.code()).isEqualTo(ErrorCode.REPLAY_CACHE_FULL);
    assertThat(other.registrationId()).isEqualTo("tenant-b");
  }

  @Test
  void validateWhenTheReplayCacheStoreFailsThenRejectsWithReplayCacheUnavailable() {
    Fixture fx =
        new Fixture(
            entra,
            clock,
            b ->
                b.replayCache(
                    (partition, id, keepUntil) -> {
                      throw new IllegalStateException("connection refused");
                    }));
    Fixture.Flow flow = fx.start();

    SamlValidationException e = rejection(() -> fx.validate(flow, fx.respond(flow)));

    assertThat(e.code()).isEqualTo(ErrorCode.REPLAY_CACHE_UNAVAILABLE);
  }

  @Test
  void validateWhenASecondResponseAnswersAnAlreadyAnsweredRequestThenRejects() throws Exception {
    Fixture fx = new Fixture(entra, clock);
    Fixture.Flow flow = fx.start();
    fx.validate(flow, fx.respond(flow)); // signed in; the browser re-sends its old state cookie

    SamlValidationException e = rejection(() -> fx.validate(flow, fx.respond(flow)));

    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_IN_RESPONSE_TO);
  }

  @Test
  void validateWhenTheSameResponseIsSentTwiceThenRejectsAsReplayedAssertion() throws Exception {
    Fixture fx = new Fixture(entra, clock);
    Fixture.Flow flow = fx.start();
    String response = fx.respond(flow).build();
    fx.sp.validate(response, flow.pending());

    SamlValidationException e = rejection(() -> fx.sp.validate(response, flow.pending()));

    assertThat(e.code()).isEqualTo(ErrorCode.REPLAYED_ASSERTION);
  }

  private VerifiedAssertion signIn(ServiceProvider sp, String registrationId) throws Exception {
    SignInRequest request = sp.startSignIn(registrationId, null);
    String response =
        entra.respondTo(entra.parseRedirect(request.redirectUrl().toString())).build();
    return sp.validate(response, request.pending());
  }
}
