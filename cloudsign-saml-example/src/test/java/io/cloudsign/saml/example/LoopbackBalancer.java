package io.cloudsign.saml.example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A load balancer on a loopback port for tests, as small as it can be: every request goes to the
 * node the test chose last ({@link #routeTo}), so routing is deterministic. Real HTTP both ways
 * (the JDK's HTTP server in front, its HTTP client behind): method, path, query, headers (cookies
 * too) and body are passed on, and the node's status, headers (each Set-Cookie) and body come back;
 * redirects are not followed. The Host header is the node's: the apps compare with their configured
 * --base-url, never with Host.
 */
final class LoopbackBalancer implements AutoCloseable {
  /** Headers the JDK client sets itself (or refuses), and hop-by-hop ones. */
  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "host",
          "connection",
          "content-length",
          "expect",
          "upgrade",
          "transfer-encoding",
          "keep-alive",
          "te",
          "trailer");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private volatile URI target;

  private LoopbackBalancer(HttpServer server) {
    this.server = server;
  }

  static LoopbackBalancer start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    LoopbackBalancer lb = new LoopbackBalancer(server);
    server.createContext("/", lb::forward);
    server.setExecutor(lb.executor);
    server.start();
    return lb;
  }

  /** The balancer's URL without a trailing slash (what the nodes get as --base-url). */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  URI uri(String path) {
    return URI.create(url() + path);
  }

  /** From now on every request goes to {@code node} (its listening URL). */
  void routeTo(URI node) {
    this.target = node;
  }

  /** What was forwarded, one {@code "METHOD /path -> port"} per request, oldest first. */
  List<String> log() {
    return List.copyOf(log);
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      URI node = target;
      URI in = exchange.getRequestURI();
      String path = in.getRawPath() + (in.getRawQuery() == null ? "" : "?" + in.getRawQuery());
      log.add(exchange.getRequestMethod() + " " + in.getRawPath() + " -> " + node.getPort());
      byte[] body = exchange.getRequestBody().readAllBytes();
      HttpRequest.Builder out =
          HttpRequest.newBuilder(node.resolve(path))
              .timeout(Duration.ofSeconds(30))
              .method(
                  exchange.getRequestMethod(),
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
        if (!NOT_FORWARDED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
          h.getValue().forEach(v -> out.header(h.getKey(), v));
        }
      }
      HttpResponse<byte[]> answer;
      try {
        answer = client.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        exchange.sendResponseHeaders(502, -1);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      answer
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!name.startsWith(":")
                    && !NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                  values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
              });
      byte[] bytes = answer.body();
      exchange.sendResponseHeaders(answer.statusCode(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
