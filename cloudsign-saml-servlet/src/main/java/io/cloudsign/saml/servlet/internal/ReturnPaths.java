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
    if (!isSafe(candidate)) {
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
      if (!isSafeDecoded(next)) {
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

  private static boolean isSafeDecoded(String s) {
    if (s.isEmpty() || s.charAt(0) != '/') {
      return false;
    }
    if (s.length() > 1 && (s.charAt(1) == '/' || s.charAt(1) == '\\')) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || Character.isISOControl(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isSafe(String s) {
    if (s.isEmpty() || s.charAt(0) != '/') {
      return false;
    }
    if (s.length() > 1 && (s.charAt(1) == '/' || s.charAt(1) == '\\')) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      // printable ASCII only: a request URI is percent-encoded, and a Location header is ASCII
      if (c <= 0x20 || c >= 0x7f || c == '\\') {
        return false;
      }
    }
    return true;
  }
}
