package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.servlet.internal.StateCookieCodec;
import io.cloudsign.saml.servlet.internal.StateCookieCodec.Entry;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The request-state cookie, the one place that names, sets, reads and ends it. It carries the
 * browser's pending sign-in (one {@link Entry}) from sign-in start to the Reply URL: {@code
 * HttpOnly; Secure; SameSite=None} (Entra's POST back is cross-site), {@code Path} = the Reply URL
 * path, HMAC-signed by {@link StateCookieCodec}. Thread-safe.
 */
final class StateCookie {
  private final StateCookieCodec codec;
  private final String name;
  private final long maxAgeSeconds;

  StateCookie(byte[] key, String name, Duration lifetime) {
    this.codec = new StateCookieCodec(key);
    this.name = name;
    this.maxAgeSeconds = Math.max(1, lifetime.toSeconds());
  }

  /** What arrived at a Reply URL. */
  record Read(List<Entry> entries, boolean tampered) {}

  /** The {@code Set-Cookie} value that remembers {@code entry} for {@code registration}. */
  String set(Registration registration, Entry entry) {
    String path = path(registration);
    return header(codec.encode(name, path, entry), path, maxAgeSeconds);
  }

  /** The {@code Set-Cookie} values that end the state at these registrations' Reply URL. */
  List<String> clear(List<Registration> servedHere) {
    Set<String> headers = new LinkedHashSet<>();
    servedHere.forEach(r -> headers.add(header("", path(r), 0)));
    return List.copyOf(headers);
  }

  /**
   * The pending sign-ins of this browser for {@code servedHere} (the registrations of the Reply URL
   * the request arrived at): every state cookie that verifies, since a browser may send several
   * (other paths). {@code tampered} when none verified and at least one failed its check.
   */
  Read read(HttpServletRequest request, List<Registration> servedHere) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return new Read(List.of(), false);
    }
    String path = path(servedHere.get(0));
    Set<String> ids = new LinkedHashSet<>();
    servedHere.forEach(r -> ids.add(r.id()));
    boolean invalid = false;
    boolean verified = false;
    List<Entry> entries = new ArrayList<>();
    for (Cookie c : cookies) {
      if (!name.equals(c.getName()) || c.getValue() == null || c.getValue().isEmpty()) {
        continue;
      }
      Optional<Entry> entry = codec.decode(name, path, c.getValue());
      invalid |= entry.isEmpty();
      verified |= entry.isPresent();
      entry.filter(e -> ids.contains(e.registrationId())).ifPresent(entries::add);
    }
    return new Read(List.copyOf(entries), invalid && !verified);
  }

  /**
   * A diagnostic name for log lines, e.g. {@code cloudsign_saml_state (Path=/saml2/idpresponse)}.
   */
  String describe(Registration registration) {
    return "'" + name + "' (Path=" + path(registration) + ")";
  }

  private static String path(Registration r) {
    String p = r.replyUrl().getRawPath();
    return p == null || p.isEmpty() ? "/" : p;
  }

  private String header(String value, String path, long maxAge) {
    StringBuilder sb =
        new StringBuilder(name)
            .append('=')
            .append(value)
            .append("; Path=")
            .append(path)
            .append("; Max-Age=")
            .append(maxAge);
    if (maxAge == 0) {
      sb.append("; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    }
    return sb.append("; Secure; HttpOnly; SameSite=None").toString();
  }
}
