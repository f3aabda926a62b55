package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.servlet.internal.StateCookieCodec;
import io.cloudsign.saml.servlet.internal.StateCookieCodec.Entry;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * The browser's pending single logout, from the redirect to the IdP to its LogoutResponse at the
 * registration's Logout Url: one {@link Entry} signed with the state key over the registration and
 * its Logout Url ({@link StateCookieCodec}), {@code HttpOnly}, {@code SameSite=Lax} (the IdP's
 * answer is a top-level GET navigation, which carries Lax cookies), {@code Secure} on https, scoped
 * to the Logout Url's path. Thread-safe.
 */
final class LogoutCookie {
  private final StateCookieCodec codec;
  private final String name;
  private final long maxAgeSeconds;
  private final Clock clock;

  LogoutCookie(byte[] key, List<byte[]> previous, String name, Duration lifetime, Clock clock) {
    this.codec = new StateCookieCodec(key, previous);
    this.name = name;
    this.maxAgeSeconds = Math.max(1, lifetime.toSeconds());
    this.clock = clock;
  }

  String set(Registration r, Entry entry) {
    String url = r.logoutUrl().orElseThrow().toString();
    return header(r, codec.encode(name, url, entry), maxAgeSeconds);
  }

  String clear(Registration r) {
    return header(r, "", 0);
  }

  /** The pending logout this browser's cookie names, if it verifies for one of {@code here}. */
  Optional<Entry> read(HttpServletRequest request, List<Registration> here) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return Optional.empty();
    }
    for (Cookie c : cookies) {
      if (!name.equals(c.getName())) {
        continue;
      }
      Optional<Entry> entry =
          codec.decode(
              name,
              c.getValue(),
              id ->
                  here.stream()
                      .filter(r -> r.id().equals(id))
                      .findFirst()
                      .flatMap(Registration::logoutUrl)
                      .map(Object::toString));
      if (entry.isPresent()) {
        return entry;
      }
    }
    return Optional.empty();
  }

  /**
   * The registration ids this browser's logout cookies name, unverified (at most 4): only which
   * tenants to look up; {@link #read} verifies the MAC.
   */
  List<String> namedRegistrations(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return List.of();
    }
    java.util.Set<String> ids = new java.util.LinkedHashSet<>();
    for (Cookie c : cookies) {
      if (name.equals(c.getName()) && ids.size() < 4) {
        codec.registrationIdOf(c.getValue()).ifPresent(ids::add);
      }
    }
    return List.copyOf(ids);
  }

  private String header(Registration r, String value, long maxAge) {
    boolean https = "https".equalsIgnoreCase(r.logoutUrl().orElseThrow().getScheme());
    String path = r.logoutUrl().orElseThrow().getRawPath();
    return name
        + "="
        + value
        + "; Path="
        + (path == null || path.isEmpty() ? "/" : path)
        + "; Max-Age="
        + maxAge
        + "; Expires="
        + (maxAge == 0
            ? "Thu, 01 Jan 1970 00:00:00 GMT"
            : DateTimeFormatter.RFC_1123_DATE_TIME.format(
                clock.instant().plusSeconds(maxAge).atOffset(ZoneOffset.UTC)))
        + "; HttpOnly; SameSite=Lax"
        + (https ? "; Secure" : "");
  }
}
