package io.cloudsign.saml.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cloudsign.saml.core.ErrorCode;
import io.cloudsign.saml.core.InMemoryReplayCache;
import io.cloudsign.saml.core.JdbcReplayCache;
import io.cloudsign.saml.core.PendingRequest;
import io.cloudsign.saml.core.ReplayCache;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.redis.RedisReplayCache;
import io.cloudsign.saml.testkit.TestClock;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Part 4 of {@link ScaleReport}: how many replay-store round trips one sign-in makes, and sign-ins
 * per second ({@link ServiceProvider#validate} with the real store) with {@link
 * InMemoryReplayCache}, {@link JdbcReplayCache} on PostgreSQL (HikariCP) and {@link
 * RedisReplayCache}, on 1 and 2 threads. Every store sees the same pool of distinct signed
 * Responses; {@link ScaleTenants.RoundReplayCache} makes each round's IDs new, so every call is a
 * first use with its full round trip, and {@link ScaleTenants.CountingReplayCache} counts the calls
 * that reach the store.
 */
final class ReplayStoreThroughput implements AutoCloseable {
  static final int POOL = Integer.getInteger("bench.scalePool", 2048);

  private final TestClock clock = TestClock.atNow();
  private final BenchFixture fixture = new BenchFixture(clock);
  private final String[] responses = new String[POOL];
  private final PendingRequest[] pending = new PendingRequest[POOL];
  private final Map<String, ReplayCache> stores = new LinkedHashMap<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final AtomicLong roundBase = new AtomicLong();

  /** One store's figures at one thread count. */
  record Result(String store, int threads, double signInsPerSecond, double remembersPerSignIn) {}

  ReplayStoreThroughput(String postgresUrl, String redisUri) throws Exception {
    ServiceProvider signer = fixture.serviceProvider(clock, null);
    for (int i = 0; i < POOL; i++) {
      BenchFixture.Exchange e = fixture.exchange(signer);
      responses[i] = e.samlResponse();
      pending[i] = e.pending();
    }
    // The clock stands still (Responses stay fresh); nothing expires, so no capacity may be hit.
    stores.put("InMemoryReplayCache", new InMemoryReplayCache(20_000_000, clock));
    if (postgresUrl != null) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(postgresUrl);
      config.setMaximumPoolSize(4);
      config.setConnectionTimeout(2_000);
      HikariDataSource ds = new HikariDataSource(config);
      resources.add(ds);
      String table = "bench_replay_" + Long.toHexString(System.nanoTime());
      try (Connection c = ds.getConnection();
          Statement s = c.createStatement()) {
        s.execute(JdbcReplayCache.createTableSql(table));
        s.execute(JdbcReplayCache.createIndexSql(table));
      }
      stores.put("JdbcReplayCache (PostgreSQL)", new JdbcReplayCache(ds, table, clock));
    }
    if (redisUri != null) {
      RedisReplayCache redis =
          RedisReplayCache.builder(redisUri)
              .keyPrefix("bench-" + Long.toHexString(System.nanoTime()))
              .capacityPerPartition(20_000_000)
              .clock(clock)
              .build();
      resources.add(redis);
      stores.put("RedisReplayCache", redis);
    }
  }

  /** How many {@code remember} calls one successful validation makes with each store. */
  Map<String, Integer> remembersPerSignIn() throws Exception {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Map.Entry<String, ReplayCache> store : stores.entrySet()) {
      ScaleTenants.CountingReplayCache counting =
          new ScaleTenants.CountingReplayCache(new ScaleTenants.RoundReplayCache(store.getValue()));
      ServiceProvider sp = fixture.serviceProvider(clock, counting);
      BenchFixture.Exchange e = fixture.exchange(sp);
      SamlBenchmarks.check(
          sp.validate(e.samlResponse(), e.pending()).nameId().equals("B.Simon@contoso.com"),
          "sign-in accepted with " + store.getKey());
      out.put(store.getKey(), counting.calls.get());
      SamlBenchmarks.check(
          SamlBenchmarks.rejectedWith(sp, e, ErrorCode.REPLAYED_ASSERTION),
          "replay refused by " + store.getKey());
    }
    return out;
  }

  /**
   * {@code rounds} rounds at one thread count; each round runs every store once, in a shuffled
   * order, for {@code slice} after a short warm-up. Per store, one result per round (ratios are
   * taken within a round, so that the machine's speed changing between rounds cancels out).
   */
  Map<String, List<Result>> interleaved(int threads, int rounds, Duration slice) throws Exception {
    Map<String, List<Result>> out = new LinkedHashMap<>();
    stores.keySet().forEach(k -> out.put(k, new ArrayList<>()));
    List<String> order = new ArrayList<>(stores.keySet());
    java.util.Random random = new java.util.Random(14);
    for (int r = 0; r < rounds; r++) {
      java.util.Collections.shuffle(order, random);
      for (String name : order) {
        out.get(name).add(run(name, stores.get(name), threads, Duration.ofMillis(300), slice));
      }
    }
    return out;
  }

  /** Each store at each thread count, stores interleaved within a thread count. */
  List<Result> measure(int[] threadCounts, Duration warmUp, Duration measure) throws Exception {
    List<Result> results = new ArrayList<>();
    for (int threads : threadCounts) {
      for (Map.Entry<String, ReplayCache> store : stores.entrySet()) {
        results.add(run(store.getKey(), store.getValue(), threads, warmUp, measure));
      }
    }
    return results;
  }

  private Result run(String name, ReplayCache store, int threads, Duration warmUp, Duration measure)
      throws Exception {
    ScaleTenants.RoundReplayCache rounds = new ScaleTenants.RoundReplayCache(store);
    ScaleTenants.CountingReplayCache counting = new ScaleTenants.CountingReplayCache(rounds);
    ServiceProvider sp = fixture.serviceProvider(clock, counting);
    // Rounds start past every earlier run's so that no id is seen twice by a shared store.
    AtomicLong next = new AtomicLong(roundBase.getAndAdd(1L << 32));
    LongAdder measured = new LongAdder();
    LongAdder all = new LongAdder();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    var state =
        new Object() {
          volatile boolean measuring;
          volatile boolean stop;
        };
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w =
          new Thread(
              () -> {
                try {
                  while (!state.stop) {
                    long n = next.getAndIncrement();
                    int i = (int) (n % POOL);
                    rounds.round.set(n / POOL);
                    sp.validate(responses[i], pending[i]);
                    all.increment();
                    if (state.measuring) {
                      measured.increment();
                    }
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                  state.stop = true;
                }
              },
              "sign-in-" + t);
      workers.add(w);
      w.start();
    }
    Thread.sleep(warmUp.toMillis());
    int callsBefore = counting.calls.get();
    long signInsBefore = all.sum();
    long start = System.nanoTime();
    state.measuring = true;
    Thread.sleep(measure.toMillis());
    state.measuring = false;
    long elapsed = System.nanoTime() - start;
    int calls = counting.calls.get() - callsBefore;
    long signIns = all.sum() - signInsBefore;
    state.stop = true;
    for (Thread w : workers) {
      w.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException(name + " failed", failure.get());
    }
    return new Result(
        name,
        threads,
        measured.sum() / (elapsed / 1e9),
        signIns == 0 ? 0 : (double) calls / signIns);
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }
}
