package io.cloudsign.saml.examplecontract;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An example app started as users start it: a separate JVM running its main class ({@link
 * #mainClass}) or its packaged jar ({@link #jar}), stdout read line by line, stderr kept.
 */
public final class ExampleProcess implements AutoCloseable {
  /** The ready line both example apps print first. */
  public static final Pattern LISTENING =
      Pattern.compile("cloudsign-saml-example listening on (http://([^:/]+):(\\d+)/)");

  private static final String EOF = "\u0000EOF";

  private final Process process;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final List<String> linesSeen = new ArrayList<>();
  private final Path stderr;

  private ExampleProcess(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  stdout.add(line);
                }
              } catch (IOException e) {
                // process ended
              }
              stdout.add(EOF);
            },
            "example-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** {@code java -cp <this test's class path> mainClass args…}. */
  public static ExampleProcess mainClass(String mainClass, String... args) throws IOException {
    String classpath = System.getProperty("surefire.test.class.path");
    if (classpath == null || classpath.isBlank()) {
      classpath = System.getProperty("java.class.path");
    }
    return start(List.of("-cp", classpath, mainClass), args);
  }

  /** {@code java -jar jar args…}, the packaged application. */
  public static ExampleProcess jar(Path jar, String... args) throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar.toAbsolutePath() + " does not exist: run the package phase first (mvn verify)");
    }
    return start(List.of("-jar", jar.toAbsolutePath().toString()), args);
  }

  private static ExampleProcess start(List<String> launch, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(launch);
    command.addAll(List.of(args));
    Path stderr = Files.createTempFile("example-stderr", ".log");
    Process p =
        new ProcessBuilder(command)
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    return new ExampleProcess(p, stderr);
  }

  /** The next stdout line, or null at end of output or after {@code timeout}. */
  public String nextLine(Duration timeout) throws InterruptedException {
    String line = stdout.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (line == null || line.equals(EOF)) {
      if (line != null) {
        stdout.add(EOF);
      }
      return null;
    }
    linesSeen.add(line);
    return line;
  }

  /** Waits (bounded) for the {@code listening on} line and returns its URL. */
  public URI awaitListening() throws Exception {
    String line = nextLine(Duration.ofSeconds(90));
    if (line == null) {
      throw new AssertionError("no 'listening on' line; stderr:\n" + stderr());
    }
    Matcher m = LISTENING.matcher(line);
    if (!m.matches()) {
      throw new AssertionError("first stdout line is not the listening line: " + line);
    }
    return URI.create(m.group(1));
  }

  public String allOutput(Duration timeout) throws InterruptedException {
    StringBuilder sb = new StringBuilder();
    for (String l; (l = nextLine(timeout)) != null; ) {
      sb.append(l).append('\n');
    }
    return sb.toString();
  }

  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the example did not exit within " + timeout);
    }
    return process.exitValue();
  }

  public String stderr() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    Files.deleteIfExists(stderr);
  }
}
