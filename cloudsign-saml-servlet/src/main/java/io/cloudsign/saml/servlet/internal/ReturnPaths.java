package io.cloudsign.saml.servlet.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Decides where a browser may be sent after sign-in: only a path on this origin. Everything else
 * becomes {@code "/"} (open-redirect defence; browsers treat {@code //host}, {@code /\host} and
 * control characters inside URLs as leaving the site).
 */
public final class ReturnPaths {
  /** Longest return path kept; longer ones are not worth a cookie and become {@code "/"}. */
  public static final int MAX_LENGTH = 1024;

  private ReturnPaths() {}

  /**
   * @return {@code candidate} if it is a safe same-origin absolute path (with optional query),
   *     otherwise {@code "/"}
   */
  public static String sanitize(String candidate) {
    if (candidate == null || candidate.isEmpty() || candidate.length() > MAX_LENGTH) {
      return "/";
    }
    if (!isSafe(candidate, false)) {
      return "/";
    }
    // Undo up to three rounds of percent-encoding: a path that decodes to a dangerous shape is
    // refused, as some servers and proxies decode again before redirecting.
    String decoded = candidate;
    for (int i = 0; i < 3; i++) {
      String next;
      try {
        next = URLDecoder.decode(decoded.replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return "/";
      }
      if (next.equals(decoded)) {
        break;
      }
      if (!isSafe(next, true)) {
        return "/";
      }
      decoded = next;
    }
    try {
      URI uri = new URI(candidate);
      if (uri.getScheme() != null
          || uri.getRawAuthority() != null
          || uri.getRawFragment() != null) {
        return "/";
      }
    } catch (URISyntaxException e) {
      return "/";
    }
    return candidate;
  }

  /**
   * A path on this origin: starts with one {@code /} (not {@code //} or {@code /\}), no backslash.
   * As received ({@code decoded == false}) only printable ASCII is allowed, since a request URI is
   * percent-encoded and a Location header is ASCII; after percent-decoding, no control character.
   */
  private static boolean isSafe(String s, boolean decoded) {
    if (s.isEmpty() || s.charAt(0) != '/') {
      return false;
    }
    if (s.length() > 1 && (s.charAt(1) == '/' || s.charAt(1) == '\\')) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean bad = c == '\\' || (decoded ? Character.isISOControl(c) : c <= 0x20 || c >= 0x7f);
      if (bad) {
        return false;
      }
    }
    return true;
  }
}
