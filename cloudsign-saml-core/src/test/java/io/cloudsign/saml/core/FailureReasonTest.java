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
  void validateWhenNestedDeeperThan64ElementsThenParseBounds() {
    Fixture.Flow flow = fx.start();
    String xml = fx.respond(flow).buildXml();
    String nested = "<e>".repeat(70) + "</e>".repeat(70);
    String hostile = xml.replaceFirst("</Issuer>", "</Issuer>" + nested);

    SamlValidationException e = rejected(flow, Fixture.encode(hostile));

    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.reason()).isEqualTo(FailureReason.PARSE_BOUNDS);
    assertThat(e.getMessage()).contains("deeper than 64");
  }

  @Test
  void validateWhenMoreAttributesThanTheDocumentBoundThenParseBounds() {
    Fixture.Flow flow = fx.start();
    // 100 elements of 50 attributes: each element within its own bound, 5,000 in all.
    String fifty =
        IntStream.range(0, 50).mapToObj(i -> " a" + i + "=\"\"").collect(Collectors.joining());
    String many = ("<e" + fifty + "/>").repeat(100);
    String hostile =
        fx.respond(flow)
            .with(
                Attack.afterSigning(
                    xml -> xml.replaceFirst("</AttributeValue>", many + "</AttributeValue>")))
            .build();

    SamlValidationException e = rejected(flow, hostile);

    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.reason()).isEqualTo(FailureReason.PARSE_BOUNDS);
    assertThat(e.getMessage()).contains("4096 attributes in the document");
  }

  @Test
  void validateWhenEveryValueIsTypedLikeOktaOrShibbolethThenAccepted() throws Exception {
    Fixture.Flow flow = fx.start();
    // 1,000 group values, each declaring xs and xsi and typed xs:string: 3,000 attributes, about
    // as many as fit the default size limit.
    String typed =
        " xmlns:xs=\"http://www.w3.org/2001/XMLSchema\""
            + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"xs:string\"";
    String[] groups = IntStream.range(0, 1_000).mapToObj(i -> "group-" + i).toArray(String[]::new);
    String response =
        fx.respond(flow)
            .attribute("http://schemas.example/claims/groups", groups)
            .with(
                Attack.beforeSigning(
                    xml -> xml.replace("<AttributeValue>", "<AttributeValue" + typed + ">")))
            .build();

    VerifiedAssertion a = fx.sp.validate(response, flow.pending());

    assertThat(a.attributes().get("http://schemas.example/claims/groups")).hasSize(1_000);
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
