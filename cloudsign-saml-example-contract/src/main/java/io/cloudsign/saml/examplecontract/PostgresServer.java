package io.cloudsign.saml.examplecontract;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: {@code initdb} into a temporary directory, {@code pg_ctl} on
 * a free loopback port, trust authentication for the user {@code test}. The binaries come from
 * {@code -Dpostgres.bin} or the Debian package {@code postgresql} (/usr/lib/postgresql/N/bin); when
 * they are missing the test fails (CI installs them), it is not skipped. As root, PostgreSQL runs
 * as the user {@code postgres} (it refuses to run as root), which is given the directory.
 */
public final class PostgresServer implements AutoCloseable {
  private final Path bin;
  private final Path dir;
  private final Path data;
  private final int port;
  private final boolean asPostgresUser;

  private PostgresServer(Path bin, Path dir, int port, boolean asPostgresUser) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** Creates a cluster and starts it. */
  public static PostgresServer start() throws IOException, InterruptedException {
    Path bin = findBin();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("cloudsign-pg");
    if (root) {
      run(List.of("chown", "postgres", dir.toString()), false, dir);
    }
    PostgresServer server = new PostgresServer(bin, dir, freePort(), root);
    server.exec(
        "initdb",
        "-D",
        server.data.toString(),
        "-U",
        "test",
        "--auth=trust",
        "-E",
        "UTF8",
        "--no-sync",
        "--no-instructions");
    Runtime.getRuntime().addShutdownHook(new Thread(server::stopQuietly));
    server.restart();
    return server;
  }

  /** A JDBC URL of the database {@code postgres} as the user {@code test}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=test";
  }

  /** The loopback port the server listens on (the same after a restart). */
  public int port() {
    return port;
  }

  /** Starts the server (again) on the same port and data directory; waits until it accepts. */
  public void restart() throws IOException, InterruptedException {
    exec(
        "pg_ctl",
        "-D",
        data.toString(),
        "-l",
        dir.resolve("server.log").toString(),
        "-w",
        "-t",
        "30",
        "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
        "start");
  }

  /** A clean shutdown (sessions ended, data flushed). */
  public void stop() throws IOException, InterruptedException {
    exec("pg_ctl", "-D", data.toString(), "-w", "-m", "fast", "stop");
  }

  /** A crash: the server stops without a checkpoint and recovers from its WAL when started. */
  public void crash() throws IOException, InterruptedException {
    exec("pg_ctl", "-D", data.toString(), "-w", "-m", "immediate", "stop");
  }

  private void stopQuietly() {
    try {
      if (Files.exists(data.resolve("postmaster.pid"))) {
        exec("pg_ctl", "-D", data.toString(), "-w", "-m", "immediate", "stop");
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      // best effort at JVM exit
    }
  }

  @Override
  public void close() throws IOException {
    stopQuietly();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private void exec(String tool, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (asPostgresUser) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(tool).toString());
    command.addAll(List.of(args));
    run(command, true, dir);
  }

  private static void run(List<String> command, boolean showLog, Path dir)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      Path log = dir.resolve("server.log");
      String serverLog = showLog && Files.exists(log) ? Files.readString(log) : "";
      throw new IllegalStateException(
          String.join(" ", command) + " failed:\n" + output + "\n" + serverLog);
    }
  }

  private static Path findBin() throws IOException {
    String configured = System.getProperty("postgres.bin");
    if (configured != null) {
      Path bin = Path.of(configured);
      if (!Files.isExecutable(bin.resolve("pg_ctl"))) {
        throw new IllegalStateException("-Dpostgres.bin=" + bin + " holds no executable pg_ctl");
      }
      return bin;
    }
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        Path bin =
            versions
                .map(v -> v.resolve("bin"))
                .filter(b -> Files.isExecutable(b.resolve("initdb")))
                .max(Comparator.comparingInt(PostgresServer::majorVersion))
                .orElse(null);
        if (bin != null) {
          return bin;
        }
      }
    }
    throw new IllegalStateException(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: these tests run a real PostgreSQL."
            + " Install the Debian package postgresql (apt-get install -y postgresql; .ci/run does)"
            + " or point -Dpostgres.bin at a directory holding initdb and pg_ctl.");
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
