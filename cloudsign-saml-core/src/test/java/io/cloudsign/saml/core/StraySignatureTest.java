package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.ResponseBuilder;
import io.cloudsign.saml.testkit.TestClock;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A ds:Signature anywhere but as a direct child of the Response or its Assertion is refused, even
 * when the assertion's own signature is genuine (hardening item 9).
 */
class StraySignatureTest {
  private static final Pattern SIGNATURE =
      Pattern.compile("<(?:\\w+:)?Signature[\\s>].*?</(?:\\w+:)?Signature>", Pattern.DOTALL);

  private final TestClock clock = TestClock.at(Instant.parse("2026-11-28T09:00:00Z"));
  private final Fixture fx = new Fixture(FakeEntra.builder().clock(clock).build(), clock);

  /** Copies the assertion's genuine signature, wrapped, to just before {@code tag}. */
  private static ResponseBuilder copySignatureBefore(
      ResponseBuilder b, String tag, String open, String close) {
    return b.with(
        Attack.afterSigning(
            xml -> {
              Matcher m = SIGNATURE.matcher(xml);
              assertThat(m.find()).isTrue();
              String sig = m.group();
              if (!sig.contains("xmlns")) {
                sig =
                    sig.replaceFirst(
                        "Signature", "Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"");
              }
              int at = xml.indexOf(tag);
              assertThat(at).isPositive();
              return xml.substring(0, at) + open + sig + close + xml.substring(at);
            }));
  }

  private ErrorCode rejected(Fixture.Flow flow, ResponseBuilder b) {
    SamlValidationException e =
        catchThrowableOfType(SamlValidationException.class, () -> fx.validate(flow, b));
    assertThat(e).as("must be rejected").isNotNull();
    return e.code();
  }

  @Test
  void validateWhenASignatureSitsInsideStatusThenRejectsWithInvalidSignature() {
    Fixture.Flow flow = fx.start();

    ErrorCode code =
        rejected(flow, copySignatureBefore(fx.respond(flow), "</samlp:Status>", "", ""));

    assertThat(code).isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void validateWhenASignatureSitsInsideExtensionsThenRejectsWithInvalidSignature() {
    Fixture.Flow flow = fx.start();

    ErrorCode code =
        rejected(
            flow,
            copySignatureBefore(
                fx.respond(flow), "<samlp:Status>", "<samlp:Extensions>", "</samlp:Extensions>"));

    assertThat(code).isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void validateWhenOnlyTheDirectChildSignaturesArePresentThenAccepts() throws Exception {
    Fixture.Flow flow = fx.start();

    VerifiedAssertion a = fx.validate(flow, fx.respond(flow).signResponseAndAssertion());

    assertThat(a.nameId()).isNotEmpty();
  }
}
