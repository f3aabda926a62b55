package io.cloudsign.saml.testkit;

import com.sun.net.httpserver.HttpExchange;
import io.cloudsign.saml.testkit.internal.Bindings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HTTP plumbing of {@link FakeEntraServer}: Entra's error page, bounded form reading, answers with
 * the fake's security headers, random handles.
 */
final class Exchanges {
  static final int MAX_BODY = 512 * 1024;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Exchanges() {}

  static void error(HttpExchange ex, String code, String message) throws IOException {
    send(ex, 400, "text/html; charset=utf-8", SignInPages.error(code, message));
  }

  static String newHandle() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The url-encoded form body, or null after answering 413/400 itself. */
  static Map<String, String> readForm(HttpExchange ex) throws IOException {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      send(ex, 415, "text/plain; charset=utf-8", "expected application/x-www-form-urlencoded");
      return null;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (InputStream in = ex.getRequestBody()) {
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        body.write(buf, 0, n);
        if (body.size() > MAX_BODY) {
          // Drop up to 8 MiB more so the client sees the 413 rather than a reset connection.
          long dropped = 0;
          while (dropped < 8L * 1024 * 1024 && (n = in.read(buf)) > 0) {
            dropped += n;
          }
          send(ex, 413, "text/plain; charset=utf-8", "request body too large");
          return null;
        }
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : body.toString(StandardCharsets.US_ASCII).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = Bindings.decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : Bindings.decode(pair.substring(eq + 1));
      if (out.putIfAbsent(name, value) != null) {
        send(ex, 400, "text/plain; charset=utf-8", "a form field appears twice");
        return null;
      }
    }
    return out;
  }

  static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    sendBytes(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  static void sendBytes(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    var h = ex.getResponseHeaders();
    h.set("Content-Type", type);
    h.set("Cache-Control", "no-store");
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "no-referrer");
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
