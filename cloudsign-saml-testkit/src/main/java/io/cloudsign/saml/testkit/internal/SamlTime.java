package io.cloudsign.saml.testkit.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** Entra's timestamp form: UTC, always three fraction digits, {@code Z}. */
public final class SamlTime {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private SamlTime() {}

  /**
   * An {@code xs:dateTime} in UTC as SAML requires (any number of fraction digits).
   *
   * @throws IllegalArgumentException naming {@code what} if it is not one
   */
  public static Instant parse(String value, String what) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(what + " is not an xs:dateTime in UTC");
    }
  }

  public static String format(Instant instant) {
    return FORMAT.format(instant.truncatedTo(ChronoUnit.MILLIS));
  }
}
