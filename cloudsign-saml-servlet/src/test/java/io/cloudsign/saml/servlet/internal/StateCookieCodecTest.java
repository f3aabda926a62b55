package io.cloudsign.saml.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.servlet.internal.StateCookieCodec.Entry;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
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
    String v = codec.encode("state", "/acs", List.of(ENTRY));

    assertThat(codec.decode("state", "/acs", v)).hasValue(List.of(ENTRY));
    assertThat(ENTRY.toPendingRequest().relayState()).hasValue(ENTRY.relayKey());
  }

  @Test
  void decodeWhenAnyCharacterChangedThenEmpty() {
    String v = codec.encode("state", "/acs", List.of(ENTRY));
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i) == 'A' ? 'B' : 'A';
      String changed = v.substring(0, i) + c + v.substring(i + 1);
      assertThat(codec.decode("state", "/acs", changed)).as("changed at " + i).isEmpty();
    }
  }

  @Test
  void decodeWhenOtherKeyNameOrPathThenEmpty() {
    String v = codec.encode("state", "/acs", List.of(ENTRY));

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
