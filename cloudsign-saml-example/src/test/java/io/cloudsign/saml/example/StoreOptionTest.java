package io.cloudsign.saml.example;

import static io.cloudsign.saml.example.SignInFlow.assertRefused;
import static io.cloudsign.saml.example.SignInFlow.assertSignedIn;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.examplecontract.ExampleProcess;
import io.cloudsign.saml.examplecontract.PostgresServer;
import io.cloudsign.saml.examplecontract.RedisServer;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --store URL} (issue 14): the example's replay cache in a real PostgreSQL or Redis, what
 * happens when the store cannot be reached at start (the app does not start) and when it goes away
 * while the app runs (sign-ins are refused with replay_cache_unavailable, within seconds, and work
 * again once it is back).
 */
class StoreOptionTest {
  private static PostgresServer postgres;
  private static RedisServer redis;
  private static FakeEntraServer tenant;

  @BeforeAll
  static void startServers() throws Exception {
    postgres = PostgresServer.start();
    redis = RedisServer.start();
    tenant = FakeEntraServer.start(FakeEntra.builder());
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (tenant != null) {
      tenant.close();
    }
    if (redis != null) {
      redis.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  private static ExampleProcess start(String... args) throws Exception {
    return ExampleProcess.mainClass(ExampleApp.class.getName(), args);
  }

  private static ExampleProcess app(String storeUrl) throws Exception {
    return start("--port", "0", "--idp-metadata", tenant.metadataUrl(), "--store", storeUrl);
  }

  /** The store goes away and comes back on the same address, the app keeps running. */
  private static void stop(String store) throws Exception {
    if (store.equals("postgres")) {
      postgres.stop();
    } else {
      redis.stop();
    }
  }

  private static void restart(String store) throws Exception {
    if (store.equals("postgres")) {
      postgres.restart();
    } else {
      redis.restart();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "redis"})
  void storeDownWhileRunningThenSignInRefusedWithinSecondsAndWorksAgainWhenBack(String store)
      throws Exception {
    try (ExampleProcess p = app(store.equals("postgres") ? postgres.jdbcUrl() : redis.uri())) {
      URI base = p.awaitListening();
      assertSignedIn(SignInFlow.start(tenant.entra(), base).finish(base));

      SignInFlow during = SignInFlow.start(tenant.entra(), base);
      stop(store);
      HttpResponse<String> refused;
      long started = System.nanoTime();
      try {
        refused = during.finish(base);
      } finally {
        restart(store);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertRefused(refused, "replay_cache_unavailable");
      assertThat(took).as("the refusal does not hang").isLessThan(Duration.ofSeconds(10));
      assertSignedIn(signInWithin(base, Duration.ofSeconds(20)));
      assertThat(p.stderr()).contains("Replay cache:           " + describe(store));
    }
  }

  /** A frozen Redis (SIGSTOP: connections stay open, nothing answers) does not hang a sign-in. */
  @Test
  void redisFrozenWhileRunningThenSignInRefusedWithinSecondsAndWorksAgainWhenResumed()
      throws Exception {
    try (ExampleProcess p = app(redis.uri())) {
      URI base = p.awaitListening();
      assertSignedIn(SignInFlow.start(tenant.entra(), base).finish(base));

      SignInFlow during = SignInFlow.start(tenant.entra(), base);
      redis.pause();
      HttpResponse<String> refused;
      long started = System.nanoTime();
      try {
        refused = during.finish(base);
      } finally {
        redis.resume();
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertRefused(refused, "replay_cache_unavailable");
      assertThat(took).as("the refusal does not hang").isLessThan(Duration.ofSeconds(10));
      assertSignedIn(signInWithin(base, Duration.ofSeconds(20)));
    }
  }

  @Test
  void redactWhenStoreUrlHoldsAPasswordThenItIsReplaced() {
    assertThat(Store.redact("jdbc:postgresql://db:5432/app?user=app&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db:5432/app?user=app&password=***&ssl=true");
    assertThat(Store.redact("redis://default:s3cret@cache:6379/0"))
        .isEqualTo("redis://***@cache:6379/0");
    assertThat(Store.redact("rediss://:s3cret@cache:6380")).isEqualTo("rediss://***@cache:6380");
    assertThat(Store.redact("redis://cache:6379")).isEqualTo("redis://cache:6379");
  }

  private static String describe(String store) {
    return store.equals("postgres") ? "PostgreSQL " + postgres.jdbcUrl() : "Redis " + redis.uri();
  }

  /** An empty database: the first start creates the table and its index, the next finds them. */
  @Test
  void postgresWhenTableMissingThenCreatedAtStartAndFoundAtTheNext() throws Exception {
    String url = postgres.jdbcUrl().replace("/postgres?", "/fresh?");
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE fresh");
    }
    for (int start = 0; start < 2; start++) {
      try (ExampleProcess p = app(url)) {
        URI base = p.awaitListening();
        assertSignedIn(SignInFlow.start(tenant.entra(), base).finish(base));
      }
    }
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'saml_replay_cache'"
                    + " ORDER BY indexname")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("saml_replay_cache_expires_at");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("saml_replay_cache_pkey");
    }
  }

  @Test
  void postgresUnreachableAtStartThenExitsOneNamingTheStoreWithoutItsPassword() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + freePort() + "/app?user=app&password=s3cret";
    try (ExampleProcess p = start("--port", "0", "--store", url)) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(p.stderr())
          .contains(
              "cloudsign-saml-example: could not start: --store "
                  + url.replace("s3cret", "***")
                  + " cannot be reached (")
          .doesNotContain("s3cret");
    }
  }

  @Test
  void redisUnreachableAtStartThenExitsOneNamingTheStore() throws Exception {
    String url = "redis://127.0.0.1:" + freePort();
    try (ExampleProcess p = start("--port", "0", "--store", url)) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(p.stderr())
          .contains(
              "cloudsign-saml-example: could not start: --store " + url + " cannot be reached (");
    }
  }

  @Test
  void storeOfAnotherFormThenExitsTwoNamingTheAcceptedForms() throws Exception {
    try (ExampleProcess p = start("--store", "postgres://app:s3cret@db/app")) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(p.stderr())
          .contains(
              "--store takes jdbc:postgresql://HOST:PORT/DB?user=... or redis://HOST:PORT"
                  + " (rediss:// for TLS)")
          .doesNotContain("s3cret");
    }
  }

  @Test
  void helpDescribesTheStoreAndWhatHappensWhenItIsDown() throws Exception {
    try (ExampleProcess p = start("--help")) {
      String out = p.allOutput(Duration.ofSeconds(60));
      assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
      assertThat(out)
          .contains("--store URL")
          .contains("jdbc:postgresql://HOST:PORT/DB")
          .contains("redis://HOST:PORT")
          .contains("stops the app (exit 1)")
          .contains("replay_cache_unavailable");
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * A fresh sign-in once the store is back: the first ones may still fail closed while the pool
   * opens a connection to the restarted server (each such refusal is replay_cache_unavailable).
   */
  private static HttpResponse<String> signInWithin(URI base, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      HttpResponse<String> me = SignInFlow.start(tenant.entra(), base).finish(base);
      if (me.statusCode() == 200 || System.nanoTime() > deadline) {
        return me;
      }
      assertRefused(me, "replay_cache_unavailable");
      Thread.sleep(200);
    }
  }
}
