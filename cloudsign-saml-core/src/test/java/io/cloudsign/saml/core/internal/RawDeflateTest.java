package io.cloudsign.saml.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * {@link RawDeflate}'s fixed-code encoder is checked against the JDK's {@link Inflater} (zlib's
 * decoder, the same DEFLATE decoder family as the IdPs'): every output inflates to exactly its
 * input and ends the stream, on arbitrary bytes, on XML built like our messages, on runs that need
 * the longest match (258) and inputs longer than the 32 KiB window; it never grows past 9 bits an
 * input byte; and on an AuthnRequest it stays within a fifth of zlib's size.
 */
class RawDeflateTest {

  @Property(tries = 500)
  void fixedCodesWhenArbitraryBytesThenTheyInflateBack(@ForAll @Size(max = 5000) byte[] input)
      throws DataFormatException {
    assertRoundTrip(input);
  }

  @Property(tries = 500)
  void fixedCodesWhenRepetitiveBytesThenTheyInflateBack(@ForAll long seed)
      throws DataFormatException {
    Random random = new Random(seed);
    byte[] input = new byte[random.nextInt(8000)];
    int alphabet = 1 + random.nextInt(5);
    for (int i = 0; i < input.length; i++) {
      input[i] = (byte) (random.nextInt(alphabet) * 61);
    }
    assertRoundTrip(input);
  }

  @Property(tries = 300)
  void fixedCodesWhenXmlLikeOurMessagesThenItInflatesBack(@ForAll long seed)
      throws DataFormatException {
    Random random = new Random(seed);
    String[] parts = {
      "<samlp:AuthnRequest ",
      "xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ",
      "ID=\"_",
      "\" Version=\"2.0\" ",
      "<saml:Issuer>",
      "</saml:Issuer>",
      "https://",
      "é",
      "日本",
      "&amp;",
      "\"",
      "/saml2/idpresponse"
    };
    StringBuilder xml = new StringBuilder();
    int count = random.nextInt(200);
    for (int i = 0; i < count; i++) {
      xml.append(parts[random.nextInt(parts.length)]);
      if (random.nextInt(4) == 0) {
        xml.append(Long.toHexString(random.nextLong()));
      }
    }
    assertRoundTrip(xml.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void fixedCodesWhenEdgeSizesThenTheyInflateBack() throws DataFormatException {
    assertRoundTrip(new byte[0]);
    assertRoundTrip(new byte[] {7});
    assertRoundTrip(new byte[] {7, 7});
    assertRoundTrip(new byte[] {7, 7, 7});
    assertRoundTrip(new byte[100_000]); // matches of the longest length, 258, back to back
    for (int length : new int[] {257, 258, 259, 260, 516, 517}) {
      assertRoundTrip(new byte[length]);
    }
    byte[] every = new byte[256];
    for (int i = 0; i < 256; i++) {
      every[i] = (byte) i; // each literal code length: 8 bits below 144, 9 from 144
    }
    assertRoundTrip(every);
  }

  @Test
  void fixedCodesWhenRepeatsAreFartherThanTheWindowThenTheyAreNotReferenced()
      throws DataFormatException {
    Random random = new Random(17);
    byte[] block = new byte[20_000];
    random.nextBytes(block);
    byte[] input = new byte[90_000]; // block, 20 KB of zeros, the block again, … : distances 40 000
    for (int i = 0; i < input.length; i++) {
      input[i] = (i / 20_000) % 2 == 0 ? block[i % 20_000] : 0;
    }
    assertRoundTrip(input);
    byte[] near = new byte[40_000]; // the same block twice in a row: distance 20 000, in the window
    System.arraycopy(block, 0, near, 0, 20_000);
    System.arraycopy(block, 0, near, 20_000, 20_000);
    assertThat(RawDeflate.fixedCodes(near).length).isLessThan(20_000 * 9 / 8 + 1000);
    assertRoundTrip(near);
  }

  @Test
  void distanceCodeWhenEveryDistanceThenItsBaseIsTheLargestNotAbove() {
    int[] base = {
      1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
      2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577
    };
    for (int distance = 1; distance <= 32_768; distance++) {
      int code = RawDeflate.distanceCode(distance);
      assertThat(base[code]).isLessThanOrEqualTo(distance);
      if (code + 1 < base.length) {
        assertThat(base[code + 1]).isGreaterThan(distance);
      }
    }
  }

  @Test
  void fixedCodesWhenAnAuthnRequestThenAtMostAFifthLargerThanZlib() {
    byte[] request =
        ("<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
                + " xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\""
                + " ID=\"_0123456789abcdef0123456789abcdef\" Version=\"2.0\""
                + " IssueInstant=\"2026-12-04T21:00:00Z\""
                + " Destination=\"https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/saml2\""
                + " AssertionConsumerServiceURL=\"https://cloudsign-abc.auth.ap-northeast-1.amazoncognito.com/saml2/idpresponse\""
                + " ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\">"
                + "<saml:Issuer>urn:amazon:cognito:sp:ap-northeast-1_abc</saml:Issuer>"
                + "</samlp:AuthnRequest>")
            .getBytes(StandardCharsets.UTF_8);
    int ours = RawDeflate.fixedCodes(request).length;
    int zlib = RawDeflate.jdk(request).length;
    assertThat(ours).isLessThanOrEqualTo(zlib * 6 / 5).isLessThan(request.length * 3 / 4);
  }

  @Test
  void jdkWhenArbitraryBytesThenTheyInflateBack() throws DataFormatException {
    byte[] input = new byte[3000];
    new Random(3).nextBytes(input);
    assertThat(inflate(RawDeflate.jdk(input))).isEqualTo(input);
  }

  private static void assertRoundTrip(byte[] input) throws DataFormatException {
    byte[] compressed = RawDeflate.fixedCodes(input);
    assertThat(compressed.length).isLessThanOrEqualTo((9 * input.length + 10) / 8 + 2);
    assertThat(inflate(compressed)).isEqualTo(input);
  }

  /** Inflates one raw DEFLATE stream, which must end exactly where the bytes end. */
  private static byte[] inflate(byte[] compressed) throws DataFormatException {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(compressed);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0
            && !inflater.finished()
            && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new DataFormatException("stream ended before its final block");
        }
        out.write(buffer, 0, n);
      }
      assertThat(inflater.getRemaining()).as("bytes after the final block").isZero();
      return out.toByteArray();
    } finally {
      inflater.end();
    }
  }
}
