package io.cloudsign.saml.bench;

import io.cloudsign.saml.examplecontract.PostgresServer;
import io.cloudsign.saml.examplecontract.RedisServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@link SignInLoad}'s runs for the report: one discarded run (JIT), then each thread count with
 * each store (in memory, then PostgreSQL and Redis on loopback), the profile runs, and the Markdown
 * tables with the targets of issue 17. The ratio of POST throughput to bare validation takes {@code
 * cloudsign_validate} at the same thread count from the caller ({@link Report}: its JMH run) or
 * measures it here, in this JVM right after the sign-in runs ({@link #bareValidate}).
 */
final class SignInLoadReport {
  static final double POST_TARGET = 0.6;

  /** The run's settings (see {@link SignInLoad}'s command line). */
  record Settings(
      List<Integer> threads,
      Duration warmUp,
      Duration measure,
      int batch,
      List<String> stores,
      Duration profile) {
    /**
     * The command line of {@link SignInLoad}; each option's default can also be given as a system
     * property ({@code -Dbench.signIn.threads=1,2}, {@code .warmup}, {@code .seconds}, {@code
     * .batch}, {@code .stores}, {@code .profileSeconds}), which is how {@link Report} takes them.
     */
    static Settings parse(String[] args) {
      return new Settings(
          ints(option(args, "--threads", "threads", "1,2")),
          Duration.ofSeconds(Long.parseLong(option(args, "--warmup", "warmup", "8"))),
          Duration.ofSeconds(Long.parseLong(option(args, "--seconds", "seconds", "15"))),
          Integer.parseInt(
              option(args, "--batch", "batch", String.valueOf(SignInLoad.DEFAULT_BATCH))),
          List.of(option(args, "--stores", "stores", "memory,postgres,redis").split(",")),
          Duration.ofSeconds(
              Long.parseLong(option(args, "--profile-seconds", "profileSeconds", "10"))));
    }
  }

  /** Every run's result, the profile tables, and the load average before and after. */
  record Outcome(List<SignInLoad.Result> results, String profiles, String load) {}

  private SignInLoadReport() {}

  static Outcome measure(Settings s) throws Exception {
    String before = Report.loadAverage();
    List<SignInLoad.Result> results = new ArrayList<>();
    // One discarded run first, so that the first measured run does not carry the JIT's work.
    SignInLoad.run(
        "memory", List.of(), s.threads().get(0), s.warmUp(), Duration.ofNanos(1), s.batch(), null);
    try (Stores stores = new Stores(s.stores())) {
      for (int threads : s.threads()) {
        for (String store : s.stores()) {
          stores.empty(store);
          results.add(
              SignInLoad.run(
                  store, stores.args(store), threads, s.warmUp(), s.measure(), s.batch(), null));
          System.err.println("sign-in load: " + results.get(results.size() - 1));
        }
      }
    }
    StringBuilder profiles = new StringBuilder();
    if (!s.profile().isZero()) {
      for (int threads : s.threads()) {
        try (SignInProfile profile = new SignInProfile()) {
          SignInLoad.run("memory", List.of(), threads, s.warmUp(), s.profile(), s.batch(), profile);
          profiles.append(profile.tables("in memory, " + threads + " thread(s)")).append('\n');
        }
      }
    }
    return new Outcome(results, profiles.toString(), before + " / " + Report.loadAverage());
  }

  /**
   * The tables. {@code validateOpsPerSecond}: {@code cloudsign_validate} throughput by thread
   * count, from {@code source} (e.g. "JMH, this run").
   */
  /**
   * The table of {@code o}; the POST ratio against {@code validateOpsPerSecond} by thread count,
   * and by CPU time against {@code validateCpuMicros} (CPU µs per validation and thread; may be
   * empty).
   */
  static String table(
      Outcome o,
      Map<Integer, Double> validateOpsPerSecond,
      Map<Integer, Double> validateCpuMicros,
      String source) {
    StringBuilder sb =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "Sign-in over HTTP (issue 17): the example app on Jetty in this JVM, virtual users"
                    + " on loopback (JDK HttpClient, a cookie jar per browser); the fake Entra's"
                    + " phase not measured; load average before/after: %s.%n%n| store | threads |"
                    + " sign-ins/s | × in memory | POST /saml2/idpresponse per s | POST p50 µs |"
                    + " POST p99 µs | server CPU µs per POST | GET /login per s | GET /me per s |"
                    + " sign-ins measured |%n"
                    + "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|%n",
                o.load()));
    Map<Integer, SignInLoad.Result> memory = new LinkedHashMap<>();
    o.results().stream()
        .filter(r -> r.store().equals("memory"))
        .forEach(r -> memory.put(r.threads(), r));
    for (SignInLoad.Result r : o.results()) {
      SignInLoad.Result m = memory.get(r.threads());
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %,.0f | %s | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %,d |%n",
              storeName(r.store()),
              r.threads(),
              r.signInsPerSecond(),
              m == null
                  ? ""
                  : String.format(
                      Locale.ROOT, "%.2f×", r.signInsPerSecond() / m.signInsPerSecond()),
              r.postsPerSecond(),
              r.postP50Micros(),
              r.postP99Micros(),
              r.postServerCpuMicros(),
              r.loginsPerSecond(),
              r.mesPerSecond(),
              r.signIns()));
    }
    postRatios(sb, memory, validateOpsPerSecond, validateCpuMicros, source);
    return sb.append('\n').append(o.profiles()).toString();
  }

  /** The POST ratio rows: by throughput against JMH's figures, and by CPU time. */
  private static void postRatios(
      StringBuilder sb,
      Map<Integer, SignInLoad.Result> memory,
      Map<Integer, Double> validateOpsPerSecond,
      Map<Integer, Double> validateCpuMicros,
      String source) {
    sb.append("\n| measure | value | target | met |\n|---|--:|--:|:-:|\n");
    for (SignInLoad.Result m : memory.values()) {
      Double validate = validateOpsPerSecond.get(m.threads());
      if (validate == null) {
        continue;
      }
      double ratio = m.postsPerSecond() / validate;
      sb.append(
          String.format(
              Locale.ROOT,
              "| POST /saml2/idpresponse per s / cloudsign_validate ops/s (%s: %,.0f), %d"
                  + " thread(s) | %.2f× | ≥ %.1f× | %s |%n",
              source,
              validate,
              m.threads(),
              ratio,
              POST_TARGET,
              ratio >= POST_TARGET ? "yes" : "**no**"));
      Double cpu = validateCpuMicros.get(m.threads());
      if (cpu != null) {
        double byCpu = cpu / m.postServerCpuMicros();
        sb.append(
            String.format(
                Locale.ROOT,
                "| the same by CPU time: cloudsign_validate CPU µs per call (%.1f) / the server's"
                    + " (Jetty threads') CPU µs per POST (%.1f), %d thread(s): what the ratio"
                    + " would be with the load driver off these cores | %.2f× | ≥ %.1f× | %s |%n",
                cpu,
                m.postServerCpuMicros(),
                m.threads(),
                byCpu,
                POST_TARGET,
                byCpu >= POST_TARGET ? "yes" : "**no**"));
      }
    }
  }

  static String storeName(String store) {
    return switch (store) {
      case "memory" -> "in memory (default)";
      case "postgres" -> "PostgreSQL (--store jdbc:postgresql:…)";
      case "redis" -> "Redis (--store redis:…)";
      default -> store;
    };
  }

  /**
   * {@code cloudsign_validate} as {@link SamlBenchmarks} runs it (one service provider, a pool of
   * distinct signed Responses, in-memory replay cache) on {@code threads} threads in this JVM: ops
   * per second over {@code measure} after {@code warmUp}.
   */
  /** Bare validation: ops per second, and CPU µs per call (and thread) of its threads. */
  record Bare(double opsPerSecond, double cpuMicrosPerCall) {}

  static Bare bareValidate(
      SamlBenchmarks.ValidateState state, int threads, Duration warmUp, Duration measure)
      throws Exception {
    LongAdder measured = new LongAdder();
    AtomicBoolean counting = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> workers = new ArrayList<>();
    Throwable[] failure = new Throwable[1];
    for (int t = 0; t < threads; t++) {
      Thread w =
          new Thread(
              () -> {
                try {
                  while (!stop.get()) {
                    state.validateNext();
                    if (counting.get()) {
                      measured.increment();
                    }
                  }
                } catch (Throwable e) {
                  failure[0] = e;
                  stop.set(true);
                }
              },
              "validate-" + t);
      workers.add(w);
      w.start();
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Thread.sleep(warmUp.toMillis());
    long cpuStart = 0;
    for (Thread w : workers) {
      cpuStart += mx.getThreadCpuTime(w.getId());
    }
    counting.set(true);
    long start = System.nanoTime();
    Thread.sleep(measure.toMillis());
    counting.set(false);
    long elapsed = System.nanoTime() - start;
    long cpuEnd = 0;
    for (Thread w : workers) {
      cpuEnd += mx.getThreadCpuTime(w.getId());
    }
    stop.set(true);
    for (Thread w : workers) {
      w.join();
    }
    if (failure[0] != null) {
      throw new IllegalStateException("validation failed", failure[0]);
    }
    long calls = measured.sum();
    return new Bare(calls / (elapsed / 1e9), (cpuEnd - cpuStart) / 1e3 / calls);
  }

  /** PostgreSQL and Redis on loopback when a run needs them; emptied before each run. */
  private static final class Stores implements AutoCloseable {
    private PostgresServer postgres;
    private RedisServer redis;

    Stores(List<String> names) throws Exception {
      for (String name : names) {
        switch (name) {
          case "memory" -> {}
          case "postgres" -> postgres = PostgresServer.start();
          case "redis" -> redis = RedisServer.start();
          default ->
              throw new IllegalArgumentException("--stores: memory, postgres or redis: " + name);
        }
      }
    }

    List<String> args(String store) {
      return switch (store) {
        case "postgres" -> List.of("--store", postgres.jdbcUrl());
        case "redis" -> List.of("--store", redis.uri());
        default -> List.of();
      };
    }

    /**
     * Forgets the previous runs' entries: the replay cache holds 100,000 per registration, and a
     * run's entries live longer than the run.
     */
    void empty(String store) throws Exception {
      if (store.equals("postgres")) {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl());
            Statement s = c.createStatement()) {
          s.execute("DROP TABLE IF EXISTS saml_replay_cache"); // the app creates it at start
        }
      } else if (store.equals("redis")) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port(redis.uri()))) {
          OutputStream out = s.getOutputStream();
          out.write("*1\r\n$8\r\nFLUSHALL\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          InputStream in = s.getInputStream();
          String reply = new String(in.readNBytes(5), StandardCharsets.US_ASCII);
          SamlBenchmarks.check(reply.equals("+OK\r\n"), "Redis FLUSHALL answered " + reply);
        }
      }
    }

    private static int port(String uri) {
      return Integer.parseInt(uri.substring(uri.lastIndexOf(':') + 1));
    }

    @Override
    public void close() throws Exception {
      if (postgres != null) {
        postgres.close();
      }
      if (redis != null) {
        redis.close();
      }
    }
  }

  private static List<Integer> ints(String csv) {
    List<Integer> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      out.add(Integer.parseInt(s.strip()));
    }
    return out;
  }

  private static String option(String[] args, String name, String property, String otherwise) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return System.getProperty("bench.signIn." + property, otherwise);
  }
}
