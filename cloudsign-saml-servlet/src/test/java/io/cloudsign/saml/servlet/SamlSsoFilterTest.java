package io.cloudsign.saml.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.core.IdentityProvider;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.SamlMetadataException;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.ResponseBuilder;
import io.cloudsign.saml.testkit.TestUser;
import java.net.HttpCookie;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The filter in a real Jetty 12 server, driven by a real HTTP client through the testkit's fake
 * Entra: every sign-in starts with the filter's redirect and ends with a POST to the Reply URL.
 */
class SamlSsoFilterTest {
  static final String ENTITY_ID = "urn:amazon:cognito:sp:ap-northeast-1_TESTPOOL";
  static final String STATE = "cloudsign_saml_state";
  static final String ACS = "/saml2/idpresponse";

  /** Created once for the class; SamlSsoFilterConfigurationTest borrows it through registration. */
  static final FakeEntra entra = FakeEntra.create();

  TestApp app;
  TestBrowser browser;

  @BeforeEach
  void start() throws Exception {
    app = TestApp.start(base -> filter(base).build());
    browser = new TestBrowser();
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  static IdentityProvider idp(FakeEntra fake) {
    try {
      return IdentityProvider.fromMetadata(fake.metadataXml());
    } catch (SamlMetadataException e) {
      throw new AssertionError(e);
    }
  }

  static Registration.Builder registration(String base) {
    return Registration.builder("contoso")
        .entityId(ENTITY_ID)
        .replyUrl(base + ACS)
        .signOnUrl(base + "/login")
        .identityProvider(idp(entra));
  }

  static SamlSsoFilter.Builder filter(String base) {
    ServiceProvider sp = ServiceProvider.builder().registration(registration(base).build()).build();
    return SamlSsoFilter.builder(sp, SamlSsoFilterTest::link).publicPaths("/public/*");
  }

  /** The application's user table: B.Simon is active, Inactive is disabled, others unknown. */
  static LocalUser link(io.cloudsign.saml.core.VerifiedAssertion identity)
      throws UserLinkException {
    return switch (identity.nameId().toLowerCase(java.util.Locale.ROOT)) {
      case "b.simon@contoso.com" -> LocalUser.of("bsimon", Set.of("admin"));
      case "inactive@contoso.com" -> throw UserLinkException.inactive("user disabled");
      default -> throw UserLinkException.notProvisioned("no such user: " + identity.nameId());
    };
  }

  // ------------------------------------------------------------------------------ helpers

  AuthnRequestInfo startAt(TestBrowser b, String pathAndQuery) throws Exception {
    HttpResponse<String> r = b.getPage(app.uri(pathAndQuery));
    assertThat(r.statusCode()).as("redirect to Entra for " + pathAndQuery).isEqualTo(302);
    String location = r.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(entra.ssoUrl() + "?SAMLRequest=");
    AuthnRequestInfo info = entra.parseRedirect(location);
    assertThat(info.issuer()).isEqualTo(ENTITY_ID);
    assertThat(info.assertionConsumerServiceUrl()).isEqualTo(app.uri(ACS).toString());
    return info;
  }

  HttpResponse<String> post(TestBrowser b, String samlResponse, String relayState)
      throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("SAMLResponse", samlResponse);
    form.put("RelayState", relayState);
    return b.post(app.uri(ACS), form);
  }

  HttpResponse<String> answer(
      TestBrowser b, AuthnRequestInfo info, UnaryOperator<ResponseBuilder> edit) throws Exception {
    return post(b, edit.apply(entra.respondTo(info)).build(), info.relayState().orElse(null));
  }

  HttpResponse<String> signIn(TestBrowser b, String pathAndQuery) throws Exception {
    return answer(b, startAt(b, pathAndQuery), x -> x);
  }

  static void assertFailure(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.body()).contains("<code id=\"error-code\">" + code + "</code>");
    assertThat(r.body()).containsPattern("<code id=\"correlation-id\">[0-9a-f]{16}</code>");
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.cloudsign");
    assertThat(r.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("JSESSIONID"));
  }

  // ------------------------------------------------------------------------------ success

  @Test
  void signInWhenValidResponseThenSeeOtherToOriginalPathWithPrincipal() throws Exception {
    HttpResponse<String> acs = signIn(browser, "/inbox?folder=1");

    assertThat(acs.statusCode()).isEqualTo(303);
    assertThat(acs.headers().firstValue("Location")).hasValue("/inbox?folder=1");
    assertThat(acs.headers().allValues("Set-Cookie"))
        .anyMatch(c -> c.startsWith(STATE + "=;") && c.contains("Max-Age=0"));
    HttpResponse<String> page = browser.getPage(app.uri("/inbox?folder=1"));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("user=bsimon")
        .contains("auth=SAML2")
        .contains("admin=true")
        .contains("principal=true")
        .contains("nameId=B.Simon@contoso.com")
        .contains("registration=contoso")
        .contains("upn=[B.Simon@contoso.com]");
  }

  @Test
  void startSignInWhenProtectedPathThenSetsSignedStateCookieScopedToReplyUrl() throws Exception {
    HttpResponse<String> r = browser.getPage(app.uri("/inbox"));

    String cookie =
        r.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith(STATE + "="))
            .findFirst()
            .orElseThrow();
    assertThat(cookie)
        .contains("; Path=" + ACS)
        .contains("; Secure")
        .contains("; HttpOnly")
        .contains("; SameSite=None")
        .doesNotContain("inbox");
    AuthnRequestInfo info = entra.parseRedirect(r.headers().firstValue("Location").orElseThrow());
    assertThat(info.relayState())
        .hasValueSatisfying(v -> assertThat(v).matches("[A-Za-z0-9_-]{22}"));
  }

  @Test
  void signInPathWhenReturnToGivenThenLandsThere() throws Exception {
    HttpResponse<String> acs = signIn(browser, "/login?return_to=%2Freports%3Fy%3D2026");

    assertThat(acs.statusCode()).isEqualTo(303);
    assertThat(acs.headers().firstValue("Location")).hasValue("/reports?y=2026");
  }

  @Test
  void signInPathWithoutReturnToThenLandsOnRoot() throws Exception {
    HttpResponse<String> acs = signIn(browser, "/login");

    assertThat(acs.headers().firstValue("Location")).hasValue("/");
  }

  @Test
  void signInPathWhenPostedFromOwnPageThenRedirectsToEntraAndLandsOnRoot() throws Exception {
    HttpResponse<String> r = browser.post(app.uri("/login?return_to=%2Fignored"), Map.of());
    String location = r.headers().firstValue("Location").orElseThrow();

    HttpResponse<String> acs = answer(browser, entra.parseRedirect(location), x -> x);

    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(location).startsWith(entra.ssoUrl() + "?SAMLRequest=");
    assertThat(acs.statusCode()).isEqualTo(303);
    assertThat(acs.headers().firstValue("Location")).hasValue("/");
  }

  @Test
  void signInWhenSessionExistedThenSessionIdRotatedAndOldIdUseless() throws Exception {
    String oldId = browser.getPage(app.uri("/public/session")).body();
    String oldCookie = browser.cookie("JSESSIONID").orElseThrow().getValue();

    HttpResponse<String> acs = signIn(browser, "/inbox");

    assertThat(acs.statusCode()).isEqualTo(303);
    String newCookie = browser.cookie("JSESSIONID").orElseThrow().getValue();
    assertThat(newCookie).isNotEqualTo(oldCookie);
    HttpResponse<String> page = browser.getPage(app.uri("/inbox"));
    assertThat(page.body()).contains("user=bsimon").doesNotContain("session=" + oldId + "\n");

    TestBrowser attacker = new TestBrowser();
    attacker.addCookie(app.uri("/"), sessionCookie(oldCookie));
    HttpResponse<String> withOld = attacker.getPage(app.uri("/inbox"));
    assertThat(withOld.statusCode()).isEqualTo(302);
  }

  private static HttpCookie sessionCookie(String value) {
    HttpCookie c = new HttpCookie("JSESSIONID", value);
    c.setPath("/");
    c.setVersion(0);
    return c;
  }

  @Test
  void severalTabsWhenSecondSignInStartedThenLastWinsAndOlderTabIsRefused() throws Exception {
    AuthnRequestInfo first = startAt(browser, "/first");
    AuthnRequestInfo second = startAt(browser, "/second");
    String firstResponse = entra.respondTo(first).build();

    HttpResponse<String> r2 = answer(browser, second, x -> x);
    HttpResponse<String> r1 = post(browser, firstResponse, first.relayState().orElseThrow());

    assertThat(r2.statusCode()).isEqualTo(303);
    assertThat(r2.headers().firstValue("Location")).hasValue("/second");
    assertFailure(r1, 400, "missing_request_state");
  }

  @Test
  void severalTabsWhenOlderTabAnswersFirstThenRefusedAsUnknown() throws Exception {
    AuthnRequestInfo first = startAt(browser, "/first");
    startAt(browser, "/second");

    assertFailure(answer(browser, first, x -> x), 403, "unknown_in_response_to");
  }

  @Test
  void logoutWhenSignedInThenSessionEndsAndProtectedPathRedirectsAgain() throws Exception {
    signIn(browser, "/inbox");

    HttpResponse<String> out =
        browser.post(app.uri("/logout"), Map.of(), "Sec-Fetch-Site", "same-origin");

    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(out.headers().firstValue("Location")).hasValue("/");
    assertThat(browser.getPage(app.uri("/inbox")).statusCode()).isEqualTo(302);
  }

  /** Browsers without Sec-Fetch-Site: the Origin (or Referer) must name this host and port. */
  @Test
  void logoutWhenOriginOrRefererIsThisHostThenSignsOut() throws Exception {
    String self = "http://" + app.uri("/").getRawAuthority();
    for (String[] header : new String[][] {{"Origin", self}, {"Referer", self + "/inbox"}}) {
      signIn(browser, "/inbox");

      HttpResponse<String> out = browser.post(app.uri("/logout"), Map.of(), header);

      assertThat(out.statusCode()).as(header[0]).isEqualTo(303);
      assertThat(browser.getPage(app.uri("/inbox")).statusCode()).isEqualTo(302);
    }
  }

  /**
   * A GET (a link, an image, a prefetch) or a POST from another site does not sign anyone out: the
   * GET shows a page with a button, which no other site may frame; the cross-site POST is refused.
   */
  @Test
  void logoutWhenGetOrCrossSitePostThenStillSignedIn() throws Exception {
    signIn(browser, "/inbox");

    HttpResponse<String> page = browser.getPage(app.uri("/logout"));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<form method=\"post\" action=\"/logout\">");
    assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValue("frame-ancestors 'none'");
    for (String[] forged :
        new String[][] {
          {"Sec-Fetch-Site", "cross-site"},
          {"Sec-Fetch-Site", "same-site"},
          {"Origin", "https://attacker.example"},
          {"Origin", "http://" + app.uri("/").getHost() + ":1"},
          {"Origin", "null"},
          {"Referer", "https://attacker.example/page"},
          {}
        }) {
      HttpResponse<String> refused = browser.post(app.uri("/logout"), Map.of(), forged);
      assertFailure(refused, 403, "logout_not_same_origin");
    }

    assertThat(browser.getPage(app.uri("/inbox")).body()).contains("user=bsimon");
  }

  @Test
  void publicPathWhenNotSignedInThenPassesThrough() throws Exception {
    HttpResponse<String> r = browser.getPage(app.uri("/public/session"));

    assertThat(r.statusCode()).isEqualTo(200);
  }

  // ------------------------------------------------------------------------------ non-browser

  @ParameterizedTest
  @ValueSource(
      strings = {
        "X-Requested-With=XMLHttpRequest",
        "Accept=application/json",
        "Sec-Fetch-Mode=cors",
        "Accept=text/html;q=0, application/json"
      })
  void protectedPathWhenNotABrowserNavigationThen401(String header) throws Exception {
    String[] kv = header.split("=", 2);

    HttpResponse<String> r = browser.get(app.uri("/inbox"), kv[0], kv[1]);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(r.body()).contains("authentication_required");
    assertThat(browser.cookie(STATE)).isEmpty();
  }

  @Test
  void protectedPathWhenNoAcceptHeaderThenRedirects() throws Exception {
    assertThat(browser.get(app.uri("/inbox")).statusCode()).isEqualTo(302);
    assertThat(browser.get(app.uri("/inbox"), "Accept", "*/*").statusCode()).isEqualTo(302);
  }

  @Test
  void protectedPathWhenCrossSiteNavigationThenSameSiteReloadPage() throws Exception {
    HttpResponse<String> r =
        browser.get(
            app.uri("/inbox?x=1"),
            "Accept",
            TestBrowser.HTML,
            "Sec-Fetch-Site",
            "cross-site",
            "Sec-Fetch-Mode",
            "navigate");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("<meta http-equiv=\"refresh\" content=\"0;url=/inbox?x=1\">");
    assertThat(browser.cookie(STATE)).isEmpty();
  }

  // ------------------------------------------------------------------------------ endpoints

  @Test
  void replyUrlWhenGetThen405() throws Exception {
    HttpResponse<String> r = browser.getPage(app.uri(ACS + "?SAMLResponse=abc"));

    assertFailure(r, 405, "method_not_allowed");
    assertThat(r.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void replyUrlWhenDeflateBombSentByGetThen405WithoutInflating() throws Exception {
    // 4 MiB of zeros deflate to about 4 KB: a Redirect-binding "Response" that would inflate 1000x.
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(9, true);
    deflater.setInput(new byte[4 * 1024 * 1024]);
    deflater.finish();
    byte[] buffer = new byte[64 * 1024];
    int length = deflater.deflate(buffer);
    deflater.end();
    String bomb =
        URLEncoder.encode(
            java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer, length)),
            StandardCharsets.UTF_8);

    HttpResponse<String> r = browser.getPage(app.uri(ACS + "?SAMLResponse=" + bomb));

    assertFailure(r, 405, "method_not_allowed");
  }

  @Test
  void metadataWhenGetThenSpMetadataWithIdentifierAndReplyUrl() throws Exception {
    HttpResponse<String> r = browser.get(app.uri("/saml2/metadata"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/samlmetadata+xml"));
    assertThat(r.body())
        .contains("entityID=\"" + ENTITY_ID + "\"")
        .contains("Location=\"" + app.uri(ACS) + "\"")
        .contains("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
    assertThat(browser.get(app.uri("/saml2/metadata/contoso")).statusCode()).isEqualTo(200);
    assertThat(browser.get(app.uri("/saml2/metadata/other")).statusCode()).isEqualTo(404);
  }

  @Test
  void metadataWhenABrowserAsksThenXmlShownInlineNotDownloaded() throws Exception {
    HttpResponse<String> r = browser.getPage(app.uri("/saml2/metadata"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/xml"));
    assertThat(r.headers().firstValue("Content-Disposition"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("inline"));
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.body()).contains("entityID=\"" + ENTITY_ID + "\"");
  }

  // ------------------------------------------------------------------------------ failures

  static Stream<Arguments> hostileResponses() {
    return Stream.of(
        Arguments.of(
            "wrong audience", op(b -> b.with(Attack.wrongAudience())), 403, "invalid_audience"),
        Arguments.of(
            "wrong destination",
            op(b -> b.with(Attack.wrongDestination())),
            403,
            "invalid_destination"),
        Arguments.of(
            "wrong recipient",
            op(b -> b.with(Attack.wrongRecipient())),
            403,
            "invalid_subject_confirmation"),
        Arguments.of("wrong issuer", op(b -> b.with(Attack.wrongIssuer())), 403, "invalid_issuer"),
        Arguments.of("expired", op(b -> b.with(Attack.expired())), 403, "expired"),
        Arguments.of("not yet valid", op(b -> b.with(Attack.notYetValid())), 403, "not_yet_valid"),
        Arguments.of("unsigned", op(b -> b.with(Attack.unsigned())), 403, "missing_signature"),
        Arguments.of(
            "unknown key",
            op(b -> b.with(Attack.signedWithUnknownKey())),
            403,
            "invalid_signature"),
        Arguments.of(
            "tampered", op(b -> b.with(Attack.tamperedAfterSigning())), 403, "invalid_signature"),
        Arguments.of(
            "sha1",
            op(b -> b.signingAlgorithm(ResponseBuilder.SigningAlgorithm.SHA1)),
            403,
            "disallowed_signature_algorithm"),
        Arguments.of(
            "two assertions",
            op(b -> b.with(Attack.twoAssertions())),
            403,
            "invalid_assertion_count"),
        Arguments.of(
            "unsolicited", op(ResponseBuilder::withoutInResponseTo), 403, "unsolicited_response"),
        Arguments.of(
            "foreign InResponseTo",
            op(b -> b.inResponseTo("_00000000000000000000000000000000")),
            403,
            "unknown_in_response_to"),
        Arguments.of(
            "Entra error status",
            op(b -> b.errorStatus("AADSTS50105", "user not assigned to a role")),
            403,
            "idp_error_status"));
  }

  private static UnaryOperator<ResponseBuilder> op(UnaryOperator<ResponseBuilder> f) {
    return f;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileResponses")
  void replyUrlWhenResponseIsHostileThenFailurePageWithCodeAndNoSession(
      String name, UnaryOperator<ResponseBuilder> edit, int status, String code) throws Exception {
    AuthnRequestInfo info = startAt(browser, "/inbox");

    HttpResponse<String> r = answer(browser, info, edit);

    assertFailure(r, status, code);
    assertThat(r.headers().allValues("Set-Cookie"))
        .anyMatch(c -> c.startsWith(STATE + "=;") && c.contains("Max-Age=0"));
    assertThat(browser.cookie("JSESSIONID")).isEmpty();
    assertThat(browser.getPage(app.uri("/inbox")).statusCode()).isEqualTo(302);
  }

  @Test
  void replyUrlWhenResponseIsNotSamlThenMalformedAndNothingEchoed() throws Exception {
    AuthnRequestInfo info = startAt(browser, "/inbox");
    String hostile =
        java.util.Base64.getEncoder()
            .encodeToString("<script>alert('owned')</script>".getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> r = post(browser, hostile, info.relayState().orElseThrow());
    HttpResponse<String> raw = post(browser, "<script>alert('owned')</script>", "<b>x</b>");

    assertFailure(r, 400, "malformed_response");
    assertThat(raw.statusCode()).isBetween(400, 499);
    assertThat(raw.body()).doesNotContain("<script>alert").doesNotContain("<b>x</b>");
  }

  @Test
  void replyUrlWhenFormLargerThanLimitsThen413ResponseTooLarge() throws Exception {
    AuthnRequestInfo info = startAt(browser, "/inbox");
    String relay = info.relayState().orElseThrow();

    HttpResponse<String> overCore = post(browser, "A".repeat(300 * 1024), relay);
    startAt(browser, "/inbox");
    HttpResponse<String> overForm = post(browser, "A".repeat(900 * 1024), relay);

    assertFailure(overCore, 413, "response_too_large");
    assertFailure(overForm, 413, "response_too_large");
  }

  @Test
  void replyUrlWhenSamlResponseInQueryOrTwiceThenMalformed() throws Exception {
    AuthnRequestInfo info = startAt(browser, "/inbox");
    String response = entra.respondTo(info).build();
    String relay = info.relayState().orElseThrow();

    HttpResponse<String> inQuery =
        browser.post(
            app.uri(ACS + "?SAMLResponse=" + URLEncoder.encode(response, StandardCharsets.UTF_8)),
            Map.of("RelayState", relay));
    startAt(browser, "/inbox");
    HttpResponse<String> twice =
        browser.postRaw(
            app.uri(ACS),
            "SAMLResponse=x&SAMLResponse="
                + URLEncoder.encode(response, StandardCharsets.UTF_8)
                + "&RelayState="
                + relay);

    assertFailure(inQuery, 400, "malformed_response");
    assertFailure(twice, 400, "malformed_response");
  }

  @Test
  void replyUrlWhenUserNotProvisionedThen403UserNotProvisioned() throws Exception {
    AuthnRequestInfo info = startAt(browser, "/inbox");

    HttpResponse<String> r =
        answer(
            browser, info, b -> b.user(TestUser.builder().nameId("Stranger@contoso.com").build()));

    assertFailure(r, 403, "user_not_provisioned");
    assertThat(browser.cookie("JSESSIONID")).isEmpty();
  }

  @Test
  void replyUrlWhenUserInactiveThen403UserInactive() throws Exception {
    AuthnRequestInfo info = startAt(browser, "/inbox");

    HttpResponse<String> r =
        answer(
            browser, info, b -> b.user(TestUser.builder().nameId("Inactive@contoso.com").build()));

    assertFailure(r, 403, "user_inactive");
    assertThat(r.body()).contains("not active");
  }

  // ------------------------------------------------------------------------------ state binding

  @Test
  void replayWhenConsumedResponsePostedAgainThenRejected() throws Exception {
    AuthnRequestInfo info = startAt(browser, "/inbox");
    String response = entra.respondTo(info).build();
    assertThat(post(browser, response, info.relayState().orElseThrow()).statusCode())
        .isEqualTo(303);

    HttpResponse<String> again = post(browser, response, info.relayState().orElseThrow());

    assertFailure(again, 400, "missing_request_state");
  }

  @Test
  void replayWhenConsumedResponseAndItsStateCookieReplayedThenReplayedAssertion() throws Exception {
    AuthnRequestInfo info = startAt(browser, "/inbox");
    HttpCookie captured = browser.cookie(STATE).orElseThrow();
    String response = entra.respondTo(info).build();
    assertThat(post(browser, response, info.relayState().orElseThrow()).statusCode())
        .isEqualTo(303);

    TestBrowser attacker = new TestBrowser();
    attacker.addCookie(app.uri(ACS), captured);
    HttpResponse<String> replay = post(attacker, response, info.relayState().orElseThrow());

    assertFailure(replay, 403, "replayed_assertion");
    assertThat(attacker.cookie("JSESSIONID")).isEmpty();
  }

  @Test
  void replayWhenConsumedResponseAnsweredInNewFlowThenUnknownInResponseTo() throws Exception {
    AuthnRequestInfo info = startAt(browser, "/inbox");
    String response = entra.respondTo(info).build();
    post(browser, response, info.relayState().orElseThrow());
    // A browser signed in would skip Entra at /login; the replayer has a fresh flow of its own.
    TestBrowser replayer = new TestBrowser();
    AuthnRequestInfo fresh = startAt(replayer, "/login");

    HttpResponse<String> replay = post(replayer, response, fresh.relayState().orElseThrow());

    assertFailure(replay, 403, "unknown_in_response_to");
  }

  @Test
  void responseFromAnotherBrowsersFlowThenUnknownInResponseTo() throws Exception {
    TestBrowser victim = new TestBrowser();
    AuthnRequestInfo victimRequest = startAt(victim, "/inbox");
    AuthnRequestInfo attackerRequest = startAt(browser, "/inbox");
    String victimResponse = entra.respondTo(victimRequest).build();

    HttpResponse<String> withOwnRelay =
        post(browser, victimResponse, attackerRequest.relayState().orElseThrow());
    AuthnRequestInfo again = startAt(browser, "/inbox");
    HttpResponse<String> withVictimRelay =
        post(browser, victimResponse, victimRequest.relayState().orElseThrow());

    assertFailure(withOwnRelay, 403, "unknown_in_response_to");
    assertFailure(withVictimRelay, 403, "unknown_in_response_to");
    assertThat(again.id()).isNotEqualTo(victimRequest.id());
    // the victim's own flow is unaffected
    assertThat(post(victim, victimResponse, victimRequest.relayState().orElseThrow()).statusCode())
        .isEqualTo(303);
  }

  @Test
  void replyUrlWhenNoStateCookieThenMissingRequestState() throws Exception {
    AuthnRequestInfo info = startAt(browser, "/inbox");
    TestBrowser other = new TestBrowser();

    HttpResponse<String> r = answer(other, info, x -> x);

    assertFailure(r, 400, "missing_request_state");
  }

  @Test
  void replyUrlWhenStateCookieTamperedThenInvalidRequestState() throws Exception {
    AuthnRequestInfo info = startAt(browser, "/inbox");
    // Over loopback http the state is set twice (the copy without Secure for plain clients).
    for (String name : new String[] {STATE, STATE + "-http"}) {
      HttpCookie original = browser.cookie(name).orElseThrow();
      String v = original.getValue();
      char flipped = v.charAt(3) == 'A' ? 'B' : 'A';
      HttpCookie tampered = new HttpCookie(name, v.substring(0, 3) + flipped + v.substring(4));
      tampered.setPath(ACS);
      tampered.setVersion(0);
      browser.removeCookie(name);
      browser.addCookie(app.uri(ACS), tampered);
    }

    HttpResponse<String> r = answer(browser, info, x -> x);

    assertFailure(r, 400, "invalid_request_state");
  }

  @Test
  void replyUrlWhenRelayStateDiffersThenRelayStateMismatch() throws Exception {
    AuthnRequestInfo info = startAt(browser, "/inbox");
    String response = entra.respondTo(info).build();

    HttpResponse<String> r = post(browser, response, "AAAAAAAAAAAAAAAAAAAAAA");

    assertFailure(r, 400, "relay_state_mismatch");
  }

  @Test
  void replyUrlWhenRelayStateMissingThenRelayStateMismatch() throws Exception {
    AuthnRequestInfo info = startAt(browser, "/inbox");

    HttpResponse<String> r = post(browser, entra.respondTo(info).build(), null);

    assertFailure(r, 400, "relay_state_mismatch");
  }

  // ------------------------------------------------------------------------------ open redirect

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "/%2F%2Fevil.example",
        "/%2f/evil.example",
        "%2F%2Fevil.example",
        "/%5Cevil.example",
        "/%252F%252Fevil.example",
        "/\t/evil.example",
        "/%09/evil.example",
        "/%0d%0aLocation:%20https://evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/ /evil.example",
        "http:/evil.example",
        "/login",
        "/saml2/idpresponse"
      })
  void returnToWhenNotASafeSameOriginPathThenLandsOnRoot(String target) throws Exception {
    String query = "/login?return_to=" + URLEncoder.encode(target, StandardCharsets.UTF_8);

    HttpResponse<String> acs = signIn(browser, query);

    assertThat(acs.statusCode()).isEqualTo(303);
    assertThat(acs.headers().firstValue("Location")).hasValue("/");
  }
}
