package io.cloudsign.saml.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A cross-check of the JMH ratios that holds on a shared machine: the same benchmark methods and
 * setups, run interleaved in one JVM (round after round, each method for a fixed number of calls),
 * timed by the thread's CPU time rather than the wall clock, so time the thread spends descheduled
 * by other processes does not count. Reports the median per-call CPU time of each method over the
 * rounds after warm-up. It does not replace JMH (no forks, no blackholes beyond using results).
 *
 * <p>Two threads: in each round {@code cloudsign_validate} also runs on two threads at once
 * (sharing one service provider and replay cache, as the JMH 2-thread benchmark does). If nothing
 * serialises or slows the threads, each thread's CPU time per call equals the one-thread figure,
 * and two threads that each get a core do twice the work: {@code 2 × t1 / t2} is that capacity.
 * Unlike the JMH ratio it does not depend on whether another tenant holds the second core; it does
 * not count GC threads.
 *
 * <pre>
 * java -cp cloudsign-saml-bench/target/benchmarks.jar io.cloudsign.saml.bench.CpuTimeRatios
 * </pre>
 */
public final class CpuTimeRatios {
  private CpuTimeRatios() {}

  /**
   * Median CPU µs per call, by benchmark method name; {@code twoThreadMicros}: median CPU µs per
   * call of {@code cloudsign_validate} per thread while two threads run it.
   */
  record Result(Map<String, Double> microsPerCall, double twoThreadMicros, int rounds) {}

  public static void main(String[] args) throws Exception {
    Result r = measure(Integer.getInteger("bench.cpuRounds", 15));
    System.out.println(table(r));
  }

  static Result measure(int rounds) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    SamlBenchmarks b = new SamlBenchmarks();
    SamlBenchmarks.RsaState rsa = new SamlBenchmarks.RsaState();
    rsa.setUp();
    SamlBenchmarks.JdkDsigState dsig = new SamlBenchmarks.JdkDsigState();
    dsig.setUp();
    SamlBenchmarks.ValidateState validate = new SamlBenchmarks.ValidateState();
    validate.poolSize = 1024;
    validate.setUp();
    SamlBenchmarks.JavaSamlState javaSaml = new SamlBenchmarks.JavaSamlState();
    javaSaml.setUp();

    Map<String, Call> calls = new LinkedHashMap<>();
    calls.put("floor_rsaVerify", new Call(400, () -> b.floor_rsaVerify(rsa)));
    calls.put("floor_jdkDsig", new Call(200, () -> b.floor_jdkDsig(dsig)));
    calls.put("cloudsign_validate", new Call(200, () -> b.cloudsign_validate(validate)));
    calls.put("javasaml_validate", new Call(10, () -> b.javasaml_validate(javaSaml)));

    int warmup = Integer.getInteger("bench.cpuWarmupRounds", 60);
    Map<String, double[]> samples = new LinkedHashMap<>();
    calls.keySet().forEach(k -> samples.put(k, new double[rounds]));
    double[] twoThreads = new double[rounds];
    for (int round = -warmup; round < rounds; round++) {
      double pair = twoThreadMicros(validate, 200);
      if (round >= 0) {
        twoThreads[round] = pair;
      }
      for (Map.Entry<String, Call> e : calls.entrySet()) {
        Call c = e.getValue();
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < c.n(); i++) {
          c.body().run();
        }
        double micros = (threads.getCurrentThreadCpuTime() - start) / 1000.0 / c.n();
        if (round >= 0) {
          samples.get(e.getKey())[round] = micros;
        }
      }
    }
    Map<String, Double> medians = new LinkedHashMap<>();
    samples.forEach((k, v) -> medians.put(k, median(v)));
    return new Result(medians, median(twoThreads), rounds);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Two threads each validate {@code n} Responses at once; CPU µs per call, per thread. */
  static double twoThreadMicros(SamlBenchmarks.ValidateState validate, int n) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    CyclicBarrier start = new CyclicBarrier(2);
    Callable<Long> worker =
        () -> {
          start.await();
          long cpu = threads.getCurrentThreadCpuTime();
          for (int i = 0; i < n; i++) {
            validate.validateNext();
          }
          return threads.getCurrentThreadCpuTime() - cpu;
        };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Long> a = pool.submit(worker);
      Future<Long> b = pool.submit(worker);
      return (a.get() + b.get()) / 1000.0 / (2.0 * n);
    } finally {
      pool.shutdownNow();
    }
  }

  static String table(Result r) {
    Map<String, Double> m = r.microsPerCall();
    StringBuilder sb =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "CPU-time cross-check (interleaved, median of %d rounds, µs of thread CPU per"
                    + " call):%n%n| benchmark | CPU µs/op |%n|---|--:|%n",
                r.rounds()));
    m.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "| %s | %,.1f |%n", k, v)));
    double cs = m.get("cloudsign_validate");
    sb.append(
        String.format(
            Locale.ROOT,
            "| cloudsign_validate, per thread while 2 threads run it | %,.1f |%n"
                + "%n| ratio (throughput = inverse CPU time) | value | target |%n|---|--:|--:|%n"
                + "| cloudsign_validate / floor_jdkDsig | %.2f× | ≥ 0.8× |%n"
                + "| cloudsign_validate / javasaml_validate | %.1f× | ≥ 30× |%n"
                + "| 2 threads / 1 thread, each thread on its own core (2 × t1 / t2) | %.2f× |"
                + " ≥ 1.7× |%n",
            r.twoThreadMicros(),
            m.get("floor_jdkDsig") / cs,
            m.get("javasaml_validate") / cs,
            2 * cs / r.twoThreadMicros()));
    return sb.toString();
  }

  private record Call(int n, ThrowingRunnable body) {}

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
