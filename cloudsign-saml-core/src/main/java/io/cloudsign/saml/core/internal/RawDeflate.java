package io.cloudsign.saml.core.internal;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Raw DEFLATE (RFC 1951, no zlib header) for the messages this library sends by HTTP-Redirect
 * (AuthnRequests, LogoutRequests, LogoutResponses: a few hundred bytes each).
 *
 * <p>zlib spends a fixed ~5–7 µs on every stream, whatever the level or strategy (resetting its
 * hash table, building and sending dynamic Huffman trees), which was a third of {@code
 * startSignIn}. This encoder writes one final block with the <i>fixed</i> Huffman codes of RFC 1951
 * §3.2.6 and greedy LZ77 matches found through a small hash chain, so its cost is proportional to
 * the message. Its output is any DEFLATE decoder's input (a fixed-code block is the simplest block
 * type after a stored one), only somewhat larger than zlib's: about 10–20 % on an AuthnRequest.
 *
 * <p>It only encodes what this library wrote; it never reads input from the network. Every output
 * is checked by the tests against the JDK's {@link java.util.zip.Inflater}. Setting the system
 * property {@code io.cloudsign.saml.deflate=jdk} at start uses the JDK's {@link Deflater} instead.
 */
public final class RawDeflate {
  private static final boolean USE_JDK =
      "jdk".equals(System.getProperty("io.cloudsign.saml.deflate"));

  private static final int MIN_MATCH = 3;
  private static final int MAX_MATCH = 258;
  private static final int WINDOW = 32_768;
  private static final int HASH_BITS = 10;
  private static final int MAX_CHAIN = 32;

  private static final int[] LENGTH_BASE = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258
  };
  private static final int[] LENGTH_EXTRA = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
  };
  private static final int[] DISTANCE_BASE = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
    3073, 4097, 6145, 8193, 12289, 16385, 24577
  };

  /** Length 3..258 → index into {@link #LENGTH_BASE} (the symbol is 257 + index). */
  private static final byte[] LENGTH_INDEX = new byte[MAX_MATCH + 1];

  /** Fixed literal/length codes (RFC 1951 §3.2.6), bit-reversed for LSB-first output. */
  private static final int[] LITLEN_CODE = new int[288];

  private static final byte[] LITLEN_BITS = new byte[288];

  /** Fixed 5-bit distance codes, bit-reversed. */
  private static final int[] DISTANCE_CODE = new int[30];

  static {
    for (int i = 0; i < LENGTH_BASE.length; i++) {
      int end = i + 1 < LENGTH_BASE.length ? LENGTH_BASE[i + 1] : MAX_MATCH + 1;
      for (int len = LENGTH_BASE[i]; len < end; len++) {
        LENGTH_INDEX[len] = (byte) i;
      }
    }
    for (int s = 0; s < 288; s++) {
      int code;
      int bits;
      if (s < 144) {
        code = 0x30 + s;
        bits = 8;
      } else if (s < 256) {
        code = 0x190 + s - 144;
        bits = 9;
      } else if (s < 280) {
        code = s - 256;
        bits = 7;
      } else {
        code = 0xC0 + s - 280;
        bits = 8;
      }
      LITLEN_CODE[s] = Integer.reverse(code) >>> (32 - bits);
      LITLEN_BITS[s] = (byte) bits;
    }
    for (int d = 0; d < 30; d++) {
      DISTANCE_CODE[d] = Integer.reverse(d) >>> (32 - 5);
    }
  }

  private RawDeflate() {}

  /** {@code input} as one raw DEFLATE stream. */
  public static byte[] compress(byte[] input) {
    return USE_JDK ? jdk(input) : fixedCodes(input);
  }

  /** One final fixed-Huffman block with greedy LZ77 matches (at most 9 bits an input byte). */
  static byte[] fixedCodes(byte[] input) {
    // At most 9 bits a byte (a literal above 143), 3 of header, 7 of end of block.
    BitWriter out = new BitWriter((9L * input.length + 10) / 8 + 2);
    out.write(0b011, 3); // BFINAL = 1, BTYPE = 01 (fixed Huffman codes)
    int[] head = new int[1 << HASH_BITS]; // position + 1 of the latest 3-byte prefix; 0 = none
    int[] previous = new int[input.length]; // position + 1 of the previous one with the same hash
    int n = input.length;
    int pos = 0;
    while (pos < n) {
      int bestLength = 0;
      int bestDistance = 0;
      if (pos + MIN_MATCH <= n) {
        int h = hash(input, pos);
        int candidate = head[h] - 1;
        int limit = Math.min(MAX_MATCH, n - pos);
        for (int chain = 0;
            candidate >= 0 && pos - candidate <= WINDOW && chain < MAX_CHAIN;
            chain++) {
          int length = matchLength(input, candidate, pos, limit);
          if (length > bestLength) {
            bestLength = length;
            bestDistance = pos - candidate;
            if (length == limit) {
              break;
            }
          }
          candidate = previous[candidate] - 1;
        }
      }
      if (bestLength >= MIN_MATCH) {
        writeMatch(out, bestLength, bestDistance);
        int end = pos + bestLength;
        for (; pos < end; pos++) {
          insert(input, pos, head, previous);
        }
      } else {
        int literal = input[pos] & 0xFF;
        out.write(LITLEN_CODE[literal], LITLEN_BITS[literal]);
        insert(input, pos, head, previous);
        pos++;
      }
    }
    out.write(LITLEN_CODE[256], LITLEN_BITS[256]); // end of block
    return out.toByteArray();
  }

  private static void insert(byte[] input, int pos, int[] head, int[] previous) {
    if (pos + MIN_MATCH <= input.length) {
      int h = hash(input, pos);
      previous[pos] = head[h];
      head[h] = pos + 1;
    }
  }

  private static int hash(byte[] b, int i) {
    int v = (b[i] & 0xFF) << 16 | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF);
    return (v * 0x9E3779B1) >>> (32 - HASH_BITS);
  }

  private static int matchLength(byte[] b, int from, int at, int limit) {
    int m = Arrays.mismatch(b, from, from + limit, b, at, at + limit);
    return m < 0 ? limit : m;
  }

  private static void writeMatch(BitWriter out, int length, int distance) {
    int index = LENGTH_INDEX[length];
    int symbol = 257 + index;
    out.write(LITLEN_CODE[symbol], LITLEN_BITS[symbol]);
    if (LENGTH_EXTRA[index] > 0) {
      out.write(length - LENGTH_BASE[index], LENGTH_EXTRA[index]);
    }
    int code = distanceCode(distance);
    out.write(DISTANCE_CODE[code], 5);
    int extraBits = code < 4 ? 0 : (code >> 1) - 1;
    if (extraBits > 0) {
      out.write(distance - DISTANCE_BASE[code], extraBits);
    }
  }

  /** RFC 1951 §3.2.5: codes 0–3 are distances 1–4, then two codes per power of two. */
  static int distanceCode(int distance) {
    int x = distance - 1;
    if (x < 4) {
      return x;
    }
    int top = 31 - Integer.numberOfLeadingZeros(x);
    return 2 * top + ((x >> (top - 1)) & 1);
  }

  /**
   * zlib through {@link Deflater} (the general path, for {@code io.cloudsign.saml.deflate=jdk}).
   */
  static byte[] jdk(byte[] input) {
    Deflater deflater = new Deflater(Deflater.DEFLATED, true);
    try {
      deflater.setInput(input);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(512);
      byte[] buf = new byte[1024];
      while (!deflater.finished()) {
        out.write(buf, 0, deflater.deflate(buf));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  /** Bits written least significant first, as DEFLATE packs them. */
  private static final class BitWriter {
    private final byte[] bytes;
    private int size;
    private long buffer;
    private int count;

    BitWriter(long capacity) {
      bytes = new byte[Math.toIntExact(capacity)];
    }

    void write(int value, int bits) {
      buffer |= (long) value << count;
      count += bits;
      while (count >= 8) {
        bytes[size++] = (byte) buffer;
        buffer >>>= 8;
        count -= 8;
      }
    }

    byte[] toByteArray() {
      if (count > 0) {
        write(0, 8 - count);
      }
      return Arrays.copyOf(bytes, size);
    }
  }
}
