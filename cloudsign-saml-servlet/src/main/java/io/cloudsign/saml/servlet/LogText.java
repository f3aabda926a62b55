package io.cloudsign.saml.servlet;

/**
 * Keeps text from requests, assertions and user linkers from forging log lines: a line break
 * becomes the two characters {@code \n}, any other control character {@code ?}. Core's own messages
 * are already made safe this way; this covers what the filter adds (request paths, user linker
 * messages, identifiers).
 */
final class LogText {
  /** Characters kept of one value (a request path, an identifier). */
  static final int MAX_VALUE = 200;

  private LogText() {}

  /** The whole text with every line break written {@code \n} and other controls as {@code ?}. */
  static String line(String text) {
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean lineBreak = c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029';
      if (!lineBreak && !Character.isISOControl(c)) {
        if (sb != null) {
          sb.append(c);
        }
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(text.length() + 8).append(text, 0, i);
      }
      if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        continue; // CR LF is one break
      }
      sb.append(lineBreak ? "\\n" : c == '\t' ? " " : "?");
    }
    return sb == null ? text : sb.toString();
  }

  /** One value for a log line: {@link #line} and at most {@link #MAX_VALUE} characters. */
  static String value(String value) {
    if (value == null) {
      return "(none)";
    }
    String v = value.length() > MAX_VALUE ? value.substring(0, MAX_VALUE) + "…" : value;
    return line(v);
  }
}
