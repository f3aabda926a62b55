package io.cloudsign.saml.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.core.IdentityProvider;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.SignInClient;
import io.cloudsign.saml.testkit.TestUser;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A user's own HTTP-level test of the filter over {@code http://localhost}: plain {@code
 * java.net.http} with a {@link CookieManager} and no cookie handling of its own (which never sends
 * a {@code Secure} cookie over http), through the real filter on Jetty and a {@link
 * FakeEntraServer}. It signs in, and a tampered Response then fails for the right reason ({@code
 * invalid_signature}, not {@code missing_request_state}).
 */
class PlainHttpClientSignInTest {
  private static final String ENTITY_ID = "urn:amazon:cognito:sp:ap-northeast-1_PLAINHTTP";
  private static final Pattern FORM =
      Pattern.compile("<form\\b[^>]*\\baction=\"([^\"]*)\"[^>]*>(.*?)</form>", Pattern.DOTALL);
  private static final Pattern HIDDEN =
      Pattern.compile("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">");

  private FakeEntraServer idp;
  private TestApp app;

  @BeforeEach
  void start() throws Exception {
    app =
        TestApp.start(
            base -> {
              idp =
                  FakeEntraServer.start(
                      FakeEntra.builder()
                          .application(ENTITY_ID, base + "/saml2/idpresponse")
                          .user(TestUser.bSimon()));
              Registration reg =
                  Registration.builder("contoso")
                      .entityId(ENTITY_ID)
                      .replyUrl(base + "/saml2/idpresponse")
                      .signOnUrl(base + "/login")
                      .identityProvider(idp(idp))
                      .build();
              return SamlSsoFilter.builder(
                      ServiceProvider.builder().registration(reg).build(), SamlSsoFilterTest::link)
                  .build();
            });
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
    idp.close();
  }

  private static IdentityProvider idp(FakeEntraServer server) {
    try {
      return IdentityProvider.fromMetadata(server.entra().metadataXml());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void signInWhenPlainJavaHttpClientWithCookieManagerThenSignedIn() throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    HttpResponse<String> home = signInByHand(http);

    assertThat(home.statusCode()).as(home.body()).isEqualTo(200);
    assertThat(home.body()).contains("user=bsimon").contains("path=/inbox");
  }

  @Test
  void signInWhenPlainClientAndTamperedResponseThenInvalidSignatureNotMissingState()
      throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    idp.answerNextWith(Attack.tamperedAfterSigning());

    HttpResponse<String> refused = signInByHand(http);

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body())
        .contains("<code id=\"error-code\">invalid_signature</code>")
        .doesNotContain("missing_request_state");
  }

  @Test
  void signInWhenTestkitSignInClientThenSignedInAndTamperedRefused() {
    // README: http test
    HttpResponse<String> home = SignInClient.create().signIn(app.uri("/inbox"));
    assertThat(home.statusCode()).isEqualTo(200);
    assertThat(home.body()).contains("user=bsimon"); // what your page shows a signed-in user

    idp.answerNextWith(Attack.tamperedAfterSigning()); // the next Response is tampered with
    HttpResponse<String> refused = SignInClient.create().signIn(app.uri("/inbox"));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("invalid_signature");
    // README: end http test
    assertThat(home.body()).contains("path=/inbox");
  }

  @Test
  void readmeHttpTestIsTheCodeOfThisTest() throws Exception {
    String self =
        Files.readString(
            Path.of(
                "src/test/java",
                PlainHttpClientSignInTest.class.getName().replace('.', '/') + ".java"));
    String region =
        self.substring(
            self.indexOf("// README: http test\n"), self.indexOf("// README: end http test"));
    region = region.substring(region.indexOf('\n') + 1);
    Path readme = Path.of("README.md").toAbsolutePath();
    String text = Files.readString(Files.exists(readme) ? readme : Path.of("..", "README.md"));
    String section = text.substring(text.indexOf("### Sign in through your own filter over HTTP"));
    int start = section.indexOf("```java\n") + "```java\n".length();
    String block = section.substring(start, section.indexOf("\n```\n", start));

    assertThat(lines(block)).containsExactlyElementsOf(lines(region));
  }

  private static List<String> lines(String code) {
    return code.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  @Test
  void failurePageWhenRetryCanSucceedThenLinksToSignInAgainElseNot() throws Exception {
    HttpClient noCookies =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    HttpResponse<String> lostState = signInByHand(noCookies);
    idp.answerNextWith(Attack.tamperedAfterSigning());
    HttpResponse<String> tampered = SignInClient.create().signIn(app.uri("/inbox"));

    assertThat(lostState.body())
        .contains("<code id=\"error-code\">missing_request_state</code>")
        .contains("<a id=\"try-again\" href=\"/login\">Sign in again</a>");
    assertThat(tampered.body())
        .contains("<code id=\"error-code\">invalid_signature</code>")
        .doesNotContain("try-again");
  }

  @Test
  void replyUrlWhenRefusedThenOneLogLineWithCodeOnceRegistrationAndHint() throws Exception {
    idp.answerNextWith(Attack.tamperedAfterSigning());

    Captured c = capturingStderr(() -> SignInClient.create().signIn(app.uri("/inbox")));

    String correlationId = between(c.page().body(), "<code id=\"correlation-id\">", "</code>");
    List<String> lines = c.linesContaining("SAML sign-in failed");
    assertThat(lines).singleElement().asString().contains("[" + correlationId + "]");
    String line = lines.get(0);
    String beforeHint = line.substring(0, line.indexOf(" | hint: "));
    assertThat(beforeHint.split("invalid_signature", -1)).hasSize(2); // the code once
    assertThat(line)
        .contains("WARN")
        .contains("403 registration=contoso invalid_signature (not_verified)")
        .contains(" | hint: " + io.cloudsign.saml.core.ErrorCode.INVALID_SIGNATURE.hint());
  }

  @Test
  void replyUrlWhenEntraErrorTextHasLineBreaksThenLoggedReadablyOnOneLine() throws Exception {
    idp.answerNextWith(
        b ->
            b.errorStatus(
                "AADSTS50105",
                "Your administrator has configured the application\r\n"
                    + "to block users unless they are assigned.\r\nTrace ID: 1f2e"));

    Captured c = capturingStderr(() -> SignInClient.create().signIn(app.uri("/inbox")));

    assertThat(c.linesContaining("SAML sign-in failed"))
        .singleElement()
        .asString()
        .contains("AADSTS50105")
        .contains("the application\\nto block users unless they are assigned.\\nTrace ID")
        .doesNotContain("??");
  }

  @Test
  void replyUrlWhenLinkerRefusesANameIdWithALineBreakThenNoForgedLogLine() throws Exception {
    String forged = "mallory@contoso.com\n[main] INFO io.cloudsign.saml.servlet.SamlSsoFilter - ok";

    Captured c = capturingStderr(() -> SignInClient.create().signInAs(app.uri("/inbox"), forged));

    assertThat(c.page().body()).contains("<code id=\"error-code\">user_not_provisioned</code>");
    assertThat(c.linesContaining("mallory@contoso.com"))
        .singleElement()
        .asString()
        .contains("SAML sign-in failed")
        .contains("mallory@contoso.com\\n[main] INFO");
  }

  record Captured(HttpResponse<String> page, String stderr) {
    List<String> linesContaining(String s) {
      return stderr.lines().filter(l -> l.contains(s)).toList();
    }
  }

  /** slf4j-simple writes to the System.err of the moment it logs. */
  private static Captured capturingStderr(java.util.function.Supplier<HttpResponse<String>> run) {
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      HttpResponse<String> page = run.get();
      return new Captured(page, bytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  private static String between(String s, String from, String to) {
    int i = s.indexOf(from) + from.length();
    return s.substring(i, s.indexOf(to, i));
  }

  @Test
  void signInWhenTestkitSignInClientAsUnknownNameIdThenNotProvisioned() {
    HttpResponse<String> refused =
        SignInClient.create().signInAs(app.uri("/inbox"), "mallory@contoso.com");

    assertThat(refused.body()).contains("<code id=\"error-code\">user_not_provisioned</code>");
  }

  @Test
  void signInStartWhenLoopbackHttpThenStateCookieHasAPlainHttpCopyWithoutSecure() throws Exception {
    HttpClient http = HttpClient.newBuilder().build();

    List<String> cookies =
        http.send(HttpRequest.newBuilder(app.uri("/inbox")).build(), ofString())
            .headers()
            .allValues("Set-Cookie");

    assertThat(cookies)
        .anySatisfy(
            c ->
                assertThat(c)
                    .startsWith("cloudsign_saml_state=")
                    .contains("; Secure; HttpOnly; SameSite=None"));
    assertThat(cookies)
        .anySatisfy(
            c ->
                assertThat(c)
                    .startsWith("cloudsign_saml_state-http=")
                    .contains("; Path=/saml2/idpresponse")
                    .contains("; HttpOnly; SameSite=Lax")
                    .doesNotContain("Secure"));
  }

  /** What a user writes: follow the redirect, pick B.Simon, post Entra's form back. */
  private HttpResponse<String> signInByHand(HttpClient http) throws Exception {
    HttpResponse<String> login =
        http.send(HttpRequest.newBuilder(app.uri("/inbox")).build(), ofString()); // to the fake
    Matcher pick = FORM.matcher(login.body());
    assertThat(pick.find()).as(login.body()).isTrue();
    Map<String, String> fields = hidden(pick.group(2));
    fields.put("user", "0");
    HttpResponse<String> autoPost = post(http, login.uri().resolve(pick.group(1)), fields);
    Matcher form = FORM.matcher(autoPost.body());
    assertThat(form.find()).as(autoPost.body()).isTrue();
    return post(http, URI.create(form.group(1).replace("&amp;", "&")), hidden(form.group(2)));
  }

  private static Map<String, String> hidden(String formBody) {
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher m = HIDDEN.matcher(formBody);
    while (m.find()) {
      fields.put(m.group(1), m.group(2).replace("&quot;", "\"").replace("&amp;", "&"));
    }
    return fields;
  }

  private static HttpResponse<String> post(HttpClient http, URI uri, Map<String, String> form)
      throws Exception {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return http.send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        ofString());
  }

  private static HttpResponse.BodyHandler<String> ofString() {
    return HttpResponse.BodyHandlers.ofString();
  }
}
