package io.cloudsign.saml.core;

import java.util.Base64;

/** Decoding of base64 form values (the posted {@code SAMLResponse}). */
final class FormValues {
  private FormValues() {}

  /**
   * Base64 in a form field may be wrapped; anything else that is not base64 is rejected. Fast path
   * (performance): browsers post one unwrapped line, which the strict basic decoder takes as is. It
   * accepts only input that the checked path below accepts too, with the same bytes; everything
   * else (line breaks, junk) goes the checked path, so results and errors are unchanged.
   *
   * @throws IllegalArgumentException if the value is not base64
   */
  static byte[] decodeBase64(String s) {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException notPlainBase64) {
      return Base64.getMimeDecoder().decode(stripWhitespace(s));
    }
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
