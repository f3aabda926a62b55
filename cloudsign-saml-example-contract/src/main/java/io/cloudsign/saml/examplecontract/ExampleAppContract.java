package io.cloudsign.saml.examplecontract;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example apps' black-box contract (issues 3 and 15): what every example app does for a user
 * who starts it from the command line, checked against a separate JVM. Each example's test extends
 * it and says how the app is started ({@link #start}); checks of options only one app has stay in
 * that app's own test.
 *
 * <p>One app process in default mode (embedded fake Entra, {@code --port 0}) serves the checks that
 * need no options of their own; the others start their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ExampleAppContract {
  protected static final String SAML_REQUEST = "?SAMLRequest=";

  protected ExampleProcess app;
  protected URI base;

  /** Starts the example under test with {@code args}, as its users start it. */
  protected abstract ExampleProcess start(String... args) throws Exception;

  @BeforeAll
  void startDefaultApp() throws Exception {
    app = start("--port", "0");
    base = app.awaitListening();
  }

  @AfterAll
  void stopDefaultApp() throws Exception {
    if (app != null) {
      app.close();
    }
  }

  // ------------------------------------------------------------------ helpers for subclasses

  /** The first group of {@code regex} in {@code html}, HTML entities decoded. */
  public static String attr(String html, String regex) {
    Matcher m = Pattern.compile(regex).matcher(html);
    assertThat(m.find()).as(regex + " in\n" + html).isTrue();
    return m.group(1)
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }

  /** The value of the hidden input {@code name}. */
  public static String hidden(String html, String name) {
    return attr(html, "name=\"" + name + "\" value=\"([^\"]*)\"");
  }

  /**
   * Follows the redirect to the embedded fake Entra, picks a user on its login page (by index, or
   * types a NameID) and posts the auto-submit form to the app's Reply URL, as a browser would.
   */
  public static HttpResponse<String> signInAt(TestBrowser b, String idpLocation, String user)
      throws Exception {
    URI idp = URI.create(idpLocation);
    HttpResponse<String> login = b.getPage(idp);
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    String flow = hidden(login.body(), "flow");
    String action = attr(login.body(), "<form method=\"post\" action=\"([^\"]*)\"");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("flow", flow);
    form.put(user.contains("@") ? "nameId" : "user", user);
    HttpResponse<String> autoPost = b.post(idp.resolve(action), form);
    assertThat(autoPost.statusCode()).as(autoPost.body()).isEqualTo(200);
    String acs = attr(autoPost.body(), "name=\"hiddenform\" action=\"([^\"]*)\"");
    Map<String, String> response = new LinkedHashMap<>();
    response.put("SAMLResponse", hidden(autoPost.body(), "SAMLResponse"));
    response.put("RelayState", hidden(autoPost.body(), "RelayState"));
    return b.post(URI.create(acs), response);
  }

  private String idpLocation(TestBrowser b, String path) throws Exception {
    return b.get(base.resolve(path)).headers().firstValue("Location").orElseThrow();
  }

  // ------------------------------------------------------------------ command line

  @Test
  void helpListsEveryContractOption() throws Exception {
    try (ExampleProcess p = start("--help")) {
      String out = p.allOutput(Duration.ofSeconds(60));

      assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
      assertThat(out)
          .contains("--port N")
          .contains("--base-url URL")
          .contains("--idp-metadata PATH_OR_URL")
          .contains("--sp-entity-id ID")
          .contains("--help");
    }
  }

  @Test
  void unknownOptionExitsWithUsageError() throws Exception {
    try (ExampleProcess p = start("--no-such-option")) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(p.stderr()).contains("unknown option: --no-such-option");
    }
  }

  @Test
  void idpMetadataThatCannotBeReadExitsWithTheReason(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("no-such-federationmetadata.xml");
    try (ExampleProcess p = start("--port", "0", "--idp-metadata", missing.toString())) {
      assertThat(p.awaitExit(Duration.ofSeconds(90))).isEqualTo(1);
      assertThat(p.stderr()).contains("could not start").contains(missing.toString());
    }
  }

  // ------------------------------------------------------------------ default mode

  @Test
  void listeningLineNamesLocalhostAndTheBoundPort() throws Exception {
    assertThat(base.getScheme()).isEqualTo("http");
    assertThat(base.getHost()).isEqualTo("localhost");
    assertThat(base.getPort()).isPositive();
    assertThat(base.getPath()).isEqualTo("/");
    assertThat(new TestBrowser().get(base.resolve("/")).statusCode()).isEqualTo(200);
  }

  @Test
  void listensOnLoopbackOnlyByDefault() {
    // Linux routes all of 127/8 to lo: 127.0.0.2 stands for "another address of this machine".
    assertThatThrownBy(() -> new Socket("127.0.0.2", base.getPort()).close())
        .isInstanceOf(ConnectException.class);
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
  void metadataInABrowserIsShownAsXmlNotDownloaded() throws Exception {
    HttpResponse<String> r = new TestBrowser().getPage(base.resolve("/saml2/metadata"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/xml");
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

    HttpResponse<String> acs = signInAt(b, idpLocation(b, "/me"), "0");

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
    String relay = attr(idpLocation(b, "/login"), "RelayState=([^&]+)");
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
    HttpResponse<String> inactive = signInAt(b, idpLocation(b, "/login"), "1");
    HttpResponse<String> unknown = signInAt(b, idpLocation(b, "/login"), "2");

    assertThat(inactive.statusCode()).isEqualTo(403);
    assertThat(inactive.body()).contains("user_inactive");
    assertThat(unknown.statusCode()).isEqualTo(403);
    assertThat(unknown.body()).contains("user_not_provisioned");
    assertThat(b.cookie("JSESSIONID")).isEmpty();
  }

  /** The home page's sign-out form, submitted with whatever hidden fields it carries. */
  @Test
  void signOutFormOnTheHomePageEndsTheSession() throws Exception {
    TestBrowser b = new TestBrowser();
    signInAt(b, idpLocation(b, "/me"), "0");
    assertThat(b.get(base.resolve("/me")).statusCode()).isEqualTo(200);
    String home = b.getPage(base.resolve("/")).body();
    Matcher form =
        Pattern.compile("<form method=\"post\" action=\"/logout\">(.*?)</form>").matcher(home);
    assertThat(form.find()).as("sign-out form in\n" + home).isTrue();
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher input =
        Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")
            .matcher(form.group(1));
    while (input.find()) {
      fields.put(input.group(1), input.group(2));
    }

    // As a browser submits a form of the page: Origin and Sec-Fetch-Site name this origin.
    HttpResponse<String> out =
        b.post(
            base.resolve("/logout"),
            fields,
            "Origin",
            "http://" + base.getRawAuthority(),
            "Sec-Fetch-Site",
            "same-origin");

    // Signed out here at once; the Location is "/" or, with single logout, the IdP's logout URL.
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(out.headers().firstValue("Location")).isPresent();
    assertThat(b.get(base.resolve("/me")).statusCode()).isEqualTo(302);
  }

  // ------------------------------------------------------------------ a real tenant's metadata

  /**
   * With --idp-metadata FILE: a real tenant's metadata file, every vouched-for user provisioned.
   */
  @Test
  void idpMetadataFileWithEntityIdAndBaseUrlThenAutoProvisions(@TempDir Path dir) throws Exception {
    FakeEntra tenant = FakeEntra.create();
    Path metadata = dir.resolve("CloudSign.xml");
    Files.write(metadata, tenant.metadata().withBom().bytes());
    signInWithRealTenantMetadata(tenant, metadata.toString());
  }

  /** With --idp-metadata URL: the App Federation Metadata Url. */
  @Test
  void idpMetadataUrlWithEntityIdAndBaseUrlThenAutoProvisions() throws Exception {
    try (FakeEntraServer tenant = FakeEntraServer.start(FakeEntra.builder())) {
      signInWithRealTenantMetadata(tenant.entra(), tenant.metadataUrl());
    }
  }

  private void signInWithRealTenantMetadata(FakeEntra tenant, String idpMetadata) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String entityId = "urn:amazon:cognito:sp:ap-northeast-1_EXAMPLE";
    try (ExampleProcess p =
        start(
            "--port",
            String.valueOf(port),
            "--base-url",
            "http://127.0.0.1:" + port,
            "--idp-metadata",
            idpMetadata,
            "--sp-entity-id",
            entityId)) {
      URI url = p.awaitListening();
      assertThat(url).isEqualTo(URI.create("http://127.0.0.1:" + port + "/"));
      TestBrowser b = new TestBrowser();

      HttpResponse<String> start = b.get(url.resolve("/me"));
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
      HttpResponse<String> acs = b.post(url.resolve("/saml2/idpresponse"), form);

      assertThat(acs.statusCode()).isIn(302, 303);
      assertThat(acs.headers().firstValue("Location")).hasValue("/me");
      HttpResponse<String> me = b.get(url.resolve("/me"));
      assertThat(me.statusCode()).isEqualTo(200);
      assertThat(me.body()).startsWith("{\"nameId\": \"Someone.New@fabrikam.example\"");
      assertThat(new TestBrowser().get(url.resolve("/saml2/metadata")).body())
          .contains("entityID=\"" + entityId + "\"");
    }
  }
}
