package io.cloudsign.saml.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToDoubleFunction;

/**
 * The ratios of issue 5 measured so that other tenants of a shared machine cancel out: the same
 * benchmark methods and setups as the JMH run, in one JVM, interleaved in short rounds (each method
 * for a fixed number of calls, in a shuffled order per round, so no method always follows the same
 * neighbour). Every ratio is taken within one round, where both sides ran within a few hundred
 * milliseconds of each other, and the report gives the median over the rounds with the middle half
 * of them. A burst of load from elsewhere then moves a few rounds, not a whole 30-second JMH fork.
 *
 * <p>Each round is timed twice: by the wall clock (throughput, what the JMH ratios estimate) and by
 * the threads' CPU time (time a thread spends descheduled does not count). Two threads: {@code
 * cloudsign_validate} on two threads sharing one service provider and replay cache, as the JMH
 * 2-thread benchmark does, and {@code floor_jdkDsig} on two threads with a state each (nothing
 * shared). By CPU time the 2-thread ratio is a capacity: {@code 2 × t1 / t2}, what two threads that
 * each had a core would do. It does not replace JMH (no forks, so the JIT profiles of all methods
 * share one JVM).
 *
 * <pre>
 * java -cp cloudsign-saml-bench/target/benchmarks.jar io.cloudsign.saml.bench.InterleavedRatios
 * </pre>
 */
public final class InterleavedRatios {
  private InterleavedRatios() {}

  static final String VALIDATE = "cloudsign_validate";
  static final String VALIDATE_2 = "cloudsign_validate_2threads";
  static final String FLOOR = "floor_jdkDsig";
  static final String FLOOR_2 = "floor_jdkDsig_2threads";
  static final String RSA = "floor_rsaVerify";
  static final String JAVA_SAML = "javasaml_validate";
  static final String SPIN = "multiply_loop";
  static final String SPIN_2 = "multiply_loop_2threads";

  /** One timing of one method in one round: µs per operation (wall, throughput) and CPU µs. */
  record Timing(double wallMicrosPerOp, double cpuMicrosPerCall) {}

  /** Per method, its timings, one per round (index = round). */
  record Result(Map<String, Timing[]> timings, int rounds) {
    double medianWall(String method) {
      return Stats.of(timings.get(method), Timing::wallMicrosPerOp).median();
    }

    double medianCpu(String method) {
      return Stats.of(timings.get(method), Timing::cpuMicrosPerCall).median();
    }

    /** Throughput of {@code a} over {@code b}, round by round, by wall clock. */
    Stats wallRatio(String a, String b) {
      double[] r = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        r[i] = timings.get(b)[i].wallMicrosPerOp() / timings.get(a)[i].wallMicrosPerOp();
      }
      return Stats.of(r);
    }

    /**
     * Throughput of {@code a} over {@code b}, round by round, by CPU time per call and thread;
     * {@code threadsA} threads of {@code a} each have a core.
     */
    Stats cpuRatio(String a, int threadsA, String b) {
      double[] r = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        r[i] =
            threadsA * timings.get(b)[i].cpuMicrosPerCall() / timings.get(a)[i].cpuMicrosPerCall();
      }
      return Stats.of(r);
    }
  }

  /** Median and quartiles of a sample. */
  record Stats(double median, double lowerQuartile, double upperQuartile) {
    static Stats of(double[] values) {
      double[] s = values.clone();
      Arrays.sort(s);
      return new Stats(at(s, 0.5), at(s, 0.25), at(s, 0.75));
    }

    static Stats of(Timing[] timings, ToDoubleFunction<Timing> f) {
      return of(Arrays.stream(timings).mapToDouble(f).toArray());
    }

    private static double at(double[] sorted, double q) {
      return sorted[(int) Math.round(q * (sorted.length - 1))];
    }
  }

  public static void main(String[] args) throws Exception {
    Result r = measure(Integer.getInteger("bench.rounds", 61));
    System.out.println(table(r));
  }

  static Result measure(int rounds) throws Exception {
    SamlBenchmarks b = new SamlBenchmarks();
    SamlBenchmarks.RsaState rsa = new SamlBenchmarks.RsaState();
    rsa.setUp();
    SamlBenchmarks.JdkDsigState dsig = new SamlBenchmarks.JdkDsigState();
    dsig.setUp();
    SamlBenchmarks.JdkDsigState dsigOther = new SamlBenchmarks.JdkDsigState();
    dsigOther.setUp();
    SamlBenchmarks.ValidateState validate = new SamlBenchmarks.ValidateState();
    validate.poolSize = 1024;
    validate.setUp();
    SamlBenchmarks.JavaSamlState javaSaml = new SamlBenchmarks.JavaSamlState();
    javaSaml.setUp();

    Map<String, Arm> arms = new LinkedHashMap<>();
    arms.put(RSA, Arm.single(400, () -> b.floor_rsaVerify(rsa)));
    arms.put(FLOOR, Arm.single(200, () -> b.floor_jdkDsig(dsig)));
    arms.put(VALIDATE, Arm.single(200, () -> b.cloudsign_validate(validate)));
    arms.put(JAVA_SAML, Arm.single(10, () -> b.javasaml_validate(javaSaml)));
    arms.put(VALIDATE_2, Arm.pair(200, validate::validateNext, validate::validateNext));
    arms.put(FLOOR_2, Arm.pair(200, () -> b.floor_jdkDsig(dsig), () -> b.floor_jdkDsig(dsigOther)));
    arms.put(SPIN, Arm.single(2000, InterleavedRatios::spin));
    arms.put(SPIN_2, Arm.pair(2000, InterleavedRatios::spin, InterleavedRatios::spin));

    return interleave(arms, rounds);
  }

  private static volatile long sink;

  /**
   * Four independent 64-bit multiplication chains, about 8 µs: registers only, no allocation, no
   * memory. How far it scales on two threads is what the machine gave in that round.
   */
  static void spin() {
    long a = 1;
    long c = 3;
    long e = 5;
    long g = 7;
    long m = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < 20_000; i++) {
      a *= m;
      c *= m;
      e *= m;
      g *= m;
    }
    sink = a ^ c ^ e ^ g;
  }

  /**
   * Runs every arm once per round, in a shuffled order, for {@code bench.warmupRounds} (default 60)
   * unrecorded rounds and then {@code rounds} recorded ones.
   */
  static Result interleave(Map<String, Arm> arms, int rounds) throws Exception {
    int warmup = Integer.getInteger("bench.warmupRounds", 60);
    Map<String, Timing[]> timings = new LinkedHashMap<>();
    arms.keySet().forEach(k -> timings.put(k, new Timing[rounds]));
    List<String> order = new ArrayList<>(arms.keySet());
    Random shuffle = new Random(5);
    ExecutorService two = Executors.newFixedThreadPool(2);
    try {
      for (int round = -warmup; round < rounds; round++) {
        Collections.shuffle(order, shuffle);
        for (String name : order) {
          Timing t = arms.get(name).time(two);
          if (round >= 0) {
            timings.get(name)[round] = t;
          }
        }
      }
    } finally {
      two.shutdownNow();
    }
    return new Result(timings, rounds);
  }

  /** A method run {@code n} times on one thread, or {@code n} times on each of two threads. */
  record Arm(int n, ThrowingRunnable first, ThrowingRunnable second) {
    static Arm single(int n, ThrowingRunnable body) {
      return new Arm(n, body, null);
    }

    static Arm pair(int n, ThrowingRunnable first, ThrowingRunnable second) {
      return new Arm(n, first, second);
    }

    Timing time(ExecutorService two) throws Exception {
      if (second == null) {
        Span s = run(first, n);
        return new Timing(s.wallNanos() / 1000.0 / n, s.cpuNanos() / 1000.0 / n);
      }
      CyclicBarrier start = new CyclicBarrier(2);
      Future<Span> a = two.submit(() -> run(first, n, start));
      Future<Span> b = two.submit(() -> run(second, n, start));
      Span x = a.get();
      Span y = b.get();
      long wall = Math.max(x.end(), y.end()) - Math.min(x.start(), y.start());
      return new Timing(
          wall / 1000.0 / (2.0 * n), (x.cpuNanos() + y.cpuNanos()) / 1000.0 / (2.0 * n));
    }

    private static Span run(ThrowingRunnable body, int n, CyclicBarrier start) throws Exception {
      start.await();
      return run(body, n);
    }

    private static Span run(ThrowingRunnable body, int n) throws Exception {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpu = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        body.run();
      }
      long t1 = System.nanoTime();
      return new Span(t0, t1, threads.getCurrentThreadCpuTime() - cpu);
    }
  }

  private record Span(long start, long end, long cpuNanos) {
    long wallNanos() {
      return end - start;
    }
  }

  static String table(Result r) {
    StringBuilder sb =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "Interleaved in one JVM (%d rounds after warm-up, methods shuffled in each round;"
                    + " medians):%n%n| benchmark | threads | wall µs/op | CPU µs per call and"
                    + " thread |%n|---|--:|--:|--:|%n",
                r.rounds()));
    r.timings()
        .keySet()
        .forEach(
            k ->
                sb.append(
                    String.format(
                        Locale.ROOT,
                        "| %s | %d | %,.1f | %,.1f |%n",
                        k,
                        k.endsWith("_2threads") ? 2 : 1,
                        r.medianWall(k),
                        r.medianCpu(k))));
    sb.append(
        "\n| ratio, taken round by round | wall clock: median (middle half of rounds) | CPU time:"
            + " median | target |\n|---|--:|--:|--:|\n");
    row(sb, r, "cloudsign_validate / floor_jdkDsig", VALIDATE, 1, FLOOR, "≥ 1.4× (issue 17)");
    row(sb, r, "cloudsign_validate / javasaml_validate", VALIDATE, 1, JAVA_SAML, "≥ 30×");
    row(sb, r, "2 threads / 1 thread (cloudsign_validate)", VALIDATE_2, 2, VALIDATE, "≥ 1.7×");
    row(sb, r, "2 threads / 1 thread (floor_jdkDsig, nothing shared)", FLOOR_2, 2, FLOOR, "");
    row(
        sb,
        r,
        "2 threads / 1 thread (a multiply loop, registers only: what the machine gave)",
        SPIN_2,
        2,
        SPIN,
        "");
    return sb.toString();
  }

  /** A table row: {@code a} over {@code b}, by wall clock and by CPU time ({@link Result}). */
  private static void row(
      StringBuilder sb, Result r, String label, String a, int threadsA, String b, String target) {
    Stats wall = r.wallRatio(a, b);
    sb.append(
        String.format(
            Locale.ROOT,
            "| %s | %s (%s–%s) | %s | %s |%n",
            label,
            times(wall.median()),
            times(wall.lowerQuartile()),
            times(wall.upperQuartile()),
            times(r.cpuRatio(a, threadsA, b).median()),
            target));
  }

  private static String times(double ratio) {
    return String.format(Locale.ROOT, ratio >= 10 ? "%.1f×" : "%.2f×", ratio);
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
