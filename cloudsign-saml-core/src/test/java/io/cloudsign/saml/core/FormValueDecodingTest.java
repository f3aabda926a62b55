package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntraExtension;
import io.cloudsign.saml.testkit.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DESIGN §4 rules 1-2 on the form value itself: the size limit is checked before decoding, wrapped
 * base64 is accepted, anything else that is not base64 is rejected (the MIME decoder alone would
 * skip foreign characters), and the XML may start with a UTF-8 byte-order mark.
 */
class FormValueDecodingTest {
  @RegisterExtension static FakeEntraExtension fake = FakeEntraExtension.create();

  private TestClock clock;
  private Fixture fx;

  @BeforeEach
  void setUp() {
    clock = fake.clock();
    clock.set(Instant.parse("2026-11-28T09:00:00Z"));
    fx = new Fixture(fake.entra(), clock);
  }

  private static ErrorCode rejected(ServiceProvider sp, String value, PendingRequest pending) {
    SamlValidationException e =
        catchThrowableOfType(SamlValidationException.class, () -> sp.validate(value, pending));
    assertThat(e).as("the Response must be rejected").isNotNull();
    return e.code();
  }

  private static String wrapped(String xml) {
    return Base64.getMimeEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void validateWhenBase64IsWrappedAtSeventySixColumnsThenAccepts() throws Exception {
    Fixture.Flow flow = fx.start();
    String value = wrapped(fx.respond(flow).buildXml());
    assertThat(value).contains("\r\n").contains("A").contains("Z").contains("a").contains("z");

    assertThat(fx.sp.validate(value, flow.pending()).nameId()).isNotBlank();
  }

  @Test
  void validateWhenBase64IsWrappedWithSpacesAndTabsThenAccepts() throws Exception {
    Fixture.Flow flow = fx.start();
    String value = wrapped(fx.respond(flow).buildXml()).replace("\r\n", " \t\n");

    assertThat(fx.sp.validate(value, flow.pending()).nameId()).isNotBlank();
  }

  /** Characters next to the base64 alphabet's ranges, and common URL-safe/encoding debris. */
  @ParameterizedTest
  @ValueSource(strings = {"@", "[", "`", "{", ":", "-", "_", ".", "*", "%", "!", "\u00e9"})
  void validateWhenWrappedBase64ContainsForeignCharacterThenRejectsWithMalformedResponse(
      String foreign) {
    Fixture.Flow flow = fx.start();
    String value = wrapped(fx.respond(flow).buildXml());
    int lineBreak = value.indexOf("\r\n");
    String tainted = value.substring(0, lineBreak + 2) + foreign + value.substring(lineBreak + 2);

    assertThat(rejected(fx.sp, tainted, flow.pending())).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"@", "-", "_"})
  void validateWhenUnwrappedBase64ContainsForeignCharacterThenRejectsWithMalformedResponse(
      String foreign) {
    Fixture.Flow flow = fx.start();
    String value = fx.respond(flow).build();
    String tainted = value.substring(0, 100) + foreign + value.substring(100);

    assertThat(rejected(fx.sp, tainted, flow.pending())).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  @Test
  void validateWhenFormValueIsExactlyTheSizeLimitThenAccepts() throws Exception {
    Fixture.Flow flow = fx.start();
    String value = fx.respond(flow).build();
    Fixture limited = new Fixture(fake.entra(), clock, b -> b.maxResponseChars(value.length()));

    assertThat(limited.sp.validate(value, flow.pending()).nameId()).isNotBlank();
  }

  @Test
  void validateWhenFormValueIsOneOverTheSizeLimitThenRejectsWithResponseTooLarge() {
    Fixture.Flow flow = fx.start();
    String value = fx.respond(flow).build();
    Fixture limited = new Fixture(fake.entra(), clock, b -> b.maxResponseChars(value.length() - 1));

    assertThat(rejected(limited.sp, value, flow.pending())).isEqualTo(ErrorCode.RESPONSE_TOO_LARGE);
  }

  @Test
  void validateWhenXmlStartsWithUtf8ByteOrderMarkThenAccepts() throws Exception {
    Fixture.Flow flow = fx.start();
    byte[] xml = fx.respond(flow).buildXml().getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[xml.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(xml, 0, withBom, 3, xml.length);

    String value = Base64.getEncoder().encodeToString(withBom);
    assertThat(fx.sp.validate(value, flow.pending()).nameId()).isNotBlank();
  }

  @Test
  void validateWhenAnIdOccursTwiceThenNamesTheDuplicateId() {
    Fixture.Flow flow = fx.start();
    String value =
        fx.respond(flow)
            .with(
                Attack.afterSigning(
                    xml ->
                        xml.replace("<samlp:Status>", "<samlp:Status ID=\"_twice\">")
                            .replace(
                                "</samlp:Response>",
                                "<x:Extra xmlns:x=\"urn:x\" ID=\"_twice\"/></samlp:Response>")))
            .build();

    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class, () -> fx.sp.validate(value, flow.pending()));
    assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_ID);
    assertThat(e.failures().get(0).detail()).contains("_twice");
  }
}
