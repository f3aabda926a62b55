package io.cloudsign.saml.bench;

import io.cloudsign.saml.example.ExampleApp;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.TestUser;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 17, "the whole sign-in over HTTP": the example app (Jetty 12, {@code SamlSsoFilter})
 * started in this JVM on loopback, trusting a fake Entra ({@code --idp-metadata}, the metadata URL
 * of a {@link FakeEntraServer} this driver owns), and {@code n} virtual users signing in over real
 * HTTP: {@code GET /login?return_to=/me} (302 to Entra, state cookie), the fake Entra's signed
 * Response, {@code POST /saml2/idpresponse} (303 to {@code /me}, session), {@code GET /me} (200
 * with B. Simon). Every browser has its own cookie jar ({@link LoadBrowser}), every Response is
 * used once, with the app's replay cache (in memory, or {@code --store}).
 *
 * <p><b>The fake Entra's cost is left out</b> by running each batch of sign-ins in four phases: all
 * {@code GET /login}s (measured), then the fake Entra for all of them (not measured: its {@link
 * FakeEntra} reads each redirect's AuthnRequest and signs the Response in this JVM, RSA-2048
 * signing being far more work than the SP's verification), then all POSTs (measured, each timed for
 * p50/p99), then all {@code GET /me}s (measured). Each measured phase is the wall time from
 * releasing the {@code n} users to the last one finishing; sign-ins per second is the number of
 * sign-ins over the three measured phases' time together, so it is what the SP side sustains on
 * {@code n} threads. Warm-up batches run until their measured time reaches the warm-up, then
 * batches are measured until their time reaches the measured duration. A failed step throws: a
 * failed sign-in fails the run instead of counting.
 *
 * <pre>
 * java -cp cloudsign-saml-bench/target/benchmarks.jar io.cloudsign.saml.bench.SignInLoad \
 *   [--threads 1,2] [--warmup 8] [--seconds 15] [--batch 500] [--stores memory,postgres,redis]
 *   [--profile-seconds 10]
 * </pre>
 *
 * PostgreSQL and Redis are started on loopback ({@code PostgresServer}, {@code RedisServer} of
 * example-contract; their binaries as for the tests) and emptied before each run. {@code
 * --profile-seconds 0} leaves out the profile ({@link SignInProfile}).
 */
public final class SignInLoad {
  static final int DEFAULT_BATCH = 500;

  /** One run's figures; rates per second of measured time, latencies in microseconds. */
  record Result(
      String store,
      int threads,
      long signIns,
      double signInsPerSecond,
      double loginsPerSecond,
      double postsPerSecond,
      double mesPerSecond,
      double postP50Micros,
      double postP99Micros,
      double postServerCpuMicros) {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    SignInLoadReport.Settings settings = SignInLoadReport.Settings.parse(args);
    System.out.printf(
        "Run %s; %s, %d cores; JDK %s %s; %s%n%n",
        Instant.now(),
        Report.cpu(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        settings);
    SignInLoadReport.Outcome outcome = SignInLoadReport.measure(settings);
    SamlBenchmarks.ValidateState state = new SamlBenchmarks.ValidateState();
    state.poolSize = 2048;
    state.setUp();
    Map<Integer, Double> validate = new LinkedHashMap<>();
    Map<Integer, Double> validateCpu = new LinkedHashMap<>();
    for (int threads : settings.threads()) {
      SignInLoadReport.Bare bare =
          SignInLoadReport.bareValidate(state, threads, settings.warmUp(), settings.measure());
      validate.put(threads, bare.opsPerSecond());
      validateCpu.put(threads, bare.cpuMicrosPerCall());
    }
    System.out.println();
    System.out.println(
        SignInLoadReport.table(outcome, validate, validateCpu, "this JVM, after the sign-in runs"));
    System.out.println("load average at end: " + Report.loadAverage());
  }

  private final URI base;
  private final FakeEntra idp;

  SignInLoad(ExampleApp app, FakeEntra idp) {
    this.base = URI.create(app.baseUrl());
    this.idp = idp;
  }

  /**
   * Starts a fake Entra and the example app trusting it ({@code --idp-metadata}, its metadata URL;
   * every user it vouches for is provisioned) with {@code appArgs}, runs {@link #measure} and stops
   * both.
   */
  static Result run(
      String store,
      List<String> appArgs,
      int threads,
      Duration warmUp,
      Duration measure,
      int batch,
      SignInProfile profile)
      throws Exception {
    try (FakeEntraServer idp = FakeEntraServer.start(FakeEntra.builder().user(TestUser.bSimon()))) {
      List<String> args =
          new ArrayList<>(List.of("--port", "0", "--idp-metadata", idp.metadataUrl()));
      args.addAll(appArgs);
      try (ExampleApp app = ExampleApp.start(args.toArray(String[]::new));
          VirtualUsers users = new VirtualUsers(threads)) {
        Result r =
            new SignInLoad(app, idp.entra()).measure(store, users, warmUp, measure, batch, profile);
        if (profile != null) {
          profile.signIns(r.signIns());
        }
        return r;
      }
    }
  }

  /**
   * Warm-up batches, then measured ones; {@code profile} (may be null) sees the measured phases.
   */
  Result measure(
      String store,
      VirtualUsers users,
      Duration warmUp,
      Duration measure,
      int batch,
      SignInProfile profile)
      throws Exception {
    for (long t = 0; t < warmUp.toNanos(); ) {
      t += batch(users, batch, null, null).total();
    }
    List<Phases> measured = new ArrayList<>();
    for (long t = 0; t < measure.toNanos(); ) {
      long[] postNanos = new long[batch];
      Phases p = batch(users, batch, postNanos, profile);
      measured.add(p);
      t += p.total();
    }
    return result(store, users.size(), measured);
  }

  /**
   * Measured wall times of one batch's phases, each POST's time, and the CPU time Jetty's threads
   * (the server: HTTP, filter, validation, session, 303) used in the POST phase.
   */
  private record Phases(
      int signIns, long login, long post, long me, long[] postNanos, long postServerCpu) {
    long total() {
      return login + post + me;
    }
  }

  private Phases batch(VirtualUsers users, int size, long[] postNanos, SignInProfile profile)
      throws Exception {
    List<LoadBrowser> browsers = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      browsers.add(new LoadBrowser(base));
    }
    long login = phase(users, browsers, LoadBrowser::login, null, profile);
    users.run(browsers, (b, http) -> b.signInAtEntra(idp), null); // the IdP: not measured
    Map<Long, Long> serverBefore = serverThreadCpu();
    long post = phase(users, browsers, LoadBrowser::postResponse, postNanos, profile);
    long postServerCpu = cpuSince(serverBefore, serverThreadCpu());
    long me = phase(users, browsers, LoadBrowser::me, null, profile);
    return new Phases(size, login, post, me, postNanos, postServerCpu);
  }

  /** CPU nanoseconds of each of Jetty's threads (its pool's names start with "qtp"). */
  static Map<Long, Long> serverThreadCpu() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<Long, Long> out = new HashMap<>();
    for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t != null && t.getThreadName().startsWith("qtp")) {
        long cpu = mx.getThreadCpuTime(t.getThreadId());
        if (cpu >= 0) {
          out.put(t.getThreadId(), cpu);
        }
      }
    }
    return out;
  }

  /** CPU the threads of {@code after} used since {@code before} (a new thread: all of it). */
  static long cpuSince(Map<Long, Long> before, Map<Long, Long> after) {
    long sum = 0;
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    }
    return sum;
  }

  private static long phase(
      VirtualUsers users,
      List<LoadBrowser> browsers,
      java.util.function.BiConsumer<LoadBrowser, java.net.http.HttpClient> step,
      long[] nanos,
      SignInProfile profile)
      throws InterruptedException {
    if (profile != null) {
      profile.begin();
    }
    try {
      return users.run(browsers, step, nanos);
    } finally {
      if (profile != null) {
        profile.end();
      }
    }
  }

  private static Result result(String store, int threads, List<Phases> measured) {
    long signIns = 0;
    long login = 0;
    long post = 0;
    long me = 0;
    long postServerCpu = 0;
    for (Phases p : measured) {
      signIns += p.signIns();
      login += p.login();
      post += p.post();
      me += p.me();
      postServerCpu += p.postServerCpu();
    }
    long[] all = new long[(int) signIns];
    int at = 0;
    for (Phases p : measured) {
      System.arraycopy(p.postNanos(), 0, all, at, p.signIns());
      at += p.signIns();
    }
    Arrays.sort(all);
    return new Result(
        store,
        threads,
        signIns,
        signIns / ((login + post + me) / 1e9),
        signIns / (login / 1e9),
        signIns / (post / 1e9),
        signIns / (me / 1e9),
        percentile(all, 0.50),
        percentile(all, 0.99),
        postServerCpu / 1e3 / signIns);
  }

  /** The {@code q} quantile of sorted nanoseconds, in microseconds (nearest rank). */
  static double percentile(long[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e3;
  }
}
