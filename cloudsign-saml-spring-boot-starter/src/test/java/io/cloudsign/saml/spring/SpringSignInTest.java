package io.cloudsign.saml.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.SignInClient;
import io.cloudsign.saml.testkit.TestUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real Boot application (embedded Tomcat) signs in through the testkit's fake Entra over HTTP.
 *
 * <p>The Reply URL is configuration (core compares the Response's Destination with it, never with
 * the Host header), so the port is chosen before the context starts and given to Boot as {@code
 * server.port}: {@code DEFINED_PORT} with a port found free, rather than {@code RANDOM_PORT}, whose
 * port is known only after the filter chain is built.
 */
@SpringBootTest(
    classes = TestApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class SpringSignInTest {
  static final int PORT = freePort();
  static final String BASE = "http://localhost:" + PORT;
  static final String IDENTIFIER = "urn:amazon:cognito:sp:ap-northeast-1_TEST";

  static final FakeEntraServer ENTRA =
      FakeEntraServer.start(
          FakeEntra.builder()
              .application(IDENTIFIER, BASE + "/saml2/idpresponse")
              .user(
                  TestUser.bSimon().toBuilder()
                      .roles("Approver")
                      .groups("5f1c3e2a-0000-4000-8000-000000000001")
                      .build())
              .user(TestUser.builder().nameId("Inactive.User@contoso.com").build())
              .user(TestUser.builder().nameId("Someone.Else@contoso.com").build()),
          0);

  @DynamicPropertySource
  static void saml(DynamicPropertyRegistry registry) throws IOException {
    Path metadata = Files.createTempFile("entra", ".xml");
    Files.writeString(metadata, ENTRA.entra().metadataXml());
    metadata.toFile().deleteOnExit();
    registry.add("server.port", () -> PORT);
    String r = "cloudsign.saml.registrations.cloudsign.";
    registry.add(r + "identifier", () -> IDENTIFIER);
    registry.add(r + "reply-url", () -> BASE + "/saml2/idpresponse");
    registry.add(r + "sign-on-url", () -> BASE + "/login");
    registry.add(r + "metadata", metadata::toString);
  }

  @AfterAll
  static void stop() {
    ENTRA.close();
  }

  @Test
  void signInThenPrincipalIsTheLinkedLocalUserWithAuthoritiesFromRolesAndGroups() {
    HttpResponse<String> me = SignInClient.create().signIn(URI.create(BASE + "/me"), 0);
    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    assertThat(me.body())
        .isEqualTo(
            "user=bsimon authorities=ROLE_USER,APPROLE_Approver,"
                + "GROUP_5f1c3e2a-0000-4000-8000-000000000001");
  }

  @Test
  void signInThenAuthenticationPrincipalInAControllerIsTheLinkedLocalUser() {
    SignInClient browser = SignInClient.create();
    browser.signIn(URI.create(BASE + "/me"), 0);
    HttpResponse<String> r = browser.get(URI.create(BASE + "/principal"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("bsimon [USER]");
  }

  @Test
  void logoutIsSpringsCsrfProtectedPostAndDoesNotSignStraightBackIn() throws Exception {
    SignInClient browser = SignInClient.create();
    browser.signIn(URI.create(BASE + "/me"), 0);
    String cookies = cookieHeader(browser);

    HttpResponse<String> noToken = send(cookies, "POST", "/logout", "");
    assertThat(noToken.statusCode()).as("POST /logout without a CSRF token").isEqualTo(403);
    HttpResponse<String> byGet = send(cookies, "GET", "/logout", null);
    assertThat(byGet.statusCode()).as("GET /logout does not log out").isNotEqualTo(302);
    assertThat(browser.get(URI.create(BASE + "/principal")).body()).isEqualTo("bsimon [USER]");

    String token = browser.get(URI.create(BASE + "/public/csrf")).body();
    HttpResponse<String> out = send(cookieHeader(browser), "POST", "/logout", "_csrf=" + token);
    assertThat(out.statusCode()).isEqualTo(302);
    String after = out.headers().firstValue("Location").orElseThrow();
    assertThat(after).endsWith("/login?logout");

    int requestsAtEntra = ENTRA.receivedRequests().size();
    HttpResponse<String> page = send(cookieHeader(browser), "GET", "/login?logout", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("id=\"signed-out\"");
    assertThat(ENTRA.receivedRequests()).as("no new trip to Entra").hasSize(requestsAtEntra);
    HttpResponse<String> me =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(BASE + "/me"))
                    .header("Accept", "application/json")
                    .header("Cookie", cookieHeader(browser))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(me.statusCode()).as("signed out").isEqualTo(401);
  }

  @Test
  void signInPathWhenAlreadySignedInThenReturnsLocallyWithoutASecondTripToEntra() throws Exception {
    SignInClient browser = SignInClient.create();
    browser.signIn(URI.create(BASE + "/me"), 0);
    int requestsAtEntra = ENTRA.receivedRequests().size();

    HttpResponse<String> home = send(cookieHeader(browser), "GET", "/login", null);
    HttpResponse<String> back =
        send(cookieHeader(browser), "GET", "/login?return_to=/approvals", null);
    HttpResponse<String> offsite =
        send(cookieHeader(browser), "GET", "/login?return_to=//evil.example/x", null);

    assertThat(home.statusCode()).isEqualTo(303);
    assertThat(home.headers().firstValue("Location")).hasValue("/");
    assertThat(back.headers().firstValue("Location")).hasValue("/approvals");
    assertThat(offsite.headers().firstValue("Location")).hasValue("/");
    assertThat(ENTRA.receivedRequests()).hasSize(requestsAtEntra);
    HttpResponse<String> anonymous = send("", "GET", "/login", null);
    assertThat(anonymous.statusCode()).isEqualTo(302);
    assertThat(anonymous.headers().firstValue("Location").orElseThrow())
        .startsWith(ENTRA.ssoUrl() + "?SAMLRequest=");
  }

  private static String cookieHeader(SignInClient browser) {
    return browser.cookies().stream()
        .map(c -> c.getName() + "=" + c.getValue())
        .collect(java.util.stream.Collectors.joining("; "));
  }

  private static HttpResponse<String> send(String cookies, String method, String path, String form)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BASE + path));
    if (!cookies.isEmpty()) {
      b.header("Cookie", cookies);
    }
    if (form == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/x-www-form-urlencoded")
          .method(method, HttpRequest.BodyPublishers.ofString(form));
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void signInThenAuthorizationUsesEntraAppRoles() {
    SignInClient browser = SignInClient.create();
    browser.signIn(URI.create(BASE + "/me"), 0);
    assertThat(browser.get(URI.create(BASE + "/approvals")).body()).isEqualTo("approvals");
  }

  @Test
  void inactiveUserIsRefusedThroughSpringsFailureHandler() {
    SignInClient browser = SignInClient.create();
    HttpResponse<String> r = browser.signIn(URI.create(BASE + "/me"), 1);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).startsWith("refused: user_inactive ");
    assertThat(browser.get(URI.create(BASE + "/me")).body()).contains("pick-user");
  }

  @Test
  void unknownUserIsRefused() {
    HttpResponse<String> r = SignInClient.create().signIn(URI.create(BASE + "/me"), 2);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).startsWith("refused: user_not_provisioned ");
  }

  @Test
  void replyUrlWhenResponseForgedThenRefusedWithCoreCode() throws Exception {
    HttpResponse<String> r =
        post(URI.create(BASE + "/saml2/idpresponse"), "SAMLResponse=PGZvbz4%3D&RelayState=x");
    assertThat(r.statusCode()).isBetween(400, 499);
    assertThat(r.body()).startsWith("refused: missing_request_state ");
  }

  @Test
  void signInWhenResponseIsTamperedAfterSigningThenRefusedWithCoreCode() {
    ENTRA.answerNextWith(io.cloudsign.saml.testkit.Attack.tamperedAfterSigning());
    HttpResponse<String> r = SignInClient.create().signIn(URI.create(BASE + "/me"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).startsWith("refused: invalid_signature ");
  }

  @Test
  void csrfStillProtectsEveryOtherPost() throws Exception {
    SignInClient browser = SignInClient.create();
    browser.signIn(URI.create(BASE + "/me"), 0);
    String cookies =
        browser.cookies().stream()
            .map(c -> c.getName() + "=" + c.getValue())
            .collect(java.util.stream.Collectors.joining("; "));
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(BASE + "/public"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", cookies)
                    .POST(HttpRequest.BodyPublishers.ofString("a=b"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    // Anonymous: refused too (Spring sends it to sign-in), never reaching the controller.
    assertThat(post(URI.create(BASE + "/public"), "a=b").body()).doesNotContain("posted");
  }

  @Test
  void sessionFixationProtectionIsSpringsAndTheSignInSurvivesIt() {
    SignInClient browser = SignInClient.create();
    browser.get(URI.create(BASE + "/public/session"));
    String before = cookie(browser, "JSESSIONID");
    browser.signIn(URI.create(BASE + "/me"), 0);
    assertThat(cookie(browser, "JSESSIONID")).isNotEqualTo(before);
    assertThat(browser.get(URI.create(BASE + "/public/session")).body())
        .as("Spring's newSession() strategy ran: the pre-sign-in attribute is gone")
        .isEqualTo("pre=null");
  }

  private static String cookie(SignInClient browser, String name) {
    return browser.cookies().stream()
        .filter(c -> c.getName().equals(name))
        .map(java.net.HttpCookie::getValue)
        .findFirst()
        .orElse(null);
  }

  @Test
  void apiRequestWithoutSessionGets401FromTheEntryPoint() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(BASE + "/me"))
                    .header("Accept", "application/json")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("\"authentication_required\"");
  }

  @Test
  void browserWithoutSessionGoesStraightToEntra() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(BASE + "/me")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(r.headers().firstValue("Location").orElseThrow())
        .startsWith(ENTRA.ssoUrl() + "?SAMLRequest=");
  }

  @Test
  void metadataIsServedWithTheIdentifierAndReplyUrl() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(BASE + "/saml2/metadata")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains(IDENTIFIER).contains(BASE + "/saml2/idpresponse");
  }

  private static HttpResponse<String> post(URI uri, String form) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
