package io.cloudsign.saml.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.examplecontract.ExampleAppContract;
import io.cloudsign.saml.examplecontract.ExampleProcess;
import io.cloudsign.saml.examplecontract.TestBrowser;
import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.TestUser;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example app's black-box contract (issue 3), checked against the app started as users start
 * it: its main class in a separate JVM. The checks every example app passes are {@link
 * ExampleAppContract}'s; the options only this app has ({@code --bind}, {@code --users}, {@code
 * --session-same-site}) are checked here.
 */
class ExampleAppContractTest extends ExampleAppContract {
  @Override
  protected ExampleProcess start(String... args) throws Exception {
    return ExampleProcess.mainClass(ExampleApp.class.getName(), args);
  }

  @Test
  void helpListsThisAppsOwnOptions() throws Exception {
    try (ExampleProcess p = start("--help")) {
      String out = p.allOutput(Duration.ofSeconds(60));

      assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
      assertThat(out)
          .contains("--bind ADDRESS")
          .contains("--users PATH")
          .contains("--session-same-site Lax|Strict");
    }
  }

  /**
   * With the embedded fake Entra the sign-out is single logout: POST /logout signs out here and
   * sends the browser to Entra, whose LogoutResponse at /saml2/logout (listed in SP metadata)
   * completes it with a 303 home.
   */
  @Test
  void signOutGoesThroughEntraAndComesBackToTheLogoutUrl() throws Exception {
    TestBrowser b = new TestBrowser();
    String idp = b.get(base.resolve("/me")).headers().firstValue("Location").orElseThrow();
    signInAt(b, idp, "0");
    assertThat(b.get(base.resolve("/saml2/metadata")).body())
        .contains("SingleLogoutService")
        .contains("/saml2/logout\"");

    HttpResponse<String> out =
        b.post(base.resolve("/logout"), java.util.Map.of(), "Sec-Fetch-Site", "same-origin");
    String toEntra = out.headers().firstValue("Location").orElseThrow();
    assertThat(toEntra).contains("/saml2?SAMLRequest=");
    assertThat(b.get(base.resolve("/me")).statusCode()).isEqualTo(302);
    HttpResponse<String> atEntra = b.get(URI.create(toEntra));
    assertThat(atEntra.statusCode()).isEqualTo(302);
    String back = atEntra.headers().firstValue("Location").orElseThrow();
    assertThat(back).contains("/saml2/logout?SAMLResponse=");
    HttpResponse<String> done = b.get(URI.create(back));

    assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location")).hasValue("/");
  }

  /**
   * Logout started by Entra: with --idp-metadata, Entra's signed LogoutRequest at /saml2/logout
   * ends the session and is answered with a LogoutResponse to Entra; an unsigned one is refused and
   * ends nothing.
   */
  @Test
  void logoutRequestFromEntraAtTheLogoutUrlEndsTheSession() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String base = "http://localhost:" + port;
    try (FakeEntraServer tenant =
            FakeEntraServer.start(
                FakeEntra.builder()
                    .application("urn:example:idp-logout", base + "/saml2/idpresponse")
                    .logoutUrl("urn:example:idp-logout", base + "/saml2/logout"));
        ExampleProcess p =
            start(
                "--port",
                Integer.toString(port),
                "--base-url",
                base,
                "--sp-entity-id",
                "urn:example:idp-logout",
                "--idp-metadata",
                tenant.metadataUrl())) {
      URI app = p.awaitListening();
      TestBrowser b = new TestBrowser();
      HttpResponse<String> me = crossNodeIn(b, tenant.entra(), app, app);
      assertThat(me.statusCode()).as(me.body()).isEqualTo(200);

      HttpResponse<String> unsigned =
          b.get(
              URI.create(
                  tenant
                      .entra()
                      .logoutRequest("urn:example:idp-logout", NEW_USER.nameId())
                      .redirectUrl()));
      assertThat(unsigned.statusCode()).isEqualTo(400);
      assertThat(unsigned.body()).contains("logout_unsigned");
      assertThat(b.get(app.resolve("/me")).statusCode()).isEqualTo(200);

      HttpResponse<String> signed =
          b.get(
              URI.create(
                  tenant
                      .entra()
                      .logoutRequest("urn:example:idp-logout", NEW_USER.nameId())
                      .signed()
                      .redirectUrl()));
      assertThat(signed.statusCode()).as(signed.body()).isEqualTo(302);
      assertThat(signed.headers().firstValue("Location").orElseThrow())
          .startsWith(tenant.entra().sloUrl() + "?SAMLResponse=");
      assertThat(b.get(app.resolve("/me")).statusCode()).isEqualTo(302);
    }
  }

  @Test
  void logoutByPostWithoutAFormEndsTheSessionOnlyFromThisOrigin() throws Exception {
    TestBrowser b = new TestBrowser();
    String idp = b.get(base.resolve("/me")).headers().firstValue("Location").orElseThrow();
    signInAt(b, idp, "0");
    assertThat(b.get(base.resolve("/me")).statusCode()).isEqualTo(200);

    HttpResponse<String> forged =
        b.post(base.resolve("/logout"), java.util.Map.of(), "Sec-Fetch-Site", "cross-site");
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("logout_not_same_origin");
    assertThat(b.get(base.resolve("/me")).statusCode()).isEqualTo(200);
    assertThat(
            b.post(base.resolve("/logout"), java.util.Map.of(), "Sec-Fetch-Site", "same-origin")
                .statusCode())
        .isEqualTo(303);

    assertThat(b.get(base.resolve("/me")).statusCode()).isEqualTo(302);
  }

  @Test
  void usersFileReplacesTheSeedTable(@TempDir Path dir) throws Exception {
    Path users = dir.resolve("users.txt");
    Files.writeString(users, "# local users\nB.Simon@contoso.com inactive\nNew.User@contoso.com\n");
    try (ExampleProcess p = start("--port", "0", "--users", users.toString())) {
      URI base = p.awaitListening();
      TestBrowser b = new TestBrowser();
      String idp = b.get(base.resolve("/login")).headers().firstValue("Location").orElseThrow();
      HttpResponse<String> bSimon = signInAt(b, idp, "0");
      idp = b.get(base.resolve("/login")).headers().firstValue("Location").orElseThrow();
      HttpResponse<String> newUser = signInAt(b, idp, "2");

      assertThat(bSimon.statusCode()).isEqualTo(403);
      assertThat(bSimon.body()).contains("user_inactive");
      assertThat(newUser.statusCode()).isIn(302, 303);
    }
  }

  @Test
  void bindAddressThenListensAndSignsInThereOnly() throws Exception {
    try (ExampleProcess p = start("--port", "0", "--bind", "127.0.0.2")) {
      URI base = p.awaitListening();
      assertThat(base.getHost()).isEqualTo("127.0.0.2");
      TestBrowser b = new TestBrowser();
      HttpResponse<String> start = b.get(base.resolve("/me"));

      HttpResponse<String> acs =
          signInAt(b, start.headers().firstValue("Location").orElseThrow(), "0");

      assertThat(acs.statusCode()).isEqualTo(303);
      assertThat(b.get(base.resolve("/me")).statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> new Socket("127.0.0.1", base.getPort()).close())
          .isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void bindWildcardThenReachableOnEveryAddress() throws Exception {
    try (ExampleProcess p = start("--port", "0", "--bind", "0.0.0.0")) {
      URI base = p.awaitListening();
      assertThat(base.getHost()).isEqualTo("localhost");

      assertThat(new TestBrowser().get(base.resolve("/")).statusCode()).isEqualTo(200);
      assertThat(
              new TestBrowser()
                  .get(URI.create("http://127.0.0.2:" + base.getPort() + "/"))
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void bindWhereThisMachineCannotListenThenExitsWithTheReason() throws Exception {
    // 192.0.2.0/24 is TEST-NET-1: never an address of this machine.
    try (ExampleProcess p = start("--port", "0", "--bind", "192.0.2.1")) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(p.stderr()).contains("could not start: cannot listen on 192.0.2.1:0");
    }
  }

  /**
   * With --idp-metadata an App Federation Metadata Url: Entra activates a new signing certificate
   * and the running app accepts the next sign-in signed with it (no restart).
   */
  @Test
  void idpMetadataUrlWhenEntraRollsItsCertificateOverThenSignInsGoOnWithoutRestart()
      throws Exception {
    String entityId = "urn:amazon:cognito:sp:ap-northeast-1_EXAMPLE";
    try (FakeEntraServer tenant = FakeEntraServer.start(FakeEntra.builder());
        ExampleProcess p =
            start(
                "--port",
                "0",
                "--idp-metadata",
                tenant.metadataUrl(),
                "--metadata-refresh",
                "3600",
                "--sp-entity-id",
                entityId)) {
      URI base = p.awaitListening();
      assertThat(signInThrough(tenant.entra(), base).body())
          .startsWith("{\"nameId\": \"Someone.New@fabrikam.example\"");

      tenant.activateSigningCertificate(tenant.addSigningCertificate());

      assertThat(signInThrough(tenant.entra(), base).body())
          .startsWith("{\"nameId\": \"Someone.New@fabrikam.example\"");
      assertThat(p.stderr()).contains("certificate added (on demand");
    }
  }

  @Test
  void metadataRefreshOutOfRangeThenExitsNamingTheOption() throws Exception {
    try (ExampleProcess p = start("--metadata-refresh", "5")) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(p.stderr()).contains("--metadata-refresh must be between 10 and 86400 seconds: 5");
    }
  }

  /**
   * Two nodes with the same --state-key and one Reply URL (the load balancer's): a sign-in started
   * on one completes on the other; with different keys it is refused (issue 14, item 3).
   */
  @Test
  void stateKeySharedByTwoNodesThenASignInStartedOnOneCompletesOnTheOther() throws Exception {
    String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    String other = java.util.Base64.getEncoder().encodeToString("x".repeat(32).getBytes());
    try (FakeEntraServer tenant = FakeEntraServer.start(FakeEntra.builder());
        ExampleProcess a =
            start("--port", "0", "--idp-metadata", tenant.metadataUrl(), "--state-key", key)) {
      URI baseA = a.awaitListening();
      String shared = baseA.toString().replaceAll("/$", "");
      try (ExampleProcess b =
              start(
                  "--port",
                  "0",
                  "--base-url",
                  shared,
                  "--idp-metadata",
                  tenant.metadataUrl(),
                  "--state-key",
                  other + "," + key);
          ExampleProcess c =
              start(
                  "--port",
                  "0",
                  "--base-url",
                  shared,
                  "--idp-metadata",
                  tenant.metadataUrl(),
                  "--state-key",
                  other)) {
        URI baseB = b.awaitListening();
        URI baseC = c.awaitListening();
        assertThat(crossNode(tenant.entra(), baseA, baseB).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = crossNode(tenant.entra(), baseA, baseC);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("invalid_request_state");
      }
    }
  }

  /**
   * Starts a sign-in on {@code start}, posts Entra's answer to {@code finish}; its /me or error.
   */
  private static HttpResponse<String> crossNode(FakeEntra tenant, URI start, URI finish)
      throws Exception {
    return crossNodeIn(new TestBrowser(), tenant, start, finish);
  }

  /** As {@link #crossNode} in the browser {@code b}. */
  private static HttpResponse<String> crossNodeIn(
      TestBrowser b, FakeEntra tenant, URI start, URI finish) throws Exception {
    HttpResponse<String> first = b.get(start.resolve("/me"));
    assertThat(first.statusCode()).isEqualTo(302);
    AuthnRequestInfo request =
        tenant.parseRedirect(first.headers().firstValue("Location").orElseThrow());
    Map<String, String> form = new LinkedHashMap<>();
    form.put("SAMLResponse", tenant.respondTo(request).user(NEW_USER).build());
    form.put("RelayState", request.relayState().orElseThrow());
    HttpResponse<String> acs = b.post(finish.resolve("/saml2/idpresponse"), form);
    return acs.statusCode() == 303 || acs.statusCode() == 302 ? b.get(finish.resolve("/me")) : acs;
  }

  @Test
  void stateKeyThatIsNotBase64OfThirtyTwoBytesThenExitsNamingTheOption() throws Exception {
    try (ExampleProcess p = start("--state-key", "c2hvcnQ=")) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(p.stderr()).contains("--state-key takes base64 keys of at least 32 bytes");
    }
  }

  private static final TestUser NEW_USER =
      TestUser.builder().nameId("Someone.New@fabrikam.example").build();

  /** GET /me, sign in at {@code tenant} as {@link #NEW_USER}, follow to /me; the /me answer. */
  private static HttpResponse<String> signInThrough(FakeEntra tenant, URI base) throws Exception {
    HttpResponse<String> me = crossNode(tenant, base, base);
    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    return me;
  }
}
