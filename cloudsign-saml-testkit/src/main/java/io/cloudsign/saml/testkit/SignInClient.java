package io.cloudsign.saml.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A plain HTTP client that signs in through your application's real filter and a {@link
 * FakeEntraServer}, the way a browser would: one cookie jar (a {@link CookieManager}), redirects
 * followed, the fake's login page answered with a chosen user, and Entra's auto-submitting form
 * posted to your Reply URL. It exposes the final response, so a JUnit test can assert what your
 * application shows a signed-in user, or which error page a hostile Response gets.
 *
 * <p>The README's "Sign in through your own filter over HTTP" shows a compiled test that uses it.
 *
 * <p>Over {@code http://localhost} the library's request-state cookie has a copy without {@code
 * Secure}, which this client (like any {@code java.net.http} client with a {@code CookieManager})
 * sends; nothing here bends cookie rules. Each instance is one browser; not thread-safe.
 */
public final class SignInClient {
  private static final int MAX_HOPS = 20;
  private static final String HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";
  private static final Pattern FORM =
      Pattern.compile(
          "<form\\b[^>]*\\baction=\"([^\"]*)\"[^>]*>(.*?)</form>",
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern HIDDEN =
      Pattern.compile(
          "<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">", Pattern.CASE_INSENSITIVE);

  private final CookieManager jar = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient http;

  private SignInClient() {
    this.http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .cookieHandler(jar)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /** A new client with an empty cookie jar. */
  public static SignInClient create() {
    return new SignInClient();
  }

  /**
   * Opens {@code start} (your Sign on URL, or any page the filter protects) and signs in as the
   * fake's first configured user.
   *
   * @return the last response, after every redirect: your page on success, an error page else
   */
  public HttpResponse<String> signIn(URI start) {
    return signIn(start, 0);
  }

  /** {@link #signIn(URI)} as the fake's configured user at {@code userIndex}. */
  public HttpResponse<String> signIn(URI start, int userIndex) {
    return run(start, Map.of("user", Integer.toString(userIndex)), "pick-user");
  }

  /** {@link #signIn(URI)} as any NameID, typed into the fake's login page. */
  public HttpResponse<String> signInAs(URI start, String nameId) {
    Objects.requireNonNull(nameId, "nameId");
    return run(start, Map.of("nameId", nameId), "type-user");
  }

  /** A GET with this client's cookies, redirects followed. */
  public HttpResponse<String> get(URI uri) {
    return follow(send(request(uri).GET().build()));
  }

  /** The cookies this client holds. */
  public List<HttpCookie> cookies() {
    return jar.getCookieStore().getCookies();
  }

  private HttpResponse<String> run(URI start, Map<String, String> choice, String formId) {
    Objects.requireNonNull(start, "start");
    HttpResponse<String> page = get(start);
    if (!page.body().contains("id=\"" + formId + "\"")) {
      return page; // not the fake's login page: an error, or already signed in
    }
    Matcher form = formWithId(page.body(), formId);
    Map<String, String> fields = hiddenFields(form.group(2));
    fields.putAll(choice);
    HttpResponse<String> answer = post(page.uri().resolve(unescape(form.group(1))), fields);
    if (!answer.body().contains("name=\"hiddenform\"")) {
      return answer; // the fake's error page (AADSTS...)
    }
    Matcher autoPost = FORM.matcher(answer.body());
    if (!autoPost.find()) {
      return answer;
    }
    return post(answer.uri().resolve(unescape(autoPost.group(1))), hiddenFields(autoPost.group(2)));
  }

  private static Matcher formWithId(String html, String id) {
    Matcher m = FORM.matcher(html);
    while (m.find()) {
      if (m.group(0).contains("id=\"" + id + "\"")) {
        return m;
      }
    }
    throw new IllegalStateException("the fake's login page has no form " + id);
  }

  private static Map<String, String> hiddenFields(String formBody) {
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher m = HIDDEN.matcher(formBody);
    while (m.find()) {
      fields.put(unescape(m.group(1)), unescape(m.group(2)));
    }
    return fields;
  }

  private HttpResponse<String> post(URI uri, Map<String, String> form) {
    String body =
        form.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
    return follow(
        send(
            request(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build()));
  }

  private HttpResponse<String> follow(HttpResponse<String> response) {
    HttpResponse<String> r = response;
    for (int hop = 0; isRedirect(r.statusCode()); hop++) {
      if (hop == MAX_HOPS) {
        throw new IllegalStateException("more than " + MAX_HOPS + " redirects from " + r.uri());
      }
      String location = r.headers().firstValue("Location").orElse(null);
      if (location == null) {
        throw new IllegalStateException(r.statusCode() + " without Location from " + r.uri());
      }
      r = send(request(r.uri().resolve(location)).GET().build());
    }
    return r;
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Accept", HTML);
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + request.uri(), e);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Undoes the fake's HTML escaping of attribute values. */
  private static String unescape(String s) {
    return s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }
}
