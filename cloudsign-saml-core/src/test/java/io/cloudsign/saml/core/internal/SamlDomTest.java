package io.cloudsign.saml.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The xs:dateTime reading every SAML time goes through (exact instants, strict form). */
class SamlDomTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "2026-11-28T14:41:49.702Z, 2026-11-28T14:41:49.702Z",
    "2026-11-28T14:41:49Z, 2026-11-28T14:41:49Z",
    "2026-11-28T14:41:49.7020000Z, 2026-11-28T14:41:49.702Z",
    "2026-11-28T14:41:49.1234567891Z, 2026-11-28T14:41:49.123456789Z",
    "2026-11-28T14:41:49.5+09:00, 2026-11-28T05:41:49.5Z",
    "2026-11-28T14:41:49-05:30, 2026-11-28T20:11:49Z",
    "2026-11-28T00:00:00+14:00, 2026-11-27T10:00:00Z",
    "2024-02-29T23:59:59.999Z, 2024-02-29T23:59:59.999Z"
  })
  void parseDateTimeWhenXsDateTimeWithZoneThenReturnsThatInstant(String text, String expected) {
    assertThat(SamlDom.parseDateTime(text)).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-28T14:41:49",
        "2026-11-28T14:41:49.702",
        "2026-11-28T14:41Z",
        "2026-11-28T14:41:49.Z",
        "2026-11-28 14:41:49Z",
        "2026-11-28T24:00:00Z",
        "2026-02-29T10:00:00Z",
        "2026-13-01T10:00:00Z",
        "2026-11-28T14:41:49+15:00",
        "2026-11-28T14:41:49+14:30",
        "2026-11-28T14:41:49+09:60",
        "2026-11-28T14:41:49+0900",
        "2026-11-28T14:41:49ZZ",
        "2026-11-2AT14:41:49Z",
        "20261128T144149Z",
        ""
      })
  void parseDateTimeWhenNotAnXsDateTimeWithZoneThenReturnsNull(String text) {
    assertThat(SamlDom.parseDateTime(text)).isNull();
  }
}
