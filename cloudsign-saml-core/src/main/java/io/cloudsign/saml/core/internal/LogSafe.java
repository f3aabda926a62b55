package io.cloudsign.saml.core.internal;

/** Makes attacker-controlled text safe for logs and messages. Not API. */
public final class LogSafe {
  /** Maximum characters kept of one value. */
  public static final int MAX = 200;

  private LogSafe() {}

  /**
   * Quotes {@code value}, writes each line break (CR LF, LF, CR, U+2028/9) as the two characters
   * {@code \n} (so Entra's multi-line AADSTS text stays readable on one log line), a tab as a
   * space, other control characters (ESC…) as {@code ?}, and truncates to {@link #MAX} characters;
   * {@code null} becomes {@code (none)}.
   */
  public static String text(String value) {
    if (value == null) {
      return "(none)";
    }
    int n = Math.min(value.length(), MAX);
    StringBuilder sb = new StringBuilder(n + 8).append('\'');
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c == '\r' && i + 1 < n && value.charAt(i + 1) == '\n') {
        continue; // CR LF is one break
      }
      if (c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029') {
        sb.append("\\n");
      } else if (c == '\t') {
        sb.append(' ');
      } else {
        sb.append(Character.isISOControl(c) ? '?' : c);
      }
    }
    sb.append('\'');
    if (value.length() > MAX) {
      sb.append("…(").append(value.length()).append(" chars)");
    }
    return sb.toString();
  }
}
