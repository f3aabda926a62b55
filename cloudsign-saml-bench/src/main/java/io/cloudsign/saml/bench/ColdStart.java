package io.cloudsign.saml.bench;

import io.cloudsign.saml.core.PendingRequest;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.testkit.TestClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Cold start: JVM start → first successful validation (OpenSAML bootstrap, metadata parsing and
 * service-provider construction included), each run in a fresh JVM; the driver reports the median.
 * The fixture (metadata, one signed Response, its pending request, the instant it was issued) is
 * generated once into a directory first, so generating it is not measured.
 *
 * <pre>
 * java -cp benchmarks.jar io.cloudsign.saml.bench.ColdStart [runs] [--appcds] [-- JVM options]
 * </pre>
 *
 * <p>The time is taken by the driver's wall clock just before starting the child process and by the
 * child's wall clock right after its validation succeeded.
 */
public final class ColdStart {
  private ColdStart() {}

  /** One run's times, in milliseconds from process start. */
  record Run(double mainEntered, double validated, double cpu) {}

  /** The median of the runs and the runs themselves. */
  record Result(
      double medianMillis, double medianMainMillis, double medianCpuMillis, List<Run> runs) {}

  public static void main(String[] args) throws Exception {
    int runs = 7;
    boolean appCds = false;
    List<String> jvmOptions = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--appcds")) {
        appCds = true;
        continue;
      }
      if (args[i].equals("--")) {
        jvmOptions.addAll(Arrays.asList(args).subList(i + 1, args.length));
        break;
      }
      runs = Integer.parseInt(args[i]);
    }
    Result r = measure(runs, jvmOptions, appCds);
    System.out.printf(
        "cold start (JVM start -> first validation), median of %d: %.0f ms (JVM start -> main:"
            + " %.0f ms; CPU time used by then, all threads: %.0f ms)%n",
        runs, r.medianMillis(), r.medianMainMillis(), r.medianCpuMillis());
    for (Run run : r.runs()) {
      System.out.printf(
          "  run: main at %.0f ms, validated at %.0f ms, CPU %.0f ms%n",
          run.mainEntered(), run.validated(), run.cpu());
    }
  }

  static Result measure(int runs, List<String> jvmOptions) throws Exception {
    return measure(runs, jvmOptions, false);
  }

  /**
   * As {@link #measure(int, List)} with an application class-data-sharing archive: one unmeasured
   * training run writes it ({@code -XX:ArchiveClassesAtExit}), the measured runs map it ({@code
   * -XX:SharedArchiveFile}). This is what an application gets by adding those two JVM options.
   */
  static Result measureWithAppCds(int runs) throws Exception {
    return measure(runs, List.of(), true);
  }

  private static Result measure(int runs, List<String> jvmOptions, boolean appCds)
      throws Exception {
    Path dir = Files.createTempDirectory("cloudsign-coldstart");
    Path archive = dir.resolve("app.jsa");
    try {
      writeFixture(dir);
      List<Run> results = new ArrayList<>();
      if (appCds) {
        List<String> dump = new ArrayList<>(jvmOptions);
        dump.add("-XX:ArchiveClassesAtExit=" + archive);
        runChild(dir, dump);
        jvmOptions = new ArrayList<>(jvmOptions);
        jvmOptions.add("-XX:SharedArchiveFile=" + archive);
      }
      runChild(dir, jvmOptions); // one unmeasured run warms the OS file cache
      for (int i = 0; i < runs; i++) {
        results.add(runChild(dir, jvmOptions));
      }
      double[] total = results.stream().mapToDouble(Run::validated).sorted().toArray();
      double[] main = results.stream().mapToDouble(Run::mainEntered).sorted().toArray();
      double[] cpu = results.stream().mapToDouble(Run::cpu).sorted().toArray();
      return new Result(median(total), median(main), median(cpu), results);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static void writeFixture(Path dir) throws IOException {
    TestClock clock = TestClock.atNow();
    BenchFixture f = new BenchFixture(clock);
    ServiceProvider sp = f.serviceProvider(clock, null);
    BenchFixture.Exchange e = f.exchange(sp);
    Files.writeString(dir.resolve("metadata.xml"), f.entra.metadataXml(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("response.b64"), e.samlResponse(), StandardCharsets.US_ASCII);
    Properties p = new Properties();
    PendingRequest pending = e.pending();
    p.setProperty("now", clock.instant().toString());
    p.setProperty("registrationId", pending.registrationId());
    p.setProperty("requestId", pending.requestId());
    p.setProperty("issuedAt", pending.issuedAt().toString());
    p.setProperty("expiresAt", pending.expiresAt().toString());
    p.setProperty("relayState", pending.relayState().orElse(""));
    try (OutputStream out = Files.newOutputStream(dir.resolve("pending.properties"))) {
      p.store(out, null);
    }
  }

  private static Run runChild(Path dir, List<String> jvmOptions) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ColdStartChild.class.getName());
    command.add(dir.toString());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    long start = epochMicros();
    Process process = pb.start();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("cold-start child failed:\n" + output);
    }
    String line =
        output
            .lines()
            .filter(l -> l.startsWith(ColdStartChild.PREFIX))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no result from child:\n" + output));
    String[] parts = line.substring(ColdStartChild.PREFIX.length()).trim().split(" ");
    long main = Long.parseLong(parts[0]);
    long validated = Long.parseLong(parts[1]);
    long cpu = Long.parseLong(parts[2]);
    return new Run((main - start) / 1000.0, (validated - start) / 1000.0, cpu / 1000.0);
  }

  static long epochMicros() {
    return ColdStartChild.epochMicros();
  }
}
