package io.cloudsign.saml.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cloudsign.saml.core.IdentityProvider;
import io.cloudsign.saml.core.InMemoryRegistrationRepository;
import io.cloudsign.saml.core.JdbcRegistrationRepository;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.RegistrationRecord;
import io.cloudsign.saml.core.RegistrationRepository;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.core.TenantRegistrations;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.TestClock;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Issue 14 item 6, "Scale measured": heap per tenant a node holds, time to the first sign-in of a
 * tenant not yet loaded against one already held, the validation cost with 10 / 10,000 / 100,000
 * rows in the repository ({@link ScaleBenchmarks}, JMH), and replay-store round trips and sign-ins
 * per second with each replay store. Prints markdown tables (BENCHMARKS.md, "Scale").
 *
 * <pre>
 * java -cp cloudsign-saml-bench/target/benchmarks.jar io.cloudsign.saml.bench.ScaleReport \
 *   [--postgres jdbc:postgresql://127.0.0.1:5432/postgres?user=test] [--redis redis://127.0.0.1:6379]
 *   [--tenants 1000] [--parts 1,2,3,4] [--no-jmh]
 * </pre>
 *
 * {@code --parts} picks the parts to run (3 is the JMH run; {@code --no-jmh} leaves it out too).
 * Without {@code --postgres} / {@code --redis} the parts that need them are left out. The
 * registration table is emptied and refilled; the replay tables and keys get a fresh name per run.
 * Logging is at warn (a tenant load logs one info line, which the figures leave out).
 */
public final class ScaleReport {
  private static final String RELAY = BenchFixture.RELAY_STATE;
  private static long urlPartsDone;

  private ScaleReport() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    String postgres = option(args, "--postgres");
    String redis = option(args, "--redis");
    int k = Integer.parseInt(String.valueOf(optionOr(args, "--tenants", "1000")));
    String parts = String.valueOf(optionOr(args, "--parts", "1,2,3,4"));
    boolean jmh = parts.contains("3") && !Arrays.asList(args).contains("--no-jmh");

    System.out.printf(
        "Run %s; %s, %d cores; JDK %s %s; load average at start: %s%n%n",
        Instant.now(),
        Report.cpu(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        Report.loadAverage());
    TestClock clock = TestClock.atNow();
    List<String> xml =
        parts.contains("1") || parts.contains("2")
            ? ScaleTenants.distinctMetadataXml(k, clock)
            : List.of();
    if (!xml.isEmpty()) {
      System.out.printf(
          "%,d distinct metadata documents (one tenant id each, one shared signing certificate),"
              + " %,d characters each%n%n",
          k, xml.get(0).length());
    }

    urlPartsDone = System.nanoTime();
    if (parts.contains("1")) {
      heap(xml, clock);
      System.out.println("load average: " + Report.loadAverage());
    }
    if (parts.contains("2")) {
      coldAndWarm(xml, clock, postgres);
      urlPartsDone = System.nanoTime();
      System.out.println("load average: " + Report.loadAverage());
    }
    if (parts.contains("4")) {
      replayStores(postgres, redis);
      System.out.println("load average: " + Report.loadAverage());
    }
    if (jmh) {
      repositorySize();
    }
    usedHeapAfterGc();
    System.out.printf(
        "live threads at the end (every tenant closed, %d s after the metadata-URL parts): %d%n",
        Duration.ofNanos(System.nanoTime() - urlPartsDone).toSeconds(),
        ManagementFactory.getThreadMXBean().getThreadCount());
    System.out.println("load average at end: " + Report.loadAverage());
  }

  // ------------------------------------------------------------------ 1. heap

  private static void heap(List<String> xml, TestClock clock) throws Exception {
    int k = xml.size();
    InMemoryRegistrationRepository rows = new InMemoryRegistrationRepository();
    for (int i = 0; i < k; i++) {
      rows.put(ScaleTenants.xmlRow(id("h", i), xml.get(i)));
    }
    RegistrationRepository db = new ScaleTenants.CopyingRepository(rows);
    try (TenantRegistrations warm = TenantRegistrations.builder(db).clock(clock).build()) {
      for (int i = 0; i < 50; i++) {
        warm.find(id("h", i)).orElseThrow(); // classes loaded and initialised before measuring
      }
    }

    long before = usedHeapAfterGc();
    TenantRegistrations held = TenantRegistrations.builder(db).clock(clock).maxCached(k).build();
    for (int i = 0; i < k; i++) {
      held.find(id("h", i)).orElseThrow();
    }
    long after = usedHeapAfterGc();
    SamlBenchmarks.check(held.heldCount() == k, "all held: " + held.heldCount());
    Reference.reachabilityFence(held);
    long perTenant = (after - before) / k;
    held.close();
    held = null;

    before = usedHeapAfterGc();
    List<RegistrationRecord> copies = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      copies.add(db.findById(id("h", i)).orElseThrow());
    }
    after = usedHeapAfterGc();
    Reference.reachabilityFence(copies);
    long perRow = (after - before) / k;
    copies = null;

    before = usedHeapAfterGc();
    List<Registration> plain = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      plain.add(
          Registration.builder(id("p", i))
              .entityId("urn:amazon:cognito:sp:ap-northeast-1_p" + i)
              .replyUrl("https://cloudsign-p" + i + ".auth.example.com/saml2/idpresponse")
              .identityProvider(IdentityProvider.fromMetadata(xml.get(i)))
              .build());
    }
    after = usedHeapAfterGc();
    Reference.reachabilityFence(plain);
    long perRegistration = (after - before) / k;
    plain = null;

    UrlHeap url = urlTenantHeap(Math.min(k, 200), clock);

    System.out.printf(
        "## 1. Heap per tenant held (retained after full GC, before vs after, / count)%n%n"
            + "| what | count | bytes each |%n|---|--:|--:|%n"
            + "| tenant held by TenantRegistrations, stored XML (row copied as from a database) |"
            + " %,d | %,d |%n"
            + "| of which the row itself (a copy of the record with its XML string) | %,d | %,d |%n"
            + "| plain Registration built once from the same XML (XML not kept) | %,d | %,d |%n"
            + "| tenant held by TenantRegistrations, metadata URL (loopback FakeEntraServer) |"
            + " %,d | %,d |%n%n"
            + "Live threads: %d before the URL tenants, %d while %d are held, %d after close()"
            + " and GC.%n%n",
        k,
        perTenant,
        k,
        perRow,
        k,
        perRegistration,
        url.count,
        url.bytesEach,
        url.threadsBefore,
        url.threadsHeld,
        url.count,
        url.threadsAfter);
  }

  record UrlHeap(int count, long bytesEach, int threadsBefore, int threadsHeld, int threadsAfter) {}

  private static UrlHeap urlTenantHeap(int count, TestClock clock) throws Exception {
    try (FakeEntraServer server = FakeEntraServer.start(FakeEntra.builder().clock(clock))) {
      InMemoryRegistrationRepository rows = new InMemoryRegistrationRepository();
      for (int i = 0; i < count + 20; i++) {
        rows.put(ScaleTenants.urlRow(id("u", i), server.metadataUrl()));
      }
      try (TenantRegistrations warm = TenantRegistrations.builder(rows).clock(clock).build()) {
        for (int i = count; i < count + 20; i++) {
          warm.find(id("u", i)).orElseThrow();
        }
      }
      var threads = ManagementFactory.getThreadMXBean();
      long before = usedHeapAfterGc();
      int threadsBefore = threads.getThreadCount();
      TenantRegistrations held =
          TenantRegistrations.builder(rows).clock(clock).maxCached(count).build();
      for (int i = 0; i < count; i++) {
        held.find(id("u", i)).orElseThrow();
      }
      long after = usedHeapAfterGc();
      int threadsHeld = threads.getThreadCount();
      System.out.println("threads while " + count + " URL tenants are held: " + threadNames());
      SamlBenchmarks.check(held.heldCount() == count, "URL tenants held: " + held.heldCount());
      held.close();
      held = null;
      usedHeapAfterGc();
      Thread.sleep(500);
      usedHeapAfterGc();
      return new UrlHeap(
          count, (after - before) / count, threadsBefore, threadsHeld, threads.getThreadCount());
    }
  }

  /** Live threads by name with digits dropped, e.g. {@code HttpClient-N-SelectorManager=200}. */
  static String threadNames() {
    Map<String, Long> byName = new java.util.TreeMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      byName.merge(t.getName().replaceAll("[0-9]+", "N"), 1L, Long::sum);
    }
    return byName.toString();
  }

  /** Heap in use after several full collections. */
  static long usedHeapAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = 0;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(60);
      used = memory.getHeapMemoryUsage().getUsed();
    }
    return used;
  }

  // ------------------------------------------------------------------ 2. first sign-in

  private static void coldAndWarm(List<String> xml, TestClock clock, String postgres)
      throws Exception {
    int warmUp = 200;
    int n = 1000;
    System.out.printf(
        "## 2. startSignIn of a tenant not yet loaded (cold) vs held (warm), µs%n%n"
            + "%,d distinct cold tenants per line after %,d unmeasured ones; warm: the same"
            + " tenants, 5 passes.%n%n"
            + "| repository, metadata | cold median | cold p99 | warm median | warm p99 |"
            + " registration(id) warm median |%n|---|--:|--:|--:|--:|--:|%n",
        n, warmUp);
    InMemoryRegistrationRepository memory = new InMemoryRegistrationRepository();
    for (int i = 0; i < warmUp + n; i++) {
      memory.put(ScaleTenants.xmlRow(id("c", i), xml.get(i % xml.size())));
    }
    printLatencies("in memory, stored XML", memory, warmUp, n, "c", clock);

    if (postgres != null) {
      try (HikariDataSource ds = pool(postgres)) {
        JdbcRegistrationRepository jdbc = new JdbcRegistrationRepository(ds);
        jdbc.createSchema();
        try (Connection c = ds.getConnection();
            Statement s = c.createStatement()) {
          s.execute("DELETE FROM saml_registrations");
        }
        for (int i = 0; i < warmUp + n; i++) {
          jdbc.save(ScaleTenants.xmlRow(id("c", i), xml.get(i % xml.size())));
        }
        printLatencies("PostgreSQL (HikariCP), stored XML", jdbc, warmUp, n, "c", clock);
      }
    }

    int urlWarmUp = 50;
    int urlN = 300;
    try (FakeEntraServer server = FakeEntraServer.start(FakeEntra.builder().clock(clock))) {
      InMemoryRegistrationRepository urls = new InMemoryRegistrationRepository();
      for (int i = 0; i < urlWarmUp + urlN; i++) {
        urls.put(ScaleTenants.urlRow(id("m", i), server.metadataUrl()));
      }
      printLatencies(
          "in memory, metadata URL (loopback HTTP; "
              + urlN
              + " cold, "
              + urlWarmUp
              + " unmeasured)",
          urls,
          urlWarmUp,
          urlN,
          "m",
          clock);
    }
    System.out.println();
  }

  private static void printLatencies(
      String label, RegistrationRepository repo, int warmUp, int n, String prefix, TestClock clock)
      throws Exception {
    try (TenantRegistrations tenants =
        TenantRegistrations.builder(repo).clock(clock).maxCached(warmUp + n).build()) {
      ServiceProvider sp = ServiceProvider.builder().tenants(tenants).clock(clock).build();
      for (int i = 0; i < warmUp; i++) {
        sp.startSignIn(id(prefix, i), RELAY);
      }
      long[] cold = time(n, 1, i -> sp.startSignIn(id(prefix, warmUp + i), RELAY));
      SamlBenchmarks.check(tenants.heldCount() == warmUp + n, "held " + tenants.heldCount());
      long[] warm = time(n, 5, i -> sp.startSignIn(id(prefix, warmUp + i), RELAY));
      long[] lookup = time(n, 5, i -> sp.registration(id(prefix, warmUp + i)).orElseThrow());
      System.out.printf(
          "| %s | %,.0f | %,.0f | %,.1f | %,.1f | %,.2f |%n",
          label,
          percentile(cold, 50),
          percentile(cold, 99),
          percentile(warm, 50),
          percentile(warm, 99),
          percentile(lookup, 50));
    }
  }

  /** Nanoseconds of each call, {@code passes} times over {@code n} indexes, sorted. */
  private static long[] time(int n, int passes, Function<Integer, Object> call) {
    long[] nanos = new long[n * passes];
    Object sink = null;
    for (int p = 0; p < passes; p++) {
      for (int i = 0; i < n; i++) {
        long t = System.nanoTime();
        sink = call.apply(i);
        nanos[p * n + i] = System.nanoTime() - t;
      }
    }
    Reference.reachabilityFence(sink);
    Arrays.sort(nanos);
    return nanos;
  }

  /** The percentile of sorted nanoseconds, in microseconds. */
  private static double percentile(long[] sorted, int pct) {
    return sorted[Math.min(sorted.length - 1, sorted.length * pct / 100)] / 1e3;
  }

  // ------------------------------------------------------------------ 4. replay stores

  private static void replayStores(String postgres, String redis) throws Exception {
    try (ReplayStoreThroughput t = new ReplayStoreThroughput(postgres, redis)) {
      System.out.printf("## 4. Replay stores%n%n| store | remember calls in one validate |%n");
      System.out.printf("|---|--:|%n");
      for (Map.Entry<String, Integer> e : t.remembersPerSignIn().entrySet()) {
        System.out.printf("| %s | %d |%n", e.getKey(), e.getValue());
      }
      int rounds = Integer.getInteger("bench.scaleRounds", 15);
      Duration slice = Duration.ofMillis(Long.getLong("bench.scaleSliceMillis", 1000));
      t.measure(new int[] {1, 2}, Duration.ofSeconds(3), Duration.ofSeconds(1)); // JIT, connections
      System.out.printf(
          "%nSign-ins per second (validate with the store; pool of %,d signed Responses): %d"
              + " rounds per thread count, each store once per round in shuffled order, %d ms"
              + " measured after 300 ms; medians over rounds (middle half of rounds in brackets)%n%n"
              + "| store | threads | sign-ins/s | × in-memory (same round) | remember calls per"
              + " sign-in |%n|---|--:|--:|--:|--:|%n",
          ReplayStoreThroughput.POOL, rounds, slice.toMillis());
      for (int threads : new int[] {1, 2}) {
        Map<String, List<ReplayStoreThroughput.Result>> byStore =
            t.interleaved(threads, rounds, slice);
        List<ReplayStoreThroughput.Result> memory = byStore.get("InMemoryReplayCache");
        for (Map.Entry<String, List<ReplayStoreThroughput.Result>> e : byStore.entrySet()) {
          List<ReplayStoreThroughput.Result> rs = e.getValue();
          double[] perSecond = rs.stream().mapToDouble(r -> r.signInsPerSecond()).toArray();
          double[] ratio = new double[rs.size()];
          double[] remembers = rs.stream().mapToDouble(r -> r.remembersPerSignIn()).toArray();
          for (int i = 0; i < ratio.length; i++) {
            ratio[i] = rs.get(i).signInsPerSecond() / memory.get(i).signInsPerSecond();
          }
          System.out.printf(
              Locale.ROOT,
              "| %s | %d | %s | %s | %.2f |%n",
              e.getKey(),
              threads,
              spread(perSecond, "%,.0f"),
              spread(ratio, "%.2f"),
              median(remembers));
        }
      }
      System.out.println();
    }
  }

  // ------------------------------------------------------------------ 3. repository size (JMH)

  private static void repositorySize() throws Exception {
    Collection<RunResult> results =
        new Runner(
                new OptionsBuilder()
                    .include(ScaleBenchmarks.class.getName() + "\\..*")
                    .jvmArgsAppend(
                        "-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                    .build())
            .run();
    System.out.printf(
        "%n## 3. validate of a held tenant by repository size (JMH, ScaleBenchmarks)%n%n"
            + "| rows in repository | ops/s | ± | µs/op |%n|--:|--:|--:|--:|%n");
    double ten = 0;
    double hundredThousand = 0;
    for (RunResult r : results) {
      int rows = Integer.parseInt(r.getParams().getParam("rows"));
      double score = r.getPrimaryResult().getScore();
      if (rows == 10) {
        ten = score;
      } else if (rows == 100_000) {
        hundredThousand = score;
      }
      System.out.printf(
          "| %,d | %,.0f | %,.0f | %.1f |%n",
          rows, score, r.getPrimaryResult().getScoreError(), 1e6 / score);
    }
    if (ten > 0 && hundredThousand > 0) {
      System.out.printf(
          Locale.ROOT, "%nthroughput 100,000 rows : 10 rows = %.2f%n", hundredThousand / ten);
    }
  }

  // ------------------------------------------------------------------ helpers

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  /** Median (first to third quartile). */
  private static String spread(double[] values, String format) {
    double[] v = values.clone();
    Arrays.sort(v);
    return String.format(Locale.ROOT, format, v[v.length / 2])
        + " ("
        + String.format(Locale.ROOT, format, v[v.length / 4])
        + "–"
        + String.format(Locale.ROOT, format, v[v.length * 3 / 4])
        + ")";
  }

  private static String id(String prefix, int i) {
    return String.format("%s%06d", prefix, i);
  }

  private static HikariDataSource pool(String url) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(4);
    config.setConnectionTimeout(2_000);
    return new HikariDataSource(config);
  }

  private static String option(String[] args, String name) {
    return optionOr(args, name, null);
  }

  private static String optionOr(String[] args, String name, String otherwise) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return otherwise;
  }
}
