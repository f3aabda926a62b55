package io.cloudsign.saml.servlet;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A real HTTP client with its own cookie jar, acting as one browser: redirects are not followed
 * automatically. Like browsers, it sends {@code Secure} cookies to {@code http://localhost}
 * (java.net.CookieManager only sends them over https).
 */
final class TestBrowser {
  static final String HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

  private final CookieManager jar = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient client;

  TestBrowser() {
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .cookieHandler(new LoopbackSecureCookies(jar))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  HttpResponse<String> get(URI uri, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> getPage(URI uri) throws IOException, InterruptedException {
    return get(uri, "Accept", HTML);
  }

  HttpResponse<String> post(URI uri, Map<String, String> form)
      throws IOException, InterruptedException {
    return post(uri, form, new String[0]);
  }

  /** A form POST with extra request headers (name, value, …), e.g. a browser's Origin. */
  HttpResponse<String> post(URI uri, Map<String, String> form, String... headers)
      throws IOException, InterruptedException {
    String body =
        form.entrySet().stream()
            .filter(e -> e.getValue() != null)
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", HTML)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> postRaw(URI uri, String body) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  Optional<HttpCookie> cookie(String name) {
    return jar.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst();
  }

  List<HttpCookie> cookies() {
    return jar.getCookieStore().getCookies();
  }

  void addCookie(URI uri, HttpCookie cookie) {
    jar.getCookieStore().add(uri, cookie);
  }

  void removeCookie(String name) {
    for (HttpCookie c : List.copyOf(jar.getCookieStore().getCookies())) {
      if (c.getName().equals(name)) {
        jar.getCookieStore().getURIs().forEach(u -> jar.getCookieStore().remove(u, c));
        jar.getCookieStore().remove(null, c);
      }
    }
  }

  /** Treats http://localhost and 127.0.0.1 as secure contexts, as browsers do. */
  private static final class LoopbackSecureCookies extends CookieHandler {
    private final CookieManager delegate;

    LoopbackSecureCookies(CookieManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders)
        throws IOException {
      return delegate.get(asSecure(uri), requestHeaders);
    }

    @Override
    public void put(URI uri, Map<String, List<String>> responseHeaders) throws IOException {
      delegate.put(uri, responseHeaders);
    }

    private static URI asSecure(URI uri) {
      String host = uri.getHost();
      if ("http".equals(uri.getScheme())
          && ("localhost".equals(host) || "127.0.0.1".equals(host))) {
        return URI.create("https" + uri.toString().substring(4));
      }
      return uri;
    }
  }
}
