package io.cloudsign.saml.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.servlet.internal.StateCookieCodec.Entry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class StateCookieCodecTest {
  static final byte[] KEY = filled(1);
  static final Entry ENTRY =
      new Entry(
          "contoso",
          "_0123456789abcdef0123456789abcdef",
          Instant.ofEpochSecond(1_800_000_000L),
          Instant.ofEpochSecond(1_800_000_900L),
          "AAAAAAAAAAAAAAAAAAAAAA",
          "/inbox?x=1");

  static byte[] filled(int b) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) b);
    return k;
  }

  final StateCookieCodec codec = new StateCookieCodec(KEY);

  @Test
  void decodeWhenEncodedByTheSameKeyNameAndPathThenSameEntries() {
    String v = codec.encode("state", "/acs", ENTRY);

    assertThat(codec.decode("state", "/acs", v)).hasValue(ENTRY);
    assertThat(ENTRY.toPendingRequest().relayState()).hasValue(ENTRY.relayKey());
  }

  /** The value of {@link #ENTRY} for cookie "state" at path "/acs", as every release wrote it. */
  static final String WIRE_VALUE =
      "MQpjb250b3NvCV8wMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZgkxODAwMDAwMDAwCTE4MDAwMDA5MDAJQUFB"
          + "QUFBQUFBQUFBQUFBQUFBQUFBQQkvaW5ib3g_eD0x.nklGiZp9I4QI5RUI7Tn7vpTDit7J-5wBmTmPEMiO7I0";

  @Test
  void encodeWhenOneEntryThenTheWireFormatIsUnchanged() {
    String v = codec.encode("state", "/acs", ENTRY);
    String payload = v.substring(0, v.indexOf('.'));

    assertThat(v).isEqualTo(WIRE_VALUE);
    assertThat(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8))
        .isEqualTo(
            "1\ncontoso\t_0123456789abcdef0123456789abcdef\t1800000000\t1800000900"
                + "\tAAAAAAAAAAAAAAAAAAAAAA\t/inbox?x=1");
    assertThat(codec.decode("state", "/acs", WIRE_VALUE)).hasValue(ENTRY);
  }

  @Test
  void decodeWhenPayloadHasNoEntryOrTwoEntriesThenEmpty() {
    String line = "contoso\t_1\t1800000000\t1800000900\tAAAA\t/";
    for (String payload : new String[] {"1", "1\n" + line + "\n" + line, "2\n" + line}) {
      String forged = signed(payload);
      assertThat(codec.decode("state", "/acs", forged)).as(payload).isEmpty();
    }
    assertThat(codec.decode("state", "/acs", signed("1\n" + line))).isPresent();
  }

  /** A value with a valid MAC over any payload, built as the codec builds one. */
  private static String signed(String payload) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
      mac.update("cloudsign-saml-state\0state\0/acs\0".getBytes(StandardCharsets.UTF_8));
      byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      return b64.encodeToString(bytes) + "." + b64.encodeToString(mac.doFinal(bytes));
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
    String v = codec.encode("state", "/acs", ENTRY);
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i) == 'A' ? 'B' : 'A';
      String changed = v.substring(0, i) + c + v.substring(i + 1);
      assertThat(codec.decode("state", "/acs", changed)).as("changed at " + i).isEmpty();
    }
  }

  @Test
  void decodeWhenOtherKeyNameOrPathThenEmpty() {
    String v = codec.encode("state", "/acs", ENTRY);

    assertThat(new StateCookieCodec(filled(2)).decode("state", "/acs", v)).isEmpty();
    assertThat(codec.decode("other", "/acs", v)).isEmpty();
    assertThat(codec.decode("state", "/other/acs", v)).isEmpty();
  }

  @Test
  void decodeWhenGarbageThenEmpty() {
    for (String g : new String[] {"", ".", "a.b.c", "!!!.???", "x".repeat(10_000), "MQ.AAAA"}) {
      assertThat(codec.decode("state", "/acs", g)).as(g).isEmpty();
    }
  }

  @Test
  void constructorWhenKeyShorterThan32BytesThenRejected() {
    assertThatThrownBy(() -> new StateCookieCodec(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
