package io.cloudsign.saml.examplecontract;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} for tests, on a free loopback port with its data in a temporary
 * directory and the append-only file on ({@code appendfsync always}: what was answered survives a
 * crash). The binary comes from {@code -Dredis.server} or the PATH (Debian package {@code
 * redis-server}); when it is missing the test fails (CI installs it), it is not skipped.
 */
public final class RedisServer implements AutoCloseable {
  private final Path binary;
  private final Path dir;
  private final int port;
  private Process process;

  private RedisServer(Path binary, Path dir, int port) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
  }

  /** Starts a server and waits until it answers PING. */
  public static RedisServer start() throws IOException, InterruptedException {
    RedisServer server =
        new RedisServer(findBinary(), Files.createTempDirectory("cloudsign-redis"), freePort());
    Runtime.getRuntime().addShutdownHook(new Thread(server::kill));
    server.restart();
    return server;
  }

  /** {@code redis://127.0.0.1:PORT} (the same port after a restart). */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server (again) on the same port and directory; waits until it answers PING. */
  public void restart() throws IOException, InterruptedException {
    process =
        new ProcessBuilder(
                List.of(
                    binary.toString(),
                    "--port",
                    Integer.toString(port),
                    "--bind",
                    "127.0.0.1",
                    "--dir",
                    dir.toString(),
                    "--appendonly",
                    "yes",
                    "--appendfsync",
                    "always",
                    "--save",
                    "",
                    "--daemonize",
                    "no",
                    "--logfile",
                    dir.resolve("redis.log").toString()))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!pong()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "redis-server did not start:\n" + Files.readString(dir.resolve("stdout.log")) + log());
      }
      Thread.sleep(20);
    }
  }

  /** A clean shutdown (SIGTERM: Redis flushes its append-only file and exits). */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  /** A crash (SIGKILL). */
  public void crash() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** Freezes the process (SIGSTOP): connections stay open and nothing answers. */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** Lets a paused process run again (SIGCONT). */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  private void kill() {
    if (process != null && process.isAlive()) {
      try {
        resume();
      } catch (IOException | InterruptedException | RuntimeException e) {
        // best effort at JVM exit
      }
      process.destroyForcibly();
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    kill();
    if (process != null) {
      process.waitFor(20, TimeUnit.SECONDS);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private boolean pong() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] reply = new byte[7];
      int n = in.readNBytes(reply, 0, 7);
      return new String(reply, 0, n, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  private String log() throws IOException {
    Path log = dir.resolve("redis.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  private static Path findBinary() {
    String configured = System.getProperty("redis.server");
    if (configured != null) {
      return Path.of(configured);
    }
    for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(p, "redis-server");
      if (!p.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    for (String p : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
      if (Files.isExecutable(Path.of(p))) {
        return Path.of(p);
      }
    }
    throw new IllegalStateException(
        "redis-server not found: these tests run a real Redis. Install the Debian package"
            + " redis-server (apt-get install -y redis-server; .ci/run does) or point"
            + " -Dredis.server at the binary.");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
