package io.cloudsign.saml.core.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/** URL checks shared by configuration builders. Not API. */
public final class Urls {
  private Urls() {}

  /** Parses an absolute URI or throws an {@link IllegalArgumentException} naming the setting. */
  public static URI parse(String setting, String value) {
    Objects.requireNonNull(value, setting);
    try {
      URI uri = new URI(value.strip());
      if (!uri.isAbsolute()) {
        throw new IllegalArgumentException(
            setting + " must be an absolute URL: " + LogSafe.text(value));
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          setting + " is not a valid URL: " + LogSafe.text(value), e);
    }
  }

  /**
   * Like Entra: https, or http only on a loopback host (localhost, 127.0.0.1, [::1]); no fragment,
   * no user info.
   */
  public static URI requireHttpsOrLoopback(String setting, URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean ok =
        uri.getHost() != null
            && uri.getRawUserInfo() == null
            && uri.getRawFragment() == null
            && (scheme.equals("https") || (scheme.equals("http") && isLoopback(uri.getHost())));
    if (!ok) {
      throw new IllegalArgumentException(
          setting
              + " must be an absolute https URL (http only for localhost), without fragment: "
              + LogSafe.text(uri.toString()));
    }
    return uri;
  }

  /**
   * Whether {@code host} is {@code localhost}, an IPv4 literal in 127.0.0.0/8 (four decimal octets)
   * or the IPv6 literal {@code ::1}. Parsed, not prefix-matched: {@code 127.attacker.example} is a
   * DNS name anyone can point anywhere.
   */
  public static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.equals("[::1]") || h.equals("::1")) {
      return true;
    }
    String[] octets = h.split("\\.", -1);
    if (octets.length != 4 || !octets[0].equals("127")) {
      return false;
    }
    for (String o : octets) {
      if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return false;
      }
      if (Integer.parseInt(o) > 255) {
        return false;
      }
    }
    return true;
  }

  /** The path of a URL ({@code null} when it is not one); what a Reply URL is looked up by. */
  public static String pathOf(String url) {
    try {
      String p = new URI(url.strip()).getPath();
      return p == null || p.isEmpty() ? "/" : p;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** The lower-cased host of a URL ({@code null} when it has none). */
  public static String hostOf(String url) {
    try {
      String h = new URI(url.strip()).getHost();
      return h == null ? null : h.toLowerCase(Locale.ROOT);
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
