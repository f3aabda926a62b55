package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.FastPath;
import java.util.Arrays;
import java.util.Base64;

/** Decoding of base64 form values (the posted {@code SAMLResponse}). */
final class FormValues {
  /** The value of each base64 alphabet character, -1 for every other ASCII character. */
  private static final int[] ALPHABET = new int[128];

  static {
    Arrays.fill(ALPHABET, -1);
    String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < chars.length(); i++) {
      ALPHABET[chars.charAt(i)] = i;
    }
  }

  private FormValues() {}

  /**
   * Base64 in a form field may be wrapped; anything else that is not base64 is rejected. Fast path
   * (performance): browsers post one unwrapped line of padded base64, which {@link #plainBase64}
   * decodes; it accepts only input that the checked path accepts too, with the same bytes, and
   * everything else (line breaks, junk) goes the checked path, so results and errors do not depend
   * on {@link FastPath}.
   *
   * @throws IllegalArgumentException if the value is not base64
   */
  static byte[] decodeBase64(String s) {
    byte[] plain = FastPath.ENABLED ? plainBase64(s) : null;
    return plain != null ? plain : decodeBase64Checked(s);
  }

  /** The checked path: the JDK's basic decoder, else whitespace stripped and the MIME decoder. */
  static byte[] decodeBase64Checked(String s) {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException notPlainBase64) {
      return Base64.getMimeDecoder().decode(stripWhitespace(s));
    }
  }

  /**
   * Padded base64 (a multiple of four alphabet characters, '=' padding only at the end) decoded
   * straight from the characters into an array of the exact size, or {@code null} for anything
   * else, which the checked path then decides. Unused bits of the last character are ignored, as
   * the JDK's decoder ignores them. What this accepts, the JDK's basic decoder accepts with the
   * same bytes ({@code FormValuesTest}); it saves that decoder's copy of the value into bytes, the
   * largest allocation of a validation but the DOM.
   */
  static byte[] plainBase64(String s) {
    int n = s.length();
    if (n == 0 || (n & 3) != 0) {
      return null;
    }
    int pad = s.charAt(n - 1) != '=' ? 0 : s.charAt(n - 2) != '=' ? 1 : 2;
    byte[] out = new byte[n / 4 * 3 - pad];
    int o = 0;
    int whole = pad == 0 ? n : n - 4;
    for (int i = 0; i < whole; i += 4) {
      int v = quad(s, i, 4);
      if (v < 0) {
        return null;
      }
      out[o++] = (byte) (v >> 16);
      out[o++] = (byte) (v >> 8);
      out[o++] = (byte) v;
    }
    if (pad > 0) {
      int v = quad(s, n - 4, 4 - pad);
      if (v < 0) {
        return null;
      }
      out[o++] = (byte) (v >> 16);
      if (pad == 1) {
        out[o] = (byte) (v >> 8);
      }
    }
    return out;
  }

  /** The 24 bits of {@code count} characters at {@code s[i..]} (the rest zero), or -1. */
  private static int quad(String s, int i, int count) {
    int v = 0;
    for (int k = 0; k < 4; k++) {
      int d = 0;
      if (k < count) {
        char c = s.charAt(i + k);
        d = c < 128 ? ALPHABET[c] : -1;
        if (d < 0) {
          return -1;
        }
      }
      v = (v << 6) | d;
    }
    return v;
  }

  private static String stripWhitespace(String s) {
    boolean clean = true;
    for (int i = 0; i < s.length() && clean; i++) {
      clean = !Character.isWhitespace(s.charAt(i));
    }
    if (clean) {
      return validBase64(s);
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isWhitespace(c)) {
        sb.append(c);
      }
    }
    return validBase64(sb.toString());
  }

  /** The MIME decoder skips illegal characters; we do not. */
  private static String validBase64(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '+'
              || c == '/'
              || c == '=';
      if (!ok) {
        throw new IllegalArgumentException("not base64");
      }
    }
    return s;
  }
}
