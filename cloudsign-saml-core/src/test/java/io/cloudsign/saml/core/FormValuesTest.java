package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Arrays;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The fast base64 path against the JDK's decoders: it accepts only what the checked path accepts,
 * with the same bytes, and every posted value decodes (or fails) exactly as without it.
 */
class FormValuesTest {

  @Property(tries = 2000)
  void plainBase64WhenValueIsThePaddedEncodingOfAnyBytesThenDecodesThem(
      @ForAll @Size(min = 1, max = 3000) byte[] bytes) {
    String value = Base64.getEncoder().encodeToString(bytes);

    assertThat(FormValues.plainBase64(value)).isEqualTo(bytes);
  }

  @Property(tries = 20000)
  void plainBase64WhenAnyValueThenNullOrTheJdkDecodersBytes(@ForAll("nearBase64") String value) {
    byte[] fast = FormValues.plainBase64(value);

    if (fast != null) {
      assertThat(fast).isEqualTo(Base64.getDecoder().decode(value));
    }
  }

  @Property(tries = 20000)
  void decodeBase64WhenAnyValueThenSameOutcomeAsTheCheckedPath(@ForAll("nearBase64") String value) {
    byte[] checked = null;
    Throwable checkedFailure = catchThrowable(() -> FormValues.decodeBase64Checked(value));
    if (checkedFailure == null) {
      checked = FormValues.decodeBase64Checked(value);
    }
    byte[] decoded = null;
    Throwable failure = catchThrowable(() -> FormValues.decodeBase64(value));
    if (failure == null) {
      decoded = FormValues.decodeBase64(value);
    }

    assertThat(failure == null).as("accepted").isEqualTo(checkedFailure == null);
    if (failure != null) {
      assertThat(failure).isInstanceOf(IllegalArgumentException.class);
    } else {
      assertThat(Arrays.equals(decoded, checked)).as("same bytes").isTrue();
    }
  }

  @Test
  void plainBase64WhenValueIsNotPaddedBase64ThenLeavesItToTheCheckedPath() {
    for (String value :
        new String[] {
          "",
          "QQ",
          "QUI",
          "QQ=",
          "Q===",
          "====",
          "QQ==QQ==",
          "QU=I",
          "QUJD\r\n",
          "QUJD QUJD",
          "QUJ-",
          "QUJ_",
          "QUJ\u00c9",
          "QUJ\u0100"
        }) {
      assertThat(FormValues.plainBase64(value)).as(value).isNull();
    }
  }

  @Test
  void plainBase64WhenUnusedBitsOfTheLastCharacterAreSetThenIgnoresThemAsTheJdkDoes() {
    assertThat(FormValues.plainBase64("QR==")).isEqualTo(new byte[] {65});
    assertThat(FormValues.plainBase64("QUJ=")).isEqualTo(new byte[] {65, 66});
    assertThat(Base64.getDecoder().decode("QR==")).isEqualTo(new byte[] {65});
  }

  /** Short values over the alphabet, padding, whitespace and characters next to the alphabet. */
  @Provide
  Arbitrary<String> nearBase64() {
    Arbitrary<Character> c =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(
                40,
                Arbitraries.of(
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                        .chars()
                        .mapToObj(i -> (char) i)
                        .toArray(Character[]::new))),
            net.jqwik.api.Tuple.of(6, Arbitraries.just('=')),
            net.jqwik.api.Tuple.of(
                2, Arbitraries.of(' ', '\t', '\r', '\n', '\u00a0', '\u2028', '\u3000')),
            net.jqwik.api.Tuple.of(
                1,
                Arbitraries.of('-', '_', '@', '[', '`', '{', ':', '.', '\u00c1', '\u0141', '\0')));
    return c.list()
        .ofMaxSize(24)
        .map(l -> l.stream().map(String::valueOf).reduce("", String::concat));
  }
}
