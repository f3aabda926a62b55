package io.cloudsign.saml.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.TestUser;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example app's black-box contract (issue 3), checked against the app started as users start
 * it: its main class in a separate JVM, with the contract's options.
 */
class ExampleAppContractTest {
  static final String SAML_REQUEST = "?SAMLRequest=";

  static String attr(String html, String regex) {
    Matcher m = Pattern.compile(regex).matcher(html);
    assertThat(m.find()).as(regex + " in\n" + html).isTrue();
    return m.group(1)
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }

  static String hidden(String html, String name) {
    return attr(html, "name=\"" + name + "\" value=\"([^\"]*)\"");
  }

  /**
   * Follows the redirect to the embedded fake Entra, picks a user on its login page (by index, or
   * types a NameID) and posts the auto-submit form to the app's Reply URL, as a browser would.
   */
  static HttpResponse<String> signInAt(TestBrowser b, String idpLocation, String userOrNameId)
      throws Exception {
    URI idp = URI.create(idpLocation);
    HttpResponse<String> login = b.getPage(idp);
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    String flow = hidden(login.body(), "flow");
    String action = attr(login.body(), "<form method=\"post\" action=\"([^\"]*)\"");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("flow", flow);
    form.put(userOrNameId.contains("@") ? "nameId" : "user", userOrNameId);
    HttpResponse<String> autoPost = b.post(idp.resolve(action), form);
    assertThat(autoPost.statusCode()).as(autoPost.body()).isEqualTo(200);
    String acs = attr(autoPost.body(), "name=\"hiddenform\" action=\"([^\"]*)\"");
    Map<String, String> response = new LinkedHashMap<>();
    response.put("SAMLResponse", hidden(autoPost.body(), "SAMLResponse"));
    response.put("RelayState", hidden(autoPost.body(), "RelayState"));
    return b.post(URI.create(acs), response);
  }

  @Test
  void helpListsEveryContractOption() throws Exception {
    try (ExampleProcess p = ExampleProcess.start("--help")) {
      String out = p.allOutput(Duration.ofSeconds(60));

      assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
      assertThat(out)
          .contains("--port N")
          .contains("--base-url URL")
          .contains("--idp-metadata PATH_OR_URL")
          .contains("--sp-entity-id ID")
          .contains("--bind ADDRESS")
          .contains("--help");
    }
  }

  @Test
  void unknownOptionExitsWithUsageError() throws Exception {
    try (ExampleProcess p = ExampleProcess.start("--no-such-option")) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(p.stderr()).contains("unknown option: --no-such-option");
    }
  }

  /** Default mode: the embedded fake Entra. One app process for all checks. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class EmbeddedFakeEntra {
    ExampleProcess app;
    URI base;

    @BeforeAll
    void start() throws Exception {
      app = ExampleProcess.start("--port", "0");
      base = app.awaitListening();
    }

    @AfterAll
    void stop() throws Exception {
      app.close();
    }

    @Test
    void listeningLineNamesLocalhostAndTheBoundPort() throws Exception {
      assertThat(base.getScheme()).isEqualTo("http");
      assertThat(base.getHost()).isEqualTo("localhost");
      assertThat(base.getPort()).isPositive();
      assertThat(base.getPath()).isEqualTo("/");
      assertThat(new TestBrowser().get(base.resolve("/")).statusCode()).isEqualTo(200);
    }

    @Test
    void meWithoutSessionRedirectsToIdpWithSamlRequestAndRelayState() throws Exception {
      TestBrowser b = new TestBrowser();
      for (String[] headers :
          new String[][] {{}, {"Accept", "application/json"}, {"Accept", TestBrowser.HTML}}) {
        HttpResponse<String> r = b.get(base.resolve("/me"), headers);

        assertThat(r.statusCode()).isEqualTo(302);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("http://127.0.0.1:").contains("/saml2" + SAML_REQUEST);
        assertThat(location).containsPattern("[?&]RelayState=[A-Za-z0-9_-]+");
      }
    }

    @Test
    void loginRedirectsToIdpWithSamlRequestAndRelayState() throws Exception {
      HttpResponse<String> r = new TestBrowser().get(base.resolve("/login"));

      assertThat(r.statusCode()).isEqualTo(302);
      assertThat(r.headers().firstValue("Location").orElseThrow())
          .contains("/saml2" + SAML_REQUEST)
          .containsPattern("[?&]RelayState=");
    }

    @Test
    void listensOnLoopbackOnlyByDefault() {
      // Linux routes all of 127/8 to lo: 127.0.0.2 stands for "another address of this machine".
      assertThatThrownBy(() -> new Socket("127.0.0.2", base.getPort()).close())
          .isInstanceOf(ConnectException.class);
    }

    @Test
    void metadataInABrowserIsShownAsXmlNotDownloaded() throws Exception {
      HttpResponse<String> r = new TestBrowser().getPage(base.resolve("/saml2/metadata"));

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("application/xml");
      assertThat(r.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("inline");
    }

    @Test
    void metadataNamesDefaultEntityIdAndReplyUrl() throws Exception {
      HttpResponse<String> r = new TestBrowser().get(base.resolve("/saml2/metadata"));

      assertThat(r.statusCode()).isEqualTo(200);
      String origin = "http://localhost:" + base.getPort();
      assertThat(r.body())
          .contains("entityID=\"" + origin + "/saml2/metadata\"")
          .contains("Location=\"" + origin + "/saml2/idpresponse\"");
    }

    @Test
    void signInThroughFakeEntraThenSeeOtherToMeAndJsonWithSession() throws Exception {
      TestBrowser b = new TestBrowser();
      HttpResponse<String> start = b.get(base.resolve("/me"));

      HttpResponse<String> acs =
          signInAt(b, start.headers().firstValue("Location").orElseThrow(), "0");

      assertThat(acs.statusCode()).isIn(302, 303);
      assertThat(acs.headers().firstValue("Location")).hasValue("/me");
      assertThat(b.cookie("JSESSIONID")).isPresent();
      HttpResponse<String> me = b.get(base.resolve("/me"));
      assertThat(me.statusCode()).isEqualTo(200);
      assertThat(me.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("application/json");
      assertThat(me.body())
          .startsWith("{\"nameId\": \"B.Simon@contoso.com\", \"attributes\": {")
          .contains(
              "\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name\":"
                  + " [\"B.Simon@contoso.com\"]")
          .containsPattern("\"sessionIndex\": \"_[^\"]+\"}$");
      HttpResponse<String> loginAgain = b.getPage(base.resolve("/login"));
      assertThat(loginAgain.statusCode()).as("signed in: no second trip to Entra").isEqualTo(303);
      assertThat(loginAgain.headers().firstValue("Location")).hasValue("/");
    }

    @Test
    void replyUrlWhenResponseInvalidThen4xxWithCodeAndNoSession() throws Exception {
      TestBrowser b = new TestBrowser();
      HttpResponse<String> start = b.get(base.resolve("/login"));
      String relay =
          attr(start.headers().firstValue("Location").orElseThrow(), "RelayState=([^&]+)");
      Map<String, String> form = new LinkedHashMap<>();
      form.put("SAMLResponse", "bm90IGEgU0FNTCBSZXNwb25zZQ==");
      form.put("RelayState", relay);

      HttpResponse<String> r = b.post(base.resolve("/saml2/idpresponse"), form);

      assertThat(r.statusCode()).isBetween(400, 499);
      assertThat(r.body()).contains("malformed_response");
      assertThat(b.cookie("JSESSIONID")).isEmpty();
      assertThat(b.get(base.resolve("/me")).statusCode()).isEqualTo(302);
    }

    @Test
    void replyUrlWhenGetThen405() throws Exception {
      assertThat(new TestBrowser().get(base.resolve("/saml2/idpresponse")).statusCode())
          .isEqualTo(405);
    }

    @Test
    void signInWhenUserInactiveOrUnknownLocallyThen403() throws Exception {
      TestBrowser b = new TestBrowser();
      String idp = b.get(base.resolve("/login")).headers().firstValue("Location").orElseThrow();
      HttpResponse<String> inactive = signInAt(b, idp, "1");
      idp = b.get(base.resolve("/login")).headers().firstValue("Location").orElseThrow();
      HttpResponse<String> unknown = signInAt(b, idp, "2");

      assertThat(inactive.statusCode()).isEqualTo(403);
      assertThat(inactive.body()).contains("user_inactive");
      assertThat(unknown.statusCode()).isEqualTo(403);
      assertThat(unknown.body()).contains("user_not_provisioned");
      assertThat(b.cookie("JSESSIONID")).isEmpty();
    }

    @Test
    void logoutEndsTheSession() throws Exception {
      TestBrowser b = new TestBrowser();
      String idp = b.get(base.resolve("/me")).headers().firstValue("Location").orElseThrow();
      signInAt(b, idp, "0");
      assertThat(b.get(base.resolve("/me")).statusCode()).isEqualTo(200);

      assertThat(b.post(base.resolve("/logout"), Map.of()).statusCode()).isEqualTo(303);

      assertThat(b.get(base.resolve("/me")).statusCode()).isEqualTo(302);
    }
  }

  @Test
  void usersFileReplacesTheSeedTable(@TempDir Path dir) throws Exception {
    Path users = dir.resolve("users.txt");
    Files.writeString(users, "# local users\nB.Simon@contoso.com inactive\nNew.User@contoso.com\n");
    try (ExampleProcess p = ExampleProcess.start("--port", "0", "--users", users.toString())) {
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
    try (ExampleProcess p = ExampleProcess.start("--port", "0", "--bind", "127.0.0.2")) {
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
    try (ExampleProcess p = ExampleProcess.start("--port", "0", "--bind", "0.0.0.0")) {
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
    try (ExampleProcess p = ExampleProcess.start("--port", "0", "--bind", "192.0.2.1")) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(p.stderr()).contains("could not start: cannot listen on 192.0.2.1:0");
    }
  }

  /** With --idp-metadata: a real tenant's metadata file, every vouched-for user provisioned. */
  @Test
  void idpMetadataFileWithEntityIdAndBaseUrlThenAutoProvisions(@TempDir Path dir) throws Exception {
    FakeEntra tenant = FakeEntra.create();
    Path metadata = dir.resolve("CloudSign.xml");
    Files.write(metadata, tenant.metadata().withBom().bytes());
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String entityId = "urn:amazon:cognito:sp:ap-northeast-1_EXAMPLE";
    try (ExampleProcess p =
        ExampleProcess.start(
            "--port",
            String.valueOf(port),
            "--base-url",
            "http://127.0.0.1:" + port,
            "--idp-metadata",
            metadata.toString(),
            "--sp-entity-id",
            entityId)) {
      URI base = p.awaitListening();
      assertThat(base).isEqualTo(URI.create("http://127.0.0.1:" + port + "/"));
      TestBrowser b = new TestBrowser();

      HttpResponse<String> start = b.get(base.resolve("/me"));
      assertThat(start.statusCode()).isEqualTo(302);
      String location = start.headers().firstValue("Location").orElseThrow();
      assertThat(location).startsWith(tenant.ssoUrl() + SAML_REQUEST);
      AuthnRequestInfo request = tenant.parseRedirect(location);
      assertThat(request.issuer()).isEqualTo(entityId);
      assertThat(request.assertionConsumerServiceUrl())
          .isEqualTo("http://127.0.0.1:" + port + "/saml2/idpresponse");
      Map<String, String> form = new LinkedHashMap<>();
      form.put(
          "SAMLResponse",
          tenant
              .respondTo(request)
              .user(TestUser.builder().nameId("Someone.New@fabrikam.example").build())
              .build());
      form.put("RelayState", request.relayState().orElseThrow());
      HttpResponse<String> acs = b.post(base.resolve("/saml2/idpresponse"), form);

      assertThat(acs.statusCode()).isIn(302, 303);
      assertThat(acs.headers().firstValue("Location")).hasValue("/me");
      HttpResponse<String> me = b.get(base.resolve("/me"));
      assertThat(me.statusCode()).isEqualTo(200);
      assertThat(me.body()).startsWith("{\"nameId\": \"Someone.New@fabrikam.example\"");
      assertThat(new TestBrowser().get(base.resolve("/saml2/metadata")).body())
          .contains("entityID=\"" + entityId + "\"");
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
            ExampleProcess.start(
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
    try (ExampleProcess p = ExampleProcess.start("--metadata-refresh", "5")) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(p.stderr()).contains("--metadata-refresh must be between 10 and 86400 seconds: 5");
    }
  }

  private static final TestUser NEW_USER =
      TestUser.builder().nameId("Someone.New@fabrikam.example").build();

  /** GET /me, sign in at {@code tenant} as {@link #NEW_USER}, follow to /me; the /me answer. */
  private static HttpResponse<String> signInThrough(FakeEntra tenant, URI base) throws Exception {
    TestBrowser b = new TestBrowser();
    HttpResponse<String> start = b.get(base.resolve("/me"));
    assertThat(start.statusCode()).isEqualTo(302);
    AuthnRequestInfo request =
        tenant.parseRedirect(start.headers().firstValue("Location").orElseThrow());
    Map<String, String> form = new LinkedHashMap<>();
    form.put("SAMLResponse", tenant.respondTo(request).user(NEW_USER).build());
    form.put("RelayState", request.relayState().orElseThrow());
    HttpResponse<String> acs = b.post(base.resolve("/saml2/idpresponse"), form);
    assertThat(acs.statusCode()).as(acs.body()).isIn(302, 303);
    return b.get(base.resolve("/me"));
  }
}
