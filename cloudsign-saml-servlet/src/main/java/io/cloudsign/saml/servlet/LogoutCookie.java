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
 * its Logout Url ({@link StateCookieCodec}), {@code HttpOnly; Secure; SameSite=None}, scoped to the
 * Logout Url's path.
 *
 * <p>{@code SameSite=None} as the request-state cookie, for the same reason: an IdP that answers by
 * HTTP-POST (Keycloak, SimpleSAMLphp) sends a cross-site form POST, which carries no {@code Lax}
 * cookie (Entra's GET would). The MAC binds the entry to the registration and Logout Url, and the
 * LogoutResponse must still answer the entry's request ID and RelayState, so a cross-site request
 * that carries the cookie gains nothing. For an http loopback Logout Url (local development, tests)
 * it is also set, named {@code <name>-http}, without {@code Secure} and {@code SameSite=Lax}, for
 * plain HTTP clients that never send a {@code Secure} cookie over {@code http://} (as {@link
 * StateCookie} does). Thread-safe.
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

  /** The {@code Set-Cookie} values that remember {@code entry} for {@code r}. */
  List<String> set(Registration r, Entry entry) {
    String url = r.logoutUrl().orElseThrow().toString();
    if (https(r)) {
      return List.of(header(r, name, codec.encode(name, url, entry), maxAgeSeconds, true));
    }
    String plain = plainHttpName();
    return List.of(
        header(r, name, codec.encode(name, url, entry), maxAgeSeconds, true),
        header(r, plain, codec.encode(plain, url, entry), maxAgeSeconds, false));
  }

  /** The {@code Set-Cookie} values that end the pending logout at {@code r}'s Logout Url. */
  List<String> clear(Registration r) {
    return https(r)
        ? List.of(header(r, name, "", 0, true))
        : List.of(header(r, name, "", 0, true), header(r, plainHttpName(), "", 0, false));
  }

  /** The pending logout this browser's cookie names, if it verifies for one of {@code here}. */
  Optional<Entry> read(HttpServletRequest request, List<Registration> here) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return Optional.empty();
    }
    for (Cookie c : cookies) {
      String cookieName = c.getName();
      if (!name.equals(cookieName) && !plainHttpName().equals(cookieName)) {
        continue;
      }
      Optional<Entry> entry =
          codec.decode(
              cookieName,
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
      if ((name.equals(c.getName()) || plainHttpName().equals(c.getName())) && ids.size() < 4) {
        codec.registrationIdOf(c.getValue()).ifPresent(ids::add);
      }
    }
    return List.copyOf(ids);
  }

  private String plainHttpName() {
    return name + "-http";
  }

  private static boolean https(Registration r) {
    return "https".equalsIgnoreCase(r.logoutUrl().orElseThrow().getScheme());
  }

  private String header(
      Registration r, String cookieName, String value, long maxAge, boolean secure) {
    String path = r.logoutUrl().orElseThrow().getRawPath();
    return cookieName
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
        + (secure ? "; Secure; HttpOnly; SameSite=None" : "; HttpOnly; SameSite=Lax");
  }
}
