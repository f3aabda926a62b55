package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.testkit.FakeEntraExtension;
import io.cloudsign.saml.testkit.ResponseBuilder;
import io.cloudsign.saml.testkit.TestClock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shared shape of the named attack corpus (issue 4): every case starts from a fresh, genuine
 * Response of the fake Entra, applies one named attack of the testkit and asserts the exact error
 * code; the same builder without the attack is accepted first (positive control under the same
 * configuration), so a case cannot pass because the base Response was broken. The timeout
 * (inherited by every family) only guards against a hang; no case asserts a duration.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class AttackTestSupport {
  @RegisterExtension static final FakeEntraExtension FAKE = FakeEntraExtension.create();

  static final String EVIL_NAME_ID = "admin@contoso.com";

  TestClock clock;
  Fixture fx;

  @BeforeEach
  void setUpFixture() {
    clock = FAKE.clock();
    clock.set(Instant.parse("2026-11-28T09:00:00Z"));
    fx = new Fixture(FAKE.entra(), clock);
  }

  /** Control: {@code base} alone is accepted; then {@code base + attack} is rejected. */
  ErrorCode rejectedCode(
      UnaryOperator<ResponseBuilder> base, UnaryOperator<ResponseBuilder> attack) {
    return rejectedCode(fx, base, attack);
  }

  static ErrorCode rejectedCode(
      Fixture f, UnaryOperator<ResponseBuilder> base, UnaryOperator<ResponseBuilder> attack) {
    accepted(f, base);
    Fixture.Flow flow = f.start();
    String hostile = attack.apply(base.apply(f.respond(flow))).build();
    return rejectedCode(f, flow, hostile);
  }

  static ErrorCode rejectedCode(Fixture f, Fixture.Flow flow, String samlResponse) {
    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class, () -> f.sp.validate(samlResponse, flow.pending()));
    assertThat(e).as("the hostile Response must be rejected").isNotNull();
    return e.code();
  }

  /** Control only: the Response {@code base} builds is accepted. */
  static VerifiedAssertion accepted(Fixture f, UnaryOperator<ResponseBuilder> base) {
    Fixture.Flow flow = f.start();
    try {
      return f.sp.validate(base.apply(f.respond(flow)).build(), flow.pending());
    } catch (SamlValidationException e) {
      throw new AssertionError("positive control rejected: " + e.getMessage(), e);
    }
  }

  /** Control, then {@code base + variant} (not an attack that must fail) is accepted too. */
  VerifiedAssertion acceptedWith(
      UnaryOperator<ResponseBuilder> base, UnaryOperator<ResponseBuilder> variant) {
    accepted(fx, base);
    return accepted(fx, b -> variant.apply(base.apply(b)));
  }
}
