package io.cloudsign.saml.bench;

import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One browser of {@link SignInLoad}: one sign-in's cookie jar (a {@link CookieManager}, as a {@code
 * java.net.http} client with a cookie handler uses it) and what the fake Entra answered. Requests
 * go through the {@link HttpClient} of the virtual user that runs the step, which has no cookie
 * handler of its own: thousands of browsers then share a few keep-alive connections instead of each
 * holding a client with its own selector thread. Every step checks the answer a browser would need
 * and throws {@link IllegalStateException} otherwise, so a failed sign-in fails the run. Not
 * thread-safe: one step at a time (the driver's phases hand each browser to one thread).
 */
final class LoadBrowser {
  static final String USER = "B.Simon@contoso.com";

  private final CookieManager jar = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final URI base;
  private URI entra;
  private URI replyUrl;
  private Map<String, String> answer;

  LoadBrowser(URI base) {
    this.base = base;
  }

  /** A virtual user's client: HTTP/1.1 keep-alive, no redirects followed, no cookie handler. */
  static HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** The SP: {@code GET /login?return_to=/me} answers 302 to Entra with the state cookie. */
  void login(HttpClient http) {
    HttpResponse<String> r = send(http, get(base.resolve("/login?return_to=%2Fme")));
    expect(r, 302, "GET /login");
    String location = r.headers().firstValue("Location").orElse("");
    if (!location.contains("SAMLRequest=")) {
      throw new IllegalStateException("GET /login sent the browser elsewhere: " + location);
    }
    entra = URI.create(location);
  }

  /**
   * The IdP (not measured): the fake Entra reads the AuthnRequest of the redirect and signs B.
   * Simon's Response to it, as its login page would after the user is picked, in this thread
   * without HTTP.
   */
  void signInAtEntra(FakeEntra idp) {
    AuthnRequestInfo request = idp.parseRedirect(entra.toString());
    replyUrl = URI.create(request.assertionConsumerServiceUrl());
    answer = new LinkedHashMap<>();
    answer.put("SAMLResponse", idp.respondTo(request).user(TestUser.bSimon()).build());
    request.relayState().ifPresent(rs -> answer.put("RelayState", rs));
  }

  /** The SP: Entra's form POSTed to the Reply URL answers 303 to the return path. */
  void postResponse(HttpClient http) {
    HttpResponse<String> r = send(http, post(replyUrl, answer));
    expect(r, 303, "POST " + replyUrl.getPath());
    String location = r.headers().firstValue("Location").orElse("");
    if (!location.equals("/me")) {
      throw new IllegalStateException("the sign-in returned to " + location + ", not /me");
    }
    answer = null;
  }

  /** The SP: {@code GET /me} with the new session shows the signed-in user. */
  void me(HttpClient http) {
    HttpResponse<String> r = send(http, get(base.resolve("/me")));
    expect(r, 200, "GET /me");
    if (!r.body().startsWith("{\"nameId\": \"" + USER + "\"")) {
      throw new IllegalStateException("GET /me does not show " + USER + ": " + snippet(r.body()));
    }
  }

  private HttpResponse<String> send(HttpClient http, HttpRequest.Builder request) {
    HttpRequest built = request.build();
    URI uri = built.uri();
    try {
      List<String> cookies = jar.get(uri, Map.of()).getOrDefault("Cookie", List.of());
      if (!cookies.isEmpty()) {
        built = request.header("Cookie", String.join("; ", cookies)).build();
      }
      HttpResponse<String> r = http.send(built, HttpResponse.BodyHandlers.ofString());
      jar.put(uri, r.headers().map());
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(built.method() + " " + uri + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + uri, e);
    }
  }

  private static HttpRequest.Builder get(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
  }

  private static HttpRequest.Builder post(URI uri, Map<String, String> form) {
    String body =
        form.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
    return HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private static void expect(HttpResponse<String> r, int status, String what) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(
          what
              + " answered "
              + r.statusCode()
              + " instead of "
              + status
              + errorCode(r.body())
              + ": "
              + snippet(r.body()));
    }
  }

  /** The filter's error code on its failure page, if the body is one. */
  private static String errorCode(String body) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("<code id=\"error-code\">([^<]*)</code>").matcher(body);
    return m.find() ? " (error code " + m.group(1) + ")" : "";
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String snippet(String body) {
    String s = body.replaceAll("\\s+", " ");
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
