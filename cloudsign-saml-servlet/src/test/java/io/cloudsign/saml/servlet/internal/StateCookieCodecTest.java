package io.cloudsign.saml.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.servlet.internal.StateCookieCodec.Entry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class StateCookieCodecTest {
  static final byte[] KEY = filled(1);
  static final String REPLY_URL = "https://contoso.example/saml2/idpresponse";
  static final Entry ENTRY =
      new Entry(
          "contoso",
          "_0123456789abcdef0123456789abcdef",
          Instant.ofEpochSecond(1_800_000_000L),
          Instant.ofEpochSecond(1_800_000_900L),
          "AAAAAAAAAAAAAAAAAAAAAA",
          "/inbox?x=1");

  /** The registrations served where the cookie arrives, by id: their configured Reply URL. */
  static final Function<String, Optional<String>> SERVED =
      id -> Optional.ofNullable(Map.of("contoso", REPLY_URL).get(id));

  static byte[] filled(int b) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) b);
    return k;
  }

  final StateCookieCodec codec = new StateCookieCodec(KEY);

  @Test
  void decodeWhenEncodedByTheSameKeyNameAndReplyUrlThenSameEntry() {
    String v = codec.encode("state", REPLY_URL, ENTRY);

    assertThat(codec.decode("state", v, SERVED)).hasValue(ENTRY);
    assertThat(ENTRY.toPendingRequest().relayState()).hasValue(ENTRY.relayKey());
  }

  /** The payload part, unchanged since the first release: one entry line after version "1". */
  static final String WIRE_PAYLOAD =
      "MQpjb250b3NvCV8wMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZgkxODAwMDAwMDAwCTE4MDAwMDA5MDAJQUFB"
          + "QUFBQUFBQUFBQUFBQUFBQUFBQQkvaW5ib3g_eD0x";

  /** {@link #ENTRY} for cookie "state" and {@link #REPLY_URL}: payload "." key id "." MAC. */
  static final String WIRE_VALUE =
      WIRE_PAYLOAD + ".8a85b646." + "UXsnUxwfolkaUjg1WuYXLoMnRgblHw_tptO2mWVTPYk";

  @Test
  void encodeWhenOneEntryThenTheWireFormatIsPinned() {
    String v = codec.encode("state", REPLY_URL, ENTRY);

    assertThat(v).isEqualTo(WIRE_VALUE);
    assertThat(new String(Base64.getUrlDecoder().decode(WIRE_PAYLOAD), StandardCharsets.UTF_8))
        .isEqualTo(
            "1\ncontoso\t_0123456789abcdef0123456789abcdef\t1800000000\t1800000900"
                + "\tAAAAAAAAAAAAAAAAAAAAAA\t/inbox?x=1");
    assertThat(codec.decode("state", WIRE_VALUE, SERVED)).hasValue(ENTRY);
  }

  @Test
  void decodeWhenPayloadHasNoEntryOrTwoEntriesThenEmpty() {
    String line = "contoso\t_1\t1800000000\t1800000900\tAAAA\t/";
    for (String payload : new String[] {"1", "1\n" + line + "\n" + line, "2\n" + line}) {
      assertThat(codec.decode("state", signed("contoso", REPLY_URL, payload), SERVED))
          .as(payload)
          .isEmpty();
    }
    assertThat(codec.decode("state", signed("contoso", REPLY_URL, "1\n" + line), SERVED))
        .isPresent();
  }

  @Test
  void decodeWhenMintedForAnotherReplyUrlOrRegistrationThenEmpty() {
    String otherUrl = codec.encode("state", "https://fabrikam.example/saml2/idpresponse", ENTRY);
    String otherPath = codec.encode("state", "https://contoso.example/x/saml2/idpresponse", ENTRY);
    Entry fabrikam =
        new Entry(
            "fabrikam",
            ENTRY.requestId(),
            ENTRY.issuedAt(),
            ENTRY.expiresAt(),
            ENTRY.relayKey(),
            ENTRY.returnPath());
    String notServed = codec.encode("state", REPLY_URL, fabrikam);

    assertThat(codec.decode("state", otherUrl, SERVED)).isEmpty();
    assertThat(codec.decode("state", otherPath, SERVED)).isEmpty();
    assertThat(codec.decode("state", notServed, SERVED)).isEmpty();
    assertThat(codec.decode("state", notServed, id -> Optional.of(REPLY_URL))).hasValue(fabrikam);
  }

  /** A value with a valid MAC over any payload, built as the codec builds one. */
  private static String signed(String registrationId, String replyUrl, String payload) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
      String kid = StateCookieCodec.keyId(KEY);
      mac.update(
          ("cloudsign-saml-state-v3\0"
                  + kid
                  + "\0state\0"
                  + registrationId
                  + "\0"
                  + replyUrl
                  + "\0")
              .getBytes(StandardCharsets.UTF_8));
      byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      return b64.encodeToString(bytes) + "." + kid + "." + b64.encodeToString(mac.doFinal(bytes));
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void expiredAtWhenNowReachesExpiresAtThenTrue() {
    assertThat(ENTRY.expiredAt(ENTRY.expiresAt().minusSeconds(1))).isFalse();
    assertThat(ENTRY.expiredAt(ENTRY.expiresAt())).isTrue();
  }

  @Test
  void decodeWhenAnyCharacterChangedThenEmpty() {
    String v = codec.encode("state", REPLY_URL, ENTRY);
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i) == 'A' ? 'B' : 'A';
      String changed = v.substring(0, i) + c + v.substring(i + 1);
      assertThat(codec.decode("state", changed, SERVED)).as("changed at " + i).isEmpty();
    }
  }

  @Test
  void decodeWhenOtherKeyOrNameThenEmpty() {
    String v = codec.encode("state", REPLY_URL, ENTRY);

    assertThat(new StateCookieCodec(filled(2)).decode("state", v, SERVED)).isEmpty();
    assertThat(codec.decode("other", v, SERVED)).isEmpty();
  }

  @Test
  void decodeWhenMadeWithAPreviousKeyThenAcceptedUntilThatKeyIsDropped() {
    String old = new StateCookieCodec(filled(2)).encode("state", REPLY_URL, ENTRY);
    StateCookieCodec rotated = new StateCookieCodec(KEY, java.util.List.of(filled(2)));

    assertThat(rotated.decode("state", old, SERVED)).hasValue(ENTRY);
    assertThat(codec.decode("state", old, SERVED)).isEmpty();
    // New values are signed with the current key only.
    String fresh = rotated.encode("state", REPLY_URL, ENTRY);
    assertThat(codec.decode("state", fresh, SERVED)).hasValue(ENTRY);
    assertThat(new StateCookieCodec(filled(2)).decode("state", fresh, SERVED)).isEmpty();
  }

  @Test
  void valueNamesItsSigningKeyAndTheKeyIdIsCoveredByTheMac() {
    StateCookieCodec rotated = new StateCookieCodec(KEY, java.util.List.of(filled(2)));
    String old = new StateCookieCodec(filled(2)).encode("state", REPLY_URL, ENTRY);
    String[] parts = old.split("\\.");

    assertThat(rotated.keyIds())
        .containsExactly(StateCookieCodec.keyId(KEY), StateCookieCodec.keyId(filled(2)));
    assertThat(rotated.keyIdOf(old)).hasValue(StateCookieCodec.keyId(filled(2)));
    assertThat(StateCookieCodec.keyId(KEY)).matches("[0-9a-f]{8}").isNotEqualTo(parts[1]);
    String relabelled = parts[0] + "." + StateCookieCodec.keyId(KEY) + "." + parts[2];
    assertThat(rotated.decode("state", relabelled, SERVED)).isEmpty();
    String unlabelled = parts[0] + "." + parts[2];
    assertThat(rotated.decode("state", unlabelled, SERVED)).isEmpty();
    assertThat(rotated.decode("state", old, SERVED)).hasValue(ENTRY);
  }

  @Test
  void decodeWhenGarbageThenEmpty() {
    for (String g : new String[] {"", ".", "a.b.c", "!!!.???", "x".repeat(10_000), "MQ.AAAA"}) {
      assertThat(codec.decode("state", g, SERVED)).as(g).isEmpty();
    }
  }

  @Test
  void constructorWhenKeyShorterThan32BytesThenRejected() {
    assertThatThrownBy(() -> new StateCookieCodec(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
