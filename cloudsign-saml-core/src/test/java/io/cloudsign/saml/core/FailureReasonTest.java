package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntraExtension;
import io.cloudsign.saml.testkit.TestClock;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broad codes carry a stable finer reason an admin and a test can read without parsing the log
 * text; the parse bounds hold on the whole path (a Response with more namespace declarations in
 * scope than any IdP sends is refused before the parser runs).
 */
class FailureReasonTest {
  @RegisterExtension static FakeEntraExtension fake = FakeEntraExtension.create();

  private Fixture fx;

  @BeforeEach
  void setUp() {
    TestClock clock = fake.clock();
    clock.set(Instant.parse("2026-11-28T09:00:00Z"));
    fx = new Fixture(fake.entra(), clock);
  }

  private SamlValidationException rejected(Fixture.Flow flow, String samlResponse) {
    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class, () -> fx.sp.validate(samlResponse, flow.pending()));
    assertThat(e).as("the Response must be rejected").isNotNull();
    return e;
  }

  @Test
  void validateWhenSignedContentWasChangedThenSignatureNotVerified() {
    Fixture.Flow flow = fx.start();

    SamlValidationException e =
        rejected(
            flow,
            fx.respond(flow).with(Attack.tamperedAfterSigning("mallory@contoso.com")).build());

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
    assertThat(e.reason()).isEqualTo(FailureReason.SIGNATURE_NOT_VERIFIED);
    assertThat(e.getMessage()).contains("invalid_signature (not_verified)");
  }

  @Test
  void validateWhenValueIsNotBase64ThenNotBase64() {
    Fixture.Flow flow = fx.start();

    assertThat(rejected(flow, "%%%not-base64%%%").reason()).isEqualTo(FailureReason.NOT_BASE64);
  }

  @Test
  void validateWhenRootIsNotAResponseThenNotAResponse() {
    Fixture.Flow flow = fx.start();
    String xml = fx.respond(flow).buildXml();
    String assertionOnly =
        xml.substring(xml.indexOf("<Assertion"), xml.indexOf("</samlp:Response>"));

    assertThat(rejected(flow, Fixture.encode(assertionOnly)).reason())
        .isEqualTo(FailureReason.NOT_A_RESPONSE);
  }

  @Test
  void validateWhenTooManyNamespacesAreInScopeThenParseBounds() {
    Fixture.Flow flow = fx.start();
    String xml = fx.respond(flow).buildXml();
    String declarations =
        IntStream.range(0, 40)
            .mapToObj(i -> " xmlns:p" + i + "=\"urn:p" + i + "\"")
            .collect(Collectors.joining());
    String hostile = xml.replaceFirst("<samlp:Response ", "<samlp:Response" + declarations + " ");

    SamlValidationException e = rejected(flow, Fixture.encode(hostile));

    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.reason()).isEqualTo(FailureReason.PARSE_BOUNDS);
  }

  @Test
  void reasonsBelongToTheBroadCodesOnlyAndTheirIdsAreUnique() {
    assertThat(Arrays.stream(FailureReason.values()).map(FailureReason::id).distinct().count())
        .isEqualTo(FailureReason.values().length);
    assertThatThrownBy(
            () -> new ValidationFailure(ErrorCode.INVALID_SIGNATURE, "a reason is required"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new ValidationFailure(
                    ErrorCode.EXPIRED, FailureReason.SIGNATURE_NOT_VERIFIED, "wrong code"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
