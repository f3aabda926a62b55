package io.cloudsign.saml.servlet;

import static io.cloudsign.saml.servlet.SamlSsoFilterTest.ACS;
import static io.cloudsign.saml.servlet.SamlSsoFilterTest.ENTITY_ID;
import static io.cloudsign.saml.servlet.SamlSsoFilterTest.STATE;
import static io.cloudsign.saml.servlet.SamlSsoFilterTest.assertFailure;
import static io.cloudsign.saml.servlet.SamlSsoFilterTest.idp;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.core.VerifiedAssertion;
import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestClock;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The request-state cookie as an attacker meets it: kept past its lifetime, planted from another
 * deployment or registration, posted to another tenant's host. Real Jetty, real HTTP, real
 * signatures from the fake Entra.
 */
class RequestStateTest {
  static LocalUser anyone(VerifiedAssertion identity) {
    return LocalUser.of(identity.nameId());
  }

  static HttpResponse<String> post(TestBrowser b, URI uri, String response, String relay)
      throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("SAMLResponse", response);
    form.put("RelayState", relay);
    return b.post(uri, form);
  }

  static AuthnRequestInfo startAt(TestBrowser b, FakeEntra idp, URI page) throws Exception {
    HttpResponse<String> r = b.getPage(page);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
    return idp.parseRedirect(r.headers().firstValue("Location").orElseThrow());
  }

  // ------------------------------------------------------------------------------ expiry

  @Test
  void replyUrlWhenEveryPendingSignInExpiredThenRequestStateExpiredWithoutReadingTheResponse()
      throws Exception {
    TestClock clock = TestClock.atNow();
    FakeEntra entra = FakeEntra.builder().clock(clock).build();
    try (TestApp app =
        TestApp.start(
            base ->
                SamlSsoFilter.builder(
                        ServiceProvider.builder()
                            .registration(
                                Registration.builder("contoso")
                                    .entityId(ENTITY_ID)
                                    .replyUrl(base + ACS)
                                    .identityProvider(idp(entra))
                                    .build())
                            .clock(clock)
                            .build(),
                        RequestStateTest::anyone)
                    .build())) {
      TestBrowser client = new TestBrowser();
      AuthnRequestInfo info = startAt(client, entra, app.uri("/inbox"));
      HttpCookie state = client.cookie(STATE).orElseThrow(); // a script keeps it past Max-Age
      String relay = info.relayState().orElseThrow();
      String genuine = entra.respondTo(info).build();
      String notSaml =
          Base64.getEncoder().encodeToString("<not-a-response/>".getBytes(StandardCharsets.UTF_8));
      clock.advance(Duration.ofMinutes(15)); // ServiceProvider's default pendingRequestLifetime

      HttpResponse<String> malformed = post(client, app.uri(ACS), notSaml, relay);
      client.addCookie(app.uri(ACS), state);
      HttpResponse<String> valid = post(client, app.uri(ACS), genuine, relay);

      // core would say malformed_response for the first: the filter never handed it the body
      assertFailure(malformed, 400, "request_state_expired");
      assertFailure(valid, 400, "request_state_expired");
      assertThat(malformed.headers().allValues("Set-Cookie"))
          .anyMatch(c -> c.startsWith(STATE + "=;") && c.contains("Max-Age=0"));
    }
  }

  @Test
  void replyUrlWhenPendingSignInExpiresInASecondThenStillSignsIn() throws Exception {
    TestClock clock = TestClock.atNow();
    FakeEntra entra = FakeEntra.builder().clock(clock).build();
    try (TestApp app =
        TestApp.start(
            base ->
                SamlSsoFilter.builder(
                        ServiceProvider.builder()
                            .registration(
                                Registration.builder("contoso")
                                    .entityId(ENTITY_ID)
                                    .replyUrl(base + ACS)
                                    .identityProvider(idp(entra))
                                    .build())
                            .clock(clock)
                            .build(),
                        RequestStateTest::anyone)
                    .build())) {
      TestBrowser browser = new TestBrowser();
      AuthnRequestInfo info = startAt(browser, entra, app.uri("/inbox"));
      clock.advance(Duration.ofMinutes(15).minusSeconds(1));

      HttpResponse<String> r =
          post(browser, app.uri(ACS), entra.respondTo(info).build(), info.relayState().get());

      assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
    }
  }

  // ------------------------------------------------------------------------------ rotation

  static final byte[] NEW_KEY = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);

  /**
   * A node of a cluster whose Reply URL is the same on every node (the load balancer's), with state
   * key {@code key} and {@code previous} keys of earlier rotations.
   */
  static TestApp node(byte[] key, byte[]... previous) throws Exception {
    return TestApp.start(
        base ->
            SamlSsoFilter.builder(clusterServiceProvider(), RequestStateTest::anyone)
                .stateKey(key)
                .previousStateKeys(previous)
                .build());
  }

  /** The registration every node serves, Reply URL included (the load balancer's). */
  static ServiceProvider clusterServiceProvider() {
    return ServiceProvider.builder()
        .registration(
            Registration.builder("contoso")
                .entityId(ENTITY_ID)
                .replyUrl("http://localhost:8443" + ACS)
                .identityProvider(idp(contoso))
                .build())
        .build();
  }

  @Test
  void stateKeyRotatedWhileASignInIsInFlightThenThePreviousKeyStillCompletesIt() throws Exception {
    try (TestApp before = node(SHARED_KEY);
        TestApp rotated = node(NEW_KEY, SHARED_KEY);
        TestApp oldKeyDropped = node(NEW_KEY)) {
      TestBrowser browser = new TestBrowser();
      AuthnRequestInfo info = startAt(browser, contoso, before.uri("/inbox"));
      HttpCookie minted = browser.cookie(STATE).orElseThrow();

      TestBrowser onRotated = new TestBrowser();
      onRotated.addCookie(rotated.uri(ACS), planted(minted));
      HttpResponse<String> completed =
          post(
              onRotated,
              rotated.uri(ACS),
              contoso.respondTo(info).build(),
              info.relayState().get());
      assertThat(completed.statusCode()).as(completed.body()).isEqualTo(303);

      TestBrowser late = new TestBrowser();
      AuthnRequestInfo second = startAt(late, contoso, before.uri("/inbox"));
      TestBrowser onDropped = new TestBrowser();
      onDropped.addCookie(oldKeyDropped.uri(ACS), planted(late.cookie(STATE).orElseThrow()));
      assertFailure(
          post(
              onDropped,
              oldKeyDropped.uri(ACS),
              contoso.respondTo(second).build(),
              second.relayState().get()),
          400,
          "invalid_request_state");
    }
  }

  @Test
  void stateCookieOfAKeyThisNodeLacksThenTheLogNamesBothNodesKeyIds() throws Exception {
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (TestApp a = node(SHARED_KEY);
        TestApp b = node(NEW_KEY)) {
      TestBrowser browser = new TestBrowser();
      AuthnRequestInfo info = startAt(browser, contoso, a.uri("/inbox"));
      TestBrowser onB = new TestBrowser();
      onB.addCookie(b.uri(ACS), planted(browser.cookie(STATE).orElseThrow()));
      System.setErr(new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8));
      try {
        assertFailure(
            post(onB, b.uri(ACS), contoso.respondTo(info).build(), info.relayState().get()),
            400,
            "invalid_request_state");
      } finally {
        System.setErr(original);
      }
    }
    String kidA = io.cloudsign.saml.servlet.internal.StateCookieCodec.keyId(SHARED_KEY);
    String kidB = io.cloudsign.saml.servlet.internal.StateCookieCodec.keyId(NEW_KEY);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("signed with state key id " + kidA + ", which this node does not have")
        .contains("(its keys: [" + kidB + "])");
  }

  @Test
  void previousStateKeysWithoutACurrentKeyOrTooShortAreRefused() {
    ServiceProvider sp = clusterServiceProvider();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                SamlSsoFilter.builder(sp, RequestStateTest::anyone)
                    .previousStateKeys(SHARED_KEY)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("previousStateKeys needs a stateKey");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                SamlSsoFilter.builder(sp, RequestStateTest::anyone).previousStateKeys(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32 bytes");
  }

  @Test
  void noStateKeyThenALoudWarningSaysWhatBreaks() {
    ServiceProvider sp = clusterServiceProvider();
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      SamlSsoFilter.builder(sp, RequestStateTest::anyone).stateKey(SHARED_KEY).build();
      assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("no stateKey");
      SamlSsoFilter.builder(sp, RequestStateTest::anyone).build();
    } finally {
      System.setErr(original);
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("WARN")
        .contains("no stateKey configured")
        .contains("second node")
        .contains("invalid_request_state");
  }

  // ------------------------------------------------------------------------------ binding

  static final byte[] SHARED_KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

  static FakeEntra contoso = FakeEntra.create();

  /** An app with one registration {@code id} at {@code replyUrl(base)}, state key {@code key}. */
  static TestApp app(String id, java.util.function.UnaryOperator<String> replyUrl, byte[] key)
      throws Exception {
    return TestApp.start(
        base ->
            SamlSsoFilter.builder(
                    ServiceProvider.builder()
                        .registration(
                            Registration.builder(id)
                                .entityId(ENTITY_ID)
                                .replyUrl(replyUrl.apply(base))
                                .identityProvider(idp(contoso))
                                .build())
                        .build(),
                    RequestStateTest::anyone)
                .stateKey(key)
                .build());
  }

  @Test
  void startSignInWhenReplyUrlIsHttpsThenHostPrefixedCookieAtRootThatCompletesSignIn()
      throws Exception {
    // The filter answers the Reply URL path whatever the scheme: a plain-http server stands in for
    // the TLS terminator in front of an https deployment.
    try (TestApp app = app("contoso", base -> base.replace("http:", "https:") + ACS, SHARED_KEY)) {
      TestBrowser browser = new TestBrowser();
      HttpResponse<String> start = browser.getPage(app.uri("/inbox"));
      AuthnRequestInfo info =
          contoso.parseRedirect(start.headers().firstValue("Location").orElseThrow());
      String name = "__Host-" + STATE + "-" + StateCookie.pathTag(ACS);

      HttpResponse<String> acs =
          post(browser, app.uri(ACS), contoso.respondTo(info).build(), info.relayState().get());

      assertThat(info.assertionConsumerServiceUrl()).startsWith("https://localhost:");
      assertThat(start.headers().allValues("Set-Cookie"))
          .filteredOn(c -> c.contains("Max-Age"))
          .singleElement()
          .satisfies(
              c ->
                  assertThat(c)
                      .startsWith(name + "=")
                      .contains("; Path=/;")
                      .contains("; Secure")
                      .contains("; HttpOnly")
                      .contains("; SameSite=None")
                      .doesNotContainIgnoringCase("Domain"));
      assertThat(acs.statusCode()).as(acs.body()).isEqualTo(303);
      assertThat(acs.headers().allValues("Set-Cookie"))
          .anyMatch(c -> c.startsWith(name + "=; Path=/;") && c.contains("Max-Age=0"));
    }
  }

  @Test
  void stateCookieWhenMintedForAnotherReplyUrlWithTheSameKeyThenInvalidRequestState()
      throws Exception {
    // Two deployments sharing a stateKey (staging and production, two apps of one company):
    // the same registration id and Reply URL path, another Reply URL.
    try (TestApp first = app("contoso", base -> base + ACS, SHARED_KEY);
        TestApp second = app("contoso", base -> base + ACS, SHARED_KEY)) {
      TestBrowser attacker = new TestBrowser();
      AuthnRequestInfo info = startAt(attacker, contoso, first.uri("/inbox"));
      HttpCookie minted = attacker.cookie(STATE).orElseThrow();
      TestBrowser victim = new TestBrowser();
      victim.addCookie(second.uri(ACS), planted(minted));

      HttpResponse<String> r =
          post(victim, second.uri(ACS), contoso.respondTo(info).build(), info.relayState().get());

      assertFailure(r, 400, "invalid_request_state");
    }
  }

  @Test
  void stateCookieWhenMintedForAnotherRegistrationWithTheSameKeyThenInvalidRequestState()
      throws Exception {
    try (TestApp first = app("contoso", base -> base + ACS, SHARED_KEY);
        TestApp second = app("fabrikam", base -> base + ACS, SHARED_KEY)) {
      TestBrowser attacker = new TestBrowser();
      AuthnRequestInfo info = startAt(attacker, contoso, first.uri("/inbox"));
      HttpCookie minted = attacker.cookie(STATE).orElseThrow();
      TestBrowser victim = new TestBrowser();
      victim.addCookie(second.uri(ACS), planted(minted));

      HttpResponse<String> r =
          post(victim, second.uri(ACS), contoso.respondTo(info).build(), info.relayState().get());

      assertFailure(r, 400, "invalid_request_state");
    }
  }

  /** The minted value as a cookie an attacker plants at the Reply URL path. */
  private static HttpCookie planted(HttpCookie minted) {
    HttpCookie c = new HttpCookie(minted.getName(), minted.getValue());
    c.setPath(ACS);
    c.setVersion(0);
    return c;
  }

  // ------------------------------------------------------------------------------ host

  static FakeEntra tenantA = FakeEntra.create();
  static FakeEntra tenantB = FakeEntra.create();

  /**
   * One app serving two customer tenants told apart by host, with the same Reply URL path: tenant A
   * at {@code localhost}, tenant B at {@code 127.0.0.1} (both loopback names of one server).
   */
  static TestApp twoTenantsByHost(boolean requireReplyUrlHost) throws Exception {
    return TestApp.start(
        base ->
            SamlSsoFilter.builder(
                    ServiceProvider.builder()
                        .registration(
                            Registration.builder("tenant-a")
                                .entityId("urn:example:tenant-a")
                                .replyUrl(base + ACS)
                                .identityProvider(idp(tenantA))
                                .build())
                        .registration(
                            Registration.builder("tenant-b")
                                .entityId("urn:example:tenant-b")
                                .replyUrl(base.replace("localhost", "127.0.0.1") + ACS)
                                .identityProvider(idp(tenantB))
                                .build())
                        .build(),
                    RequestStateTest::anyone)
                .registrationSelector(
                    (request, sp) ->
                        Optional.of(
                            request.getServerName().equals("localhost") ? "tenant-a" : "tenant-b"))
                .requireReplyUrlHost(requireReplyUrlHost)
                .build());
  }

  /** Tenant A's genuine Response and state cookie, posted by another browser to tenant B's host. */
  static HttpResponse<String> tenantAResponsePostedToTenantBHost(TestApp app) throws Exception {
    TestBrowser attacker = new TestBrowser();
    AuthnRequestInfo info = startAt(attacker, tenantA, app.uri("/inbox"));
    assertThat(info.assertionConsumerServiceUrl()).isEqualTo(app.uri(ACS).toString());
    HttpCookie minted = attacker.cookie(STATE).orElseThrow();
    URI hostB = URI.create("http://127.0.0.1:" + app.port() + ACS);
    TestBrowser other = new TestBrowser();
    other.addCookie(hostB, planted(minted));
    return post(other, hostB, tenantA.respondTo(info).build(), info.relayState().get());
  }

  @Test
  void replyUrlWhenRequireReplyUrlHostAndTenantAResponsePostedToTenantBHostThenHostMismatch()
      throws Exception {
    try (TestApp app = twoTenantsByHost(true)) {
      HttpResponse<String> r = tenantAResponsePostedToTenantBHost(app);

      assertFailure(r, 400, "reply_url_host_mismatch");
    }
  }

  @Test
  void replyUrlWhenRequireReplyUrlHostAndPostedToItsOwnHostThenSignsIn() throws Exception {
    try (TestApp app = twoTenantsByHost(true)) {
      TestBrowser browser = new TestBrowser();
      AuthnRequestInfo a = startAt(browser, tenantA, app.uri("/inbox"));
      HttpResponse<String> signedInA =
          post(browser, app.uri(ACS), tenantA.respondTo(a).build(), a.relayState().get());
      URI hostB = URI.create("http://127.0.0.1:" + app.port());
      AuthnRequestInfo b = startAt(browser, tenantB, hostB.resolve("/inbox"));
      HttpResponse<String> signedInB =
          post(browser, hostB.resolve(ACS), tenantB.respondTo(b).build(), b.relayState().get());

      assertThat(signedInA.statusCode()).as(signedInA.body()).isEqualTo(303);
      assertThat(signedInB.statusCode()).as(signedInB.body()).isEqualTo(303);
      assertThat(browser.getPage(hostB.resolve("/inbox")).body()).contains("registration=tenant-b");
    }
  }

  @Test
  void replyUrlWhenRequireReplyUrlHostOffThenTenantAResponseOnTenantBHostSignsInAsTenantA()
      throws Exception {
    // The default, kept for deployments whose container does not see the browser's Host.
    try (TestApp app = twoTenantsByHost(false)) {
      HttpResponse<String> r = tenantAResponsePostedToTenantBHost(app);

      assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
    }
  }

  // ------------------------------------------------------------------------------ signed in

  @Test
  void signOnUrlWhenSignedInWithThatRegistrationThenReturnPathWithoutEntra() throws Exception {
    try (TestApp app = twoTenantsByQuery()) {
      TestBrowser browser = new TestBrowser();
      AuthnRequestInfo a = startAt(browser, tenantA, app.uri("/login?tenant=a"));
      post(browser, app.uri(ACS), tenantA.respondTo(a).build(), a.relayState().get());

      HttpResponse<String> again = browser.getPage(app.uri("/login?tenant=a&return_to=/inbox"));

      assertThat(again.statusCode()).as(again.body()).isEqualTo(303);
      assertThat(again.headers().firstValue("Location")).hasValue("/inbox");
    }
  }

  @Test
  void signOnUrlWhenSignedInWithAnotherRegistrationThenSignInStartsThere() throws Exception {
    try (TestApp app = twoTenantsByQuery()) {
      TestBrowser browser = new TestBrowser();
      AuthnRequestInfo a = startAt(browser, tenantA, app.uri("/login?tenant=a"));
      post(browser, app.uri(ACS), tenantA.respondTo(a).build(), a.relayState().get());

      AuthnRequestInfo b = startAt(browser, tenantB, app.uri("/login?tenant=b"));

      assertThat(b.issuer()).isEqualTo("urn:example:tenant-b");
    }
  }

  /** Two tenants on one host and Reply URL, the sign-in's tenant named by {@code ?tenant=}. */
  static TestApp twoTenantsByQuery() throws Exception {
    return TestApp.start(
        base ->
            SamlSsoFilter.builder(
                    ServiceProvider.builder()
                        .registration(
                            Registration.builder("tenant-a")
                                .entityId("urn:example:tenant-a")
                                .replyUrl(base + ACS)
                                .identityProvider(idp(tenantA))
                                .build())
                        .registration(
                            Registration.builder("tenant-b")
                                .entityId("urn:example:tenant-b")
                                .replyUrl(base + ACS)
                                .identityProvider(idp(tenantB))
                                .build())
                        .build(),
                    RequestStateTest::anyone)
                .registrationSelector(
                    (request, sp) ->
                        Optional.ofNullable(request.getParameter("tenant")).map(t -> "tenant-" + t))
                .build());
  }
}
