package io.cloudsign.saml.core.internal;

/** Makes attacker-controlled text safe for logs and messages. Not API. */
public final class LogSafe {
  /** Maximum characters kept of one value. */
  public static final int MAX = 200;

  private LogSafe() {}

  /**
   * Quotes {@code value}, replaces control characters (CR, LF, ESC…) with {@code ?} and truncates
   * to {@link #MAX} characters; {@code null} becomes {@code (none)}.
   */
  public static String text(String value) {
    if (value == null) {
      return "(none)";
    }
    int n = Math.min(value.length(), MAX);
    StringBuilder sb = new StringBuilder(n + 8).append('\'');
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      sb.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
    }
    sb.append('\'');
    if (value.length() > MAX) {
      sb.append("…(").append(value.length()).append(" chars)");
    }
    return sb.toString();
  }
}
