package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.Attack;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How values are read from the one parse: an element that may occur once but occurs twice, element
 * content where a value belongs, and a time without a time zone make the Response malformed, so
 * that no two readers (first copy / last copy, text / markup, UTC / local time) can take different
 * values from the same bytes. Each edit is made before signing, so only the reading rule stops it.
 */
class StrictReadingTest extends AttackTestSupport {
  private static final DateTimeFormatter OFFSET_SEVEN_DIGITS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSXXX");

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Assertion Issuer twice | (<Assertion [^>]*><Issuer>[^<]*</Issuer>) | $1<Issuer>https://evil/</Issuer>",
        "Subject twice | (<Subject>.*?</Subject>) | $1$1",
        "NameID twice | (<NameID [^>]*>)[^<]*(</NameID>) | $0$1admin@contoso.com$2",
        "SubjectConfirmationData twice | (<SubjectConfirmationData [^>]*/>) | $1$1",
        "Conditions twice | (<Conditions .*?</Conditions>) | $1$1",
        "AuthnContext twice | (<AuthnContext>.*?</AuthnContext>) | $1$1",
        "AuthnContextClassRef twice | (<AuthnContextClassRef>[^<]*</AuthnContextClassRef>) | $1$1",
        "markup in NameID | (<NameID [^>]*>[^<]*)(</NameID>) | $1<b>x</b>$2",
        "markup in Assertion Issuer | (<Assertion [^>]*><Issuer>[^<]*)(</Issuer>) | $1<x/>$2",
        "markup in Audience | (<Audience>[^<]*)(</Audience>) | $1<x/>$2"
      })
  void validateWhenSignedContentReadsTwoWaysThenRejectsWithMalformedResponse(
      String what, String regex, String replacement) {
    assertThat(
            rejectedCode(
                b -> b, b -> b.with(Attack.beforeSigning(x -> replaceOnce(x, regex, replacement)))))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  @ParameterizedTest(name = "{0} twice")
  @CsvSource(
      delimiter = '|',
      value = {
        "Response Issuer | (<Issuer xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">[^<]*</Issuer>) | $1$1",
        "Status | (<samlp:Status>.*?</samlp:Status>) | $1$1",
        "StatusCode | (<samlp:StatusCode [^>]*/>) | $1$1"
      })
  void validateWhenResponseElementOccursTwiceThenRejectsWithMalformedResponse(
      String element, String regex, String replacement) {
    // Outside the assertion's signature: edited after signing.
    assertThat(
            rejectedCode(
                b -> b, b -> b.with(Attack.afterSigning(x -> replaceOnce(x, regex, replacement)))))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  @ParameterizedTest(name = "Assertion IssueInstant {0}")
  @CsvSource({
    "without a time zone, ''",
    "with an impossible date, 2026-02-30T10:00:00Z",
    "with minutes only, 2026-11-28T10:00Z",
    "with an empty fraction, 2026-11-28T10:00:00.Z",
    "in another notation, 28/11/2026 10:00:00"
  })
  void validateWhenTimeIsNotAnXsDateTimeWithZoneThenRejectsWithMalformedResponse(
      String what, String value) {
    assertThat(
            rejectedCode(
                b -> b,
                b ->
                    b.with(
                        Attack.beforeSigning(
                            x ->
                                editAssertionIssueInstant(
                                    x,
                                    v ->
                                        value.isEmpty()
                                            ? v.substring(0, v.length() - 1)
                                            : value)))))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  @Test
  void validateWhenTimesCarryAnOffsetOrSevenDigitFractionsThenAcceptsTheSameInstant() {
    VerifiedAssertion a =
        acceptedWith(
            b -> b,
            b ->
                b.with(
                    Attack.beforeSigning(
                        x ->
                            editAllTimes(
                                x,
                                v ->
                                    Instant.parse(v)
                                        .atOffset(ZoneOffset.ofHours(9))
                                        .format(OFFSET_SEVEN_DIGITS)))));
    VerifiedAssertion plain = accepted(fx, b -> b);
    assertThat(a.notOnOrAfter()).isEqualTo(plain.notOnOrAfter());
  }

  private static String replaceOnce(String xml, String regex, String replacement) {
    Matcher m = Pattern.compile(regex).matcher(xml);
    assertThat(m.find()).as("fixture contains %s", regex).isTrue();
    return xml.substring(0, m.start()) + expand(m, replacement) + xml.substring(m.end());
  }

  /** {@code replacement} with $0..$n replaced by the match's groups. */
  private static String expand(Matcher m, String replacement) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < replacement.length(); i++) {
      char c = replacement.charAt(i);
      if (c == '$'
          && i + 1 < replacement.length()
          && Character.isDigit(replacement.charAt(i + 1))) {
        sb.append(m.group(replacement.charAt(++i) - '0'));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String editAssertionIssueInstant(
      String xml, java.util.function.UnaryOperator<String> edit) {
    Matcher m = Pattern.compile("(<Assertion [^>]*IssueInstant=\")([^\"]*)\"").matcher(xml);
    assertThat(m.find()).isTrue();
    return xml.substring(0, m.start(2)) + edit.apply(m.group(2)) + xml.substring(m.end(2));
  }

  /** Applies {@code edit} to every SAML time attribute of the assertion. */
  private static String editAllTimes(String xml, java.util.function.UnaryOperator<String> edit) {
    Matcher m =
        Pattern.compile(
                "((?:IssueInstant|NotBefore|NotOnOrAfter|AuthnInstant|SessionNotOnOrAfter)=\")"
                    + "(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z)\"")
            .matcher(xml);
    StringBuilder sb = new StringBuilder();
    int count = 0;
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + edit.apply(m.group(2)) + "\""));
      count++;
    }
    m.appendTail(sb);
    assertThat(count).isGreaterThanOrEqualTo(5);
    return sb.toString();
  }
}
