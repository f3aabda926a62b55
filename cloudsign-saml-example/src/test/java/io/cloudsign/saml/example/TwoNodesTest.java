package io.cloudsign.saml.example;

import static io.cloudsign.saml.example.SignInFlow.assertRefused;
import static io.cloudsign.saml.example.SignInFlow.assertSignedIn;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.examplecontract.ExampleProcess;
import io.cloudsign.saml.examplecontract.PostgresServer;
import io.cloudsign.saml.examplecontract.RedisServer;
import io.cloudsign.saml.examplecontract.TestBrowser;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.IdpLogoutRequestBuilder;
import io.cloudsign.saml.testkit.LogoutResponseInfo;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two example nodes behind one load balancer (issue 14): the same --state-key, the same --store (a
 * real PostgreSQL, then a real Redis) and the balancer's URL as --base-url, one fake Entra over
 * HTTP that both read with --idp-metadata. Each app is its own JVM, started as users start it.
 */
class TwoNodesTest {
  private static final String STATE_KEY = Base64.getEncoder().encodeToString(new byte[32]);

  private static PostgresServer postgres;
  private static RedisServer redis;
  private static FakeEntraServer tenant;
  private static LoopbackBalancer lb;

  /** Per store, nodes A and B, started once for both tests (a JVM start takes a second or two). */
  private static final Map<String, ExampleProcess[]> nodes = new HashMap<>();

  private static final Map<String, URI[]> urls = new HashMap<>();

  @BeforeAll
  static void startServers() throws Exception {
    postgres = PostgresServer.start();
    redis = RedisServer.start();
    lb = LoopbackBalancer.start();
    // The nodes' Identifier and Logout Url (the balancer's): where its IdP-initiated logouts go.
    tenant =
        FakeEntraServer.start(
            FakeEntra.builder()
                .application(spIdentifier(), lb.url() + "/saml2/idpresponse")
                .logoutUrl(spIdentifier(), lb.url() + ExampleApp.LOGOUT_URL_PATH));
  }

  @AfterAll
  static void stopServers() throws Exception {
    for (ExampleProcess[] pair : nodes.values()) {
      for (ExampleProcess p : pair) {
        p.close();
      }
    }
    if (lb != null) {
      lb.close();
    }
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

  /** The Identifier of both nodes: the default, from --base-url. */
  private static String spIdentifier() {
    return lb.url() + "/saml2/metadata";
  }

  private static String storeUrl(String store) {
    return store.equals("redis") ? redis.uri() : postgres.jdbcUrl();
  }

  /** A node: the app's main class in its own JVM, behind the balancer, on the shared store. */
  private static ExampleProcess node(String store) throws Exception {
    if (store.equals("tenants")) {
      // Tenants from the database instead of --idp-metadata; the replay cache there too.
      return ExampleProcess.mainClass(
          ExampleApp.class.getName(),
          "--port",
          "0",
          "--base-url",
          lb.url(),
          "--tenants",
          postgres.jdbcUrl(),
          "--state-key",
          STATE_KEY,
          "--store",
          postgres.jdbcUrl());
    }
    return ExampleProcess.mainClass(
        ExampleApp.class.getName(),
        "--port",
        "0",
        "--base-url",
        lb.url(),
        "--idp-metadata",
        tenant.metadataUrl(),
        "--state-key",
        STATE_KEY,
        "--store",
        storeUrl(store));
  }

  /**
   * Nodes A and B of {@code store}, started on first use; both JVMs start at once, so on an empty
   * PostgreSQL both may find the table missing and create it.
   */
  private static URI[] nodes(String store) throws Exception {
    if (!nodes.containsKey(store)) {
      ExampleProcess[] pair = {node(store), node(store)};
      nodes.put(store, pair);
      urls.put(store, new URI[] {pair[0].awaitListening(), pair[1].awaitListening()});
    }
    return urls.get(store);
  }

  /** Stops node A of {@code store} and starts a new process with the same options in its place. */
  private static URI restartNodeA(String store) throws Exception {
    nodes(store);
    nodes.get(store)[0].close();
    nodes.get(store)[0] = node(store);
    urls.get(store)[0] = nodes.get(store)[0].awaitListening();
    return urls.get(store)[0];
  }

  /**
   * A sign-in started on node A completes on node B; the same SAMLResponse, RelayState and
   * request-state cookie sent again to node A are refused as a replay: A has never seen that
   * assertion itself, only the shared store has (with each node's in-memory cache A accepts it).
   */
  @ParameterizedTest
  @ValueSource(strings = {"postgres", "redis"})
  void signInStartedOnOneNodeCompletesOnTheOtherAndItsReplayToTheFirstIsRefused(String store)
      throws Exception {
    URI nodeA = nodes(store)[0];
    URI nodeB = nodes(store)[1];

    lb.routeTo(nodeA);
    SignInFlow flow = SignInFlow.start(tenant.entra(), lb.uri("/"));
    lb.routeTo(nodeB);
    assertSignedIn(flow.finish(lb.uri("/")));
    lb.routeTo(nodeA);
    assertRefused(flow.replay(lb.uri("/")), "replayed_assertion");

    assertThat(last(3, lb.log()))
        .containsExactly(
            "POST /saml2/idpresponse -> " + nodeB.getPort(),
            "GET /me -> " + nodeB.getPort(),
            "POST /saml2/idpresponse -> " + nodeA.getPort());
  }

  /**
   * Issue 13: a user signs in through node A (sticky to A); Entra's signed IdP-initiated
   * LogoutRequest for that user reaches node B (in another browser, the one where the user signed
   * out of another application); the first browser's next request on node A is signed out: A learns
   * it from the shared store only (with each node's in-memory revocations A keeps the user signed
   * in).
   */
  @ParameterizedTest
  @ValueSource(strings = {"postgres", "redis"})
  void idpLogoutDeliveredToOneNodeSignsTheUserOutOnTheOther(String store) throws Exception {
    URI nodeA = nodes(store)[0];
    URI nodeB = nodes(store)[1];
    lb.routeTo(nodeA);
    SignInFlow flow = SignInFlow.start(tenant.entra(), lb.uri("/"));
    assertSignedIn(flow.finish(lb.uri("/")));
    assertSignedIn(flow.me(lb.uri("/")));

    lb.routeTo(nodeB);
    IdpLogoutRequestBuilder logout =
        tenant.entra().logoutRequest(spIdentifier(), SignInFlow.USER.nameId()).signed();
    HttpResponse<String> answer = new TestBrowser().get(URI.create(logout.redirectUrl()));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
    LogoutResponseInfo response =
        tenant.entra().parseLogoutResponseRedirect(answer.headers().firstValue("Location").get());
    assertThat(response.inResponseTo()).isEqualTo(logout.id());
    assertThat(response.statusCode()).isEqualTo("urn:oasis:names:tc:SAML:2.0:status:Success");

    lb.routeTo(nodeA);
    HttpResponse<String> next = flow.me(lb.uri("/"));
    assertThat(next.statusCode()).as("signed out on node A: sent to sign in").isEqualTo(302);
    assertThat(next.headers().firstValue("Location").get()).startsWith(tenant.entra().ssoUrl());
    assertThat(last(2, lb.log()))
        .containsExactly(
            "GET " + ExampleApp.LOGOUT_URL_PATH + " -> " + nodeB.getPort(),
            "GET /me -> " + nodeA.getPort());
  }

  /**
   * Node A stops between the redirect to Entra and Entra's answer; a new process with the same
   * options takes its place and completes the sign-in, whose replay to node B is then refused.
   */
  @ParameterizedTest
  @ValueSource(strings = {"postgres", "redis"})
  void nodeRestartedMidSignInThenTheNewProcessCompletesIt(String store) throws Exception {
    URI oldA = nodes(store)[0];
    URI nodeB = nodes(store)[1];
    lb.routeTo(oldA);
    SignInFlow flow = SignInFlow.start(tenant.entra(), lb.uri("/"));

    URI newA = restartNodeA(store);
    lb.routeTo(newA);
    assertSignedIn(flow.finish(lb.uri("/")));
    lb.routeTo(nodeB);
    assertRefused(flow.replay(lb.uri("/")), "replayed_assertion");

    assertThat(last(4, lb.log()))
        .containsExactly(
            "GET /me -> " + oldA.getPort(),
            "POST /saml2/idpresponse -> " + newA.getPort(),
            "GET /me -> " + newA.getPort(),
            "POST /saml2/idpresponse -> " + nodeB.getPort());
  }

  /**
   * Both nodes run (with --tenants) before the tenant exists; its row is then added to the shared
   * table, as the SaaS's admin screen on node A would add it, and without a restart its users sign
   * in starting on node A and finishing on node B, which reads the new tenant from the database on
   * that first use. Its metadata is the App Federation Metadata Url of its own Entra.
   */
  @org.junit.jupiter.api.Test
  void tenantAddedWhileBothNodesRunSignsInStartingOnOneAndFinishingOnTheOther() throws Exception {
    URI nodeA = nodes("tenants")[0];
    URI nodeB = nodes("tenants")[1];
    try (FakeEntraServer newTenantsEntra =
            FakeEntraServer.start(
                FakeEntra.builder().tenantId("0b6d7c5e-4f3a-4b2c-9d1e-8f7a6b5c4d3e"));
        com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource()) {
      pool.setJdbcUrl(postgres.jdbcUrl());
      new io.cloudsign.saml.core.JdbcRegistrationRepository(pool)
          .save(
              io.cloudsign.saml.core.RegistrationRecord.withMetadataUrl(
                  "fabrikam",
                  "urn:amazon:cognito:sp:ap-northeast-1_FABRIKAM",
                  lb.url() + "/saml2/idpresponse",
                  lb.url() + "/login?tenant=fabrikam",
                  newTenantsEntra.metadataUrl()));

      lb.routeTo(nodeA);
      SignInFlow flow =
          SignInFlow.startAt(newTenantsEntra.entra(), lb.uri("/login?tenant=fabrikam"));
      lb.routeTo(nodeB);
      assertSignedIn(flow.finish(lb.uri("/")));
      lb.routeTo(nodeA);
      assertRefused(flow.replay(lb.uri("/")), "replayed_assertion");

      assertThat(last(4, lb.log()))
          .containsExactly(
              "GET /login -> " + nodeA.getPort(),
              "POST /saml2/idpresponse -> " + nodeB.getPort(),
              "GET /me -> " + nodeB.getPort(),
              "POST /saml2/idpresponse -> " + nodeA.getPort());
    }
  }

  private static List<String> last(int n, List<String> log) {
    return log.subList(log.size() - n, log.size());
  }
}
