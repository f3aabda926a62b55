package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.servlet.internal.StateCookieCodec;
import io.cloudsign.saml.servlet.internal.StateCookieCodec.Entry;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The request-state cookie, the one place that names, sets, reads and ends it. It carries the
 * browser's pending sign-in (one {@link Entry}) from sign-in start to the Reply URL, {@code
 * HttpOnly; Secure; SameSite=None} (Entra's POST back is cross-site), HMAC-signed by {@link
 * StateCookieCodec} over the registration and its Reply URL.
 *
 * <p>For an https Reply URL it is a {@code __Host-} cookie ({@code Path=/}, no {@code Domain}), so
 * no other host (a sibling subdomain) and no plain-http page can plant or overwrite it; its name
 * ends in a tag of the Reply URL path ({@code __Host-cloudsign_saml_state-1a2b3c4d}), so sign-ins
 * to two Reply URLs of one host do not replace each other. For an http loopback Reply URL (local
 * development, tests) it keeps the configured name and {@code Path} = the Reply URL path, which
 * clients that do not know cookie prefixes handle, and it is set twice: once {@code Secure;
 * SameSite=None} for browsers (which count loopback as a secure origin, so Entra's cross-site POST
 * carries it), and once, named {@code <name>-http}, without {@code Secure} and {@code SameSite=Lax}
 * for plain HTTP clients such as {@code java.net.http} with a {@code CookieManager}, which never
 * send a {@code Secure} cookie over {@code http://}. Both carry the same MAC-bound entry.
 * Thread-safe.
 */
final class StateCookie {
  private static final String HOST_PREFIX = "__Host-";
  private static final String PLAIN_HTTP_SUFFIX = "-http";

  private final StateCookieCodec codec;
  private final String name;
  private final long maxAgeSeconds;
  private final Clock clock;

  StateCookie(byte[] key, List<byte[]> previous, String name, Duration lifetime, Clock clock) {
    this.codec = new StateCookieCodec(key, previous);
    this.name = name;
    this.maxAgeSeconds = Math.max(1, lifetime.toSeconds());
    this.clock = clock;
  }

  /**
   * What arrived at a Reply URL; {@code foreignKeyId} when a cookie that did not verify names a key
   * this node does not have (a node with another or no {@code stateKey}).
   */
  record Read(List<Entry> entries, boolean tampered, Optional<String> foreignKeyId) {}

  /** The ids of the keys this node verifies with, the signing one first. */
  List<String> keyIds() {
    return codec.keyIds();
  }

  /** The {@code Set-Cookie} values that remember {@code entry} for {@code registration}. */
  List<String> set(Registration registration, Entry entry) {
    String replyUrl = registration.replyUrl().toString();
    List<String> headers = new ArrayList<>(2);
    headers.add(
        header(
            name(registration),
            codec.encode(name(registration), replyUrl, entry),
            registration,
            true,
            maxAgeSeconds));
    if (!hostPrefixed(registration)) {
      String plain = plainHttpName();
      headers.add(
          header(plain, codec.encode(plain, replyUrl, entry), registration, false, maxAgeSeconds));
    }
    return List.copyOf(headers);
  }

  /** The {@code Set-Cookie} values that end the state at these registrations' Reply URL. */
  List<String> clear(List<Registration> servedHere) {
    Set<String> headers = new LinkedHashSet<>();
    for (Registration r : servedHere) {
      headers.add(header(name(r), "", r, true, 0));
      if (!hostPrefixed(r)) {
        headers.add(header(plainHttpName(), "", r, false, 0));
      }
    }
    return List.copyOf(headers);
  }

  /**
   * The pending sign-ins of this browser for {@code servedHere} (the registrations of the Reply URL
   * the request arrived at): every state cookie that verifies for one of them, since a browser may
   * send several (other paths). A cookie minted for another registration or Reply URL does not
   * verify. {@code tampered} when none verified and at least one failed its check.
   */
  Read read(HttpServletRequest request, List<Registration> servedHere) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return new Read(List.of(), false, Optional.empty());
    }
    boolean invalid = false;
    Optional<String> foreign = Optional.empty();
    List<Entry> entries = new ArrayList<>();
    for (Cookie c : cookies) {
      String cookieName = c.getName();
      if (servedHere.stream().noneMatch(r -> isNameOf(r, cookieName))
          || c.getValue() == null
          || c.getValue().isEmpty()) {
        continue;
      }
      Optional<Entry> entry =
          codec.decode(cookieName, c.getValue(), id -> replyUrlOf(servedHere, cookieName, id));
      invalid |= entry.isEmpty();
      if (entry.isEmpty()) {
        foreign =
            foreign.or(() -> codec.keyIdOf(c.getValue()).filter(k -> !codec.keyIds().contains(k)));
      }
      entry.filter(e -> !entries.contains(e)).ifPresent(entries::add);
    }
    boolean tampered = invalid && entries.isEmpty();
    return new Read(List.copyOf(entries), tampered, tampered ? foreign : Optional.empty());
  }

  /**
   * The registration ids named by this browser's state cookies for a Reply URL path, unverified
   * (only to look the registrations up; the MAC is checked by {@link #read}); at most 4.
   */
  List<String> namedRegistrations(HttpServletRequest request, String replyPath) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return List.of();
    }
    Set<String> names =
        Set.of(HOST_PREFIX + name + "-" + pathTag(replyPath), name, plainHttpName());
    Set<String> ids = new LinkedHashSet<>();
    for (Cookie c : cookies) {
      if (names.contains(c.getName()) && ids.size() < 4) {
        codec.registrationIdOf(c.getValue()).ifPresent(ids::add);
      }
    }
    return List.copyOf(ids);
  }

  /** A diagnostic name for log lines, e.g. {@code 'cloudsign_saml_state' (Path=/saml2/…)}. */
  String describe(Registration registration) {
    String names =
        hostPrefixed(registration)
            ? "'" + name(registration) + "'"
            : "'" + name(registration) + "' or '" + plainHttpName() + "'";
    return names + " (Path=" + path(registration) + ")";
  }

  private Optional<String> replyUrlOf(
      List<Registration> servedHere, String cookieName, String registrationId) {
    return servedHere.stream()
        .filter(r -> r.id().equals(registrationId) && isNameOf(r, cookieName))
        .map(r -> r.replyUrl().toString())
        .findFirst();
  }

  /** The registration's cookie, or (http loopback only) its copy for plain HTTP clients. */
  private boolean isNameOf(Registration r, String cookieName) {
    return name(r).equals(cookieName) || (!hostPrefixed(r) && plainHttpName().equals(cookieName));
  }

  private String plainHttpName() {
    return name + PLAIN_HTTP_SUFFIX;
  }

  private String name(Registration r) {
    return hostPrefixed(r) ? HOST_PREFIX + name + "-" + pathTag(replyPath(r)) : name;
  }

  private static String path(Registration r) {
    return hostPrefixed(r) ? "/" : replyPath(r);
  }

  /** {@code __Host-} needs a secure origin; Registration allows http only on loopback hosts. */
  private static boolean hostPrefixed(Registration r) {
    return "https".equalsIgnoreCase(r.replyUrl().getScheme());
  }

  private static String replyPath(Registration r) {
    String p = r.replyUrl().getRawPath();
    return p == null || p.isEmpty() ? "/" : p;
  }

  /** 8 hex digits of SHA-256 of the Reply URL path: a stable, cookie-name-safe tag. */
  static String pathTag(String replyPath) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(replyPath.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /**
   * {@code Expires} goes with every {@code Max-Age}: browsers use Max-Age, but {@code
   * java.net.HttpCookie} takes a cookie with Max-Age and no Expires for an RFC 2965 one and sends
   * it back as {@code $Version="1"; name="value"}, which Tomcat reads with the quotes (the MAC then
   * fails: {@code invalid_request_state}).
   */
  private String header(String name, String value, Registration r, boolean secure, long maxAge) {
    StringBuilder sb =
        new StringBuilder(name)
            .append('=')
            .append(value)
            .append("; Path=")
            .append(path(r))
            .append("; Max-Age=")
            .append(maxAge);
    sb.append("; Expires=")
        .append(
            maxAge == 0
                ? "Thu, 01 Jan 1970 00:00:00 GMT"
                : DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    clock.instant().plusSeconds(maxAge).atOffset(ZoneOffset.UTC)));
    return sb.append(secure ? "; Secure; HttpOnly; SameSite=None" : "; HttpOnly; SameSite=Lax")
        .toString();
  }
}
