package io.cloudsign.saml.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs every benchmark of {@link SamlBenchmarks} in one JMH run with {@code -prof gc}, then the
 * {@link ColdStart} driver, the {@link InterleavedRatios} cross-check and the {@link SignInLoad}
 * sign-ins over HTTP, and prints the Markdown tables of BENCHMARKS.md with the ratios and targets
 * of issues 5 and 17. JMH options given on the command line override the defaults (e.g. {@code -i
 * 10}, or a regex such as {@code 'cloudsign_validate(_2threads)?$'} for only the benchmarks the
 * sign-in ratio needs); {@code -Dbench.coldRuns=N} sets the number of cold starts (default 7, 0 for
 * none), {@code -Dbench.rounds=N} the interleaved rounds (default 61, 0 for none), {@code
 * -Dbench.signIn=false} leaves out the sign-ins over HTTP, whose options are {@code
 * -Dbench.signIn.*} properties ({@link SignInLoadReport.Settings#parse}).
 *
 * <pre>
 * java -cp cloudsign-saml-bench/target/benchmarks.jar io.cloudsign.saml.bench.Report
 * </pre>
 */
public final class Report {
  /** Issue 17's {@code cloudsign_startSignIn} baseline (ops/s) before round 2. */
  static final double START_SIGN_IN_BASELINE = 52_093;

  private Report() {}

  public static void main(String[] args) throws Exception {
    // The example app logs each sign-in at info; SignInLoad's thousands are left out.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    String loadBefore = loadAverage();
    CommandLineOptions cli = new CommandLineOptions(args);
    OptionsBuilder builder = new OptionsBuilder();
    builder.parent(cli);
    if (cli.getIncludes().isEmpty()) {
      builder.include(SamlBenchmarks.class.getName() + "\\..*");
    }
    if (cli.getProfilers().isEmpty()) {
      builder.addProfiler(GCProfiler.class);
    }
    Options options = builder.build();
    long[] statBefore = cpuStat();
    Collection<RunResult> results = new Runner(options).run();
    String steal = stealPercent(statBefore, cpuStat());

    int coldRuns = Integer.getInteger("bench.coldRuns", 7);
    ColdStart.Result cold = coldRuns > 0 ? ColdStart.measure(coldRuns, List.of()) : null;
    ColdStart.Result coldCds = coldRuns > 0 ? ColdStart.measureWithAppCds(coldRuns) : null;
    int rounds = Integer.getInteger("bench.rounds", 61);
    InterleavedRatios.Result interleaved = rounds > 0 ? InterleavedRatios.measure(rounds) : null;
    String loadAfter = loadAverage();
    SignInLoadReport.Outcome signIns =
        Boolean.parseBoolean(System.getProperty("bench.signIn", "true"))
            ? SignInLoadReport.measure(SignInLoadReport.Settings.parse(new String[0]))
            : null;

    String table = table(results, cold, coldCds, coldRuns, loadBefore, loadAfter, steal);
    if (interleaved != null) {
      table += "\n" + InterleavedRatios.table(interleaved);
    }
    if (signIns != null) {
      Map<Integer, Double> validateCpu = new LinkedHashMap<>();
      if (interleaved != null) {
        validateCpu.put(1, interleaved.medianCpu(InterleavedRatios.VALIDATE));
        validateCpu.put(2, interleaved.medianCpu(InterleavedRatios.VALIDATE_2));
      }
      table +=
          "\n"
              + SignInLoadReport.table(
                  signIns, validateByThreads(results), validateCpu, "JMH, this run");
    }
    System.out.println();
    System.out.println(table);
    Path out = Path.of("cloudsign-saml-bench", "target", "benchmarks-result.md");
    if (Files.isDirectory(out.getParent())) {
      Files.writeString(out, table);
      System.out.println("(also written to " + out + ")");
    }
  }

  /** {@code cloudsign_validate} ops/s by thread count (its 1- and 2-thread JMH benchmarks). */
  static Map<Integer, Double> validateByThreads(Collection<RunResult> results) {
    Map<Integer, Double> out = new LinkedHashMap<>();
    for (RunResult r : results) {
      String label = r.getParams().getBenchmark();
      String name = label.substring(label.lastIndexOf('.') + 1);
      if (name.equals("cloudsign_validate") || name.equals("cloudsign_validate_2threads")) {
        out.put(r.getParams().getThreads(), r.getPrimaryResult().getScore());
      }
    }
    return out;
  }

  /** Per benchmark method name: score (ops/s), error, threads, bytes/op. */
  record Row(String name, int threads, double opsPerSecond, double error, double bytesPerOp) {
    double microsPerOp() {
      return threads * 1_000_000.0 / opsPerSecond;
    }
  }

  static String table(
      Collection<RunResult> results,
      ColdStart.Result cold,
      ColdStart.Result coldCds,
      int coldRuns,
      String loadBefore,
      String loadAfter,
      String steal) {
    Map<String, Row> rows = rows(results);
    StringBuilder sb = new StringBuilder();
    sb.append("Run ")
        .append(
            ZonedDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)))
        .append("; ")
        .append(cpu())
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores (shared); JDK ")
        .append(System.getProperty("java.vm.name"))
        .append(' ')
        .append(System.getProperty("java.vm.version"))
        .append("; load average before/after: ")
        .append(loadBefore)
        .append(" / ")
        .append(loadAfter)
        .append("; CPU time stolen by the hypervisor during JMH: ")
        .append(steal)
        .append(".\n\n");
    sb.append("| benchmark | threads | ops/s | µs/op | B/op |\n");
    sb.append("|---|--:|--:|--:|--:|\n");
    for (Row row : rows.values()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %,.0f ± %,.0f | %,.1f | %,.0f |%n",
              row.name(),
              row.threads(),
              row.opsPerSecond(),
              row.error(),
              row.microsPerOp(),
              row.bytesPerOp()));
    }
    sb.append('\n');
    validationMeasures(sb, rows);
    coldStartMeasures(sb, cold, coldCds, coldRuns);
    return sb.toString();
  }

  /** Per benchmark method name, its row. */
  private static Map<String, Row> rows(Collection<RunResult> results) {
    Map<String, Row> rows = new LinkedHashMap<>();
    for (RunResult r : results) {
      BenchmarkParams p = r.getParams();
      String label = p.getBenchmark();
      String name = label.substring(label.lastIndexOf('.') + 1);
      Result<?> primary = r.getPrimaryResult();
      double bytes =
          r.getSecondaryResults().entrySet().stream()
              .filter(e -> e.getKey().endsWith("gc.alloc.rate.norm"))
              .map(e -> e.getValue().getScore())
              .findFirst()
              .orElse(Double.NaN);
      rows.put(
          name, new Row(name, p.getThreads(), primary.getScore(), primary.getScoreError(), bytes));
    }

    return rows;
  }

  /** The measure table's rows of the JMH benchmarks, with their targets. */
  private static void validationMeasures(StringBuilder sb, Map<String, Row> rows) {
    Optional<Row> validate = Optional.ofNullable(rows.get("cloudsign_validate"));
    Optional<Row> floor = Optional.ofNullable(rows.get("floor_jdkDsig"));
    Optional<Row> peer = Optional.ofNullable(rows.get("javasaml_validate"));
    Optional<Row> twoThreads = Optional.ofNullable(rows.get("cloudsign_validate_2threads"));
    sb.append("| measure | value | target | met |\n|---|--:|--:|:-:|\n");
    validate.ifPresent(
        v -> {
          floor.ifPresent(
              f ->
                  ratio(
                      sb, "cloudsign_validate / floor_jdkDsig (throughput; issue 17)", v, f, 1.4));
          peer.ifPresent(
              j -> ratio(sb, "cloudsign_validate / javasaml_validate (throughput)", v, j, 30));
          sb.append(
              String.format(
                  Locale.ROOT,
                  "| cloudsign_validate allocation (issue 17) | %,.0f B/op | ≤ 32,768 B/op | %s |%n",
                  v.bytesPerOp(),
                  v.bytesPerOp() <= 32 * 1024 ? "yes" : "**no**"));
          twoThreads.ifPresent(
              t -> ratio(sb, "2 threads / 1 thread (cloudsign_validate)", t, v, 1.7));
          Optional.ofNullable(rows.get("cloudsign_validate_generalPath"))
              .ifPresent(
                  g ->
                      sb.append(
                          String.format(
                              Locale.ROOT,
                              "| cloudsign_validate / cloudsign_validate_generalPath (the XML fast"
                                  + " paths on / off; %,.0f / %,.0f B/op) | %.2f× | | |%n",
                              v.bytesPerOp(),
                              g.bytesPerOp(),
                              v.opsPerSecond() / g.opsPerSecond())));
        });
    Optional.ofNullable(rows.get("cloudsign_startSignIn"))
        .ifPresent(
            st ->
                sb.append(
                    String.format(
                        Locale.ROOT,
                        "| cloudsign_startSignIn / issue 17's baseline (52,093 ops/s, another run;"
                            + " before/after of one session in BENCHMARKS.md) | %.2f× | ≥ 1.5× |"
                            + " %s |%n",
                        st.opsPerSecond() / START_SIGN_IN_BASELINE,
                        st.opsPerSecond() >= 1.5 * START_SIGN_IN_BASELINE ? "yes" : "**no**")));
    Optional<Row> floorTwoThreads = Optional.ofNullable(rows.get("floor_jdkDsig_2threads"));
    floor.ifPresent(
        f ->
            floorTwoThreads.ifPresent(
                t ->
                    sb.append(
                        String.format(
                            Locale.ROOT,
                            "| for comparison: 2 threads / 1 thread (floor_jdkDsig, nothing shared)"
                                + " | %.2f× | | |%n",
                            t.opsPerSecond() / f.opsPerSecond()))));
  }

  /** The cold-start rows of the measure table (none for a run without cold starts). */
  private static void coldStartMeasures(
      StringBuilder sb, ColdStart.Result cold, ColdStart.Result coldCds, int coldRuns) {
    if (cold != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| cold start, JVM start → first validation (median of %d) | %,.0f ms | ≤ 150 ms"
                  + " | %s |%n",
              coldRuns,
              cold.medianMillis(),
              cold.medianMillis() <= 150 ? "yes" : "**no**"));
      sb.append(
          String.format(
              Locale.ROOT,
              "| of which JVM start → main (median) | %,.0f ms | | |%n",
              cold.medianMainMillis()));
      sb.append(
          String.format(
              Locale.ROOT,
              "| CPU time used by then, all threads (median; independent of other load) | %,.0f ms"
                  + " | | |%n",
              cold.medianCpuMillis()));
    }
    if (coldCds != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| cold start with an AppCDS archive (median of %d) | %,.0f ms | ≤ 100 ms | %s |%n",
              coldRuns,
              coldCds.medianMillis(),
              coldCds.medianMillis() <= 100 ? "yes" : "**no**"));
    }
  }

  private static void ratio(StringBuilder sb, String label, Row a, Row b, double target) {
    double r = a.opsPerSecond() / b.opsPerSecond();
    sb.append(
        String.format(
            Locale.ROOT,
            "| %s | %.2f× | ≥ %s× | %s |%n",
            label,
            r,
            target == Math.rint(target) ? String.valueOf((int) target) : String.valueOf(target),
            r >= target ? "yes" : "**no**"));
  }

  /**
   * The aggregate "cpu" line of /proc/stat (jiffies: user nice system idle iowait irq softirq
   * steal).
   */
  static long[] cpuStat() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long[] v = new long[8];
      for (int i = 0; i < v.length; i++) {
        v[i] = Long.parseLong(f[i + 1]);
      }
      return v;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Share of all CPU time between two readings that the hypervisor gave to other guests. */
  static String stealPercent(long[] before, long[] after) {
    if (before == null || after == null) {
      return "n/a";
    }
    long total = 0;
    for (int i = 0; i < before.length; i++) {
      total += after[i] - before[i];
    }
    return total <= 0
        ? "n/a"
        : String.format(Locale.ROOT, "%.1f %%", 100.0 * (after[7] - before[7]) / total);
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  static String cpu() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException | RuntimeException e) {
      return "unknown CPU";
    }
  }
}
