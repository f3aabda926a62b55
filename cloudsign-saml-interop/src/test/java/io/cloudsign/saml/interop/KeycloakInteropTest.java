package io.cloudsign.saml.interop;

import static io.cloudsign.saml.interop.SimpleSamlPhpInteropTest.assertLogoutCompleted;
import static io.cloudsign.saml.interop.SimpleSamlPhpInteropTest.follow;
import static io.cloudsign.saml.interop.SimpleSamlPhpInteropTest.withFlippedSignatureByte;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.examplecontract.ExampleProcess;
import io.cloudsign.saml.examplecontract.TestBrowser;
import io.cloudsign.saml.interop.SimpleSamlPhp.RemoteSp;
import io.cloudsign.saml.interop.SimpleSamlPhp.Signing;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example app, started as its users start it (its main class in a separate JVM) with {@code
 * --idp-metadata} at the realm's SAML descriptor, signs users in and out at a real Keycloak 26 over
 * real HTTP: the browser fills Keycloak's login form and submits its auto-POST form, as a user's
 * browser would. One Keycloak (one realm) serves the whole class; each test's app is one SAML
 * client there, with its own signing settings.
 */
class KeycloakInteropTest {
  static final String USER = "alice";
  static final String PASSWORD = "correct horse battery staple";
  static final String EMAIL = "alice@example.org";
  private static final Pattern ASSERTION = Pattern.compile("<(\\w+:)?Assertion[\\s>]");
  private static final Pattern SIGNATURE = Pattern.compile("<(\\w+:)?Signature[\\s>]");

  @TempDir static Path dir;
  static Keycloak idp;
  static Path spKeyPem;
  static Path spCertPem;
  static final Map<Signing, RemoteSp> BY_SIGNING = new EnumMap<>(Signing.class);
  static RemoteSp signedRequests;

  @BeforeAll
  static void startKeycloak() throws Exception {
    KeyPair spKeys = SimpleSamlPhp.rsaKeys();
    X509Certificate spCert = SimpleSamlPhp.selfSigned(spKeys, "CN=cloudsign-interop-sp");
    spKeyPem = dir.resolve("sp-key.pem");
    spCertPem = dir.resolve("sp-cert.pem");
    Files.writeString(spKeyPem, SimpleSamlPhp.pem("PRIVATE KEY", spKeys.getPrivate().getEncoded()));
    Files.writeString(spCertPem, SimpleSamlPhp.pem("CERTIFICATE", spCert.getEncoded()));
    List<RemoteSp> sps = new ArrayList<>();
    for (Signing s : Signing.values()) {
      RemoteSp sp = sp("urn:interop:keycloak-signed-" + s.name().toLowerCase(), s, null);
      BY_SIGNING.put(s, sp);
      sps.add(sp);
    }
    signedRequests = sp("urn:interop:keycloak-signed-requests", Signing.BOTH, spCert);
    sps.add(signedRequests);
    idp = Keycloak.start("cloudsign", USER, PASSWORD, EMAIL, sps);
  }

  private static RemoteSp sp(String entityId, Signing signing, X509Certificate signer)
      throws Exception {
    return new RemoteSp(entityId, "http://localhost:" + SimpleSamlPhp.freePort(), signing, signer);
  }

  @AfterAll
  static void stop() throws Exception {
    if (idp != null) {
      idp.close();
    }
  }

  @Test
  void signInWhenKeycloakSignsTheDocumentAndTheAssertionThenMeShowsTheUser() throws Exception {
    try (ExampleProcess app = start(BY_SIGNING.get(Signing.BOTH))) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();

      assertSignedIn(signIn(b, base, PASSWORD));
    }
  }

  @Test
  void signInWhenKeycloakSignsOnlyTheDocumentThenMeShowsTheUser() throws Exception {
    try (ExampleProcess app = start(BY_SIGNING.get(Signing.RESPONSE))) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();

      assertSignedIn(signIn(b, base, PASSWORD));
    }
  }

  @Test
  void signInWhenKeycloakSignsOnlyTheAssertionThenMeShowsTheUser() throws Exception {
    try (ExampleProcess app = start(BY_SIGNING.get(Signing.ASSERTION))) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();

      assertSignedIn(signIn(b, base, PASSWORD));
    }
  }

  @Test
  void signInWhenThePasswordIsWrongThenKeycloakShowsItsErrorAndTheAppHasNoSession()
      throws Exception {
    try (ExampleProcess app = start(BY_SIGNING.get(Signing.BOTH))) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();

      HttpResponse<String> page = signIn(b, base, "wrong password");

      assertThat(page.body())
          .contains("Invalid username or password")
          .doesNotContain("SAMLResponse");
      assertThat(b.get(base.resolve("/me")).statusCode()).isEqualTo(302);
    }
  }

  /**
   * SP-initiated logout with unsigned requests: POST /logout sends a LogoutRequest to Keycloak's
   * SAML endpoint, whose LogoutResponse (Redirect binding, signed: "Sign documents" is on for this
   * client) at /saml2/logout ends with the app's 303; /me then starts a new sign-in.
   */
  @Test
  void logoutGoesThroughKeycloakAndItsSignedLogoutResponseIsAccepted() throws Exception {
    try (ExampleProcess app = start(BY_SIGNING.get(Signing.BOTH))) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();
      assertSignedIn(signIn(b, base, PASSWORD));

      String back = logOutAtKeycloak(b, base);
      assertThat(back).contains("&SigAlg=").contains("&Signature=");
      assertLogoutCompleted(b, base, back);
    }
  }

  /**
   * With only "Sign assertions" on, Keycloak's LogoutResponse carries no signature; the app, which
   * sent an unsigned LogoutRequest, accepts it as it does SimpleSAMLphp's.
   */
  @Test
  void logoutWhenKeycloakSignsOnlyAssertionsThenItsUnsignedLogoutResponseIsAccepted()
      throws Exception {
    try (ExampleProcess app = start(BY_SIGNING.get(Signing.ASSERTION))) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();
      assertSignedIn(signIn(b, base, PASSWORD));

      String back = logOutAtKeycloak(b, base);
      assertThat(back).doesNotContain("Signature=");
      assertLogoutCompleted(b, base, back);
    }
  }

  /**
   * With --sp-key/--sp-cert the app signs its AuthnRequest and LogoutRequest (Redirect binding);
   * Keycloak, with "Client signature required" and the app's certificate, verifies both (a changed
   * AuthnRequest signature byte gets its error page instead of the login form) and answers.
   */
  @Test
  void signedAuthnRequestAndLogoutRequestAreVerifiedByKeycloak() throws Exception {
    try (ExampleProcess app =
        start(signedRequests, "--sp-key", spKeyPem.toString(), "--sp-cert", spCertPem.toString())) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();
      String toIdp = b.get(base.resolve("/me")).headers().firstValue("Location").orElseThrow();
      assertThat(toIdp).contains("SAMLRequest=").contains("SigAlg=").contains("&Signature=");
      int mark = idp.logMark();
      assertRefusedByKeycloak(follow(b, URI.create(withFlippedSignatureByte(toIdp))), mark);

      assertSignedIn(signIn(b, base, PASSWORD));
      String back = logOutAtKeycloak(b, base);
      assertThat(back).contains("&SigAlg=").contains("&Signature=");
      assertLogoutCompleted(b, base, back);
    }
  }

  /** The client requires signed requests: the same app without --sp-key gets no login form. */
  @Test
  void unsignedAuthnRequestIsRefusedWhenKeycloakRequiresClientSignatures() throws Exception {
    try (ExampleProcess app = start(signedRequests)) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();
      String toIdp = b.get(base.resolve("/me")).headers().firstValue("Location").orElseThrow();
      assertThat(toIdp).contains("SAMLRequest=").doesNotContain("Signature=");

      int mark = idp.logMark();
      assertRefusedByKeycloak(follow(b, URI.create(toIdp)), mark);
    }
  }

  /**
   * Keycloak's LogoutResponse with one byte of its Redirect-binding signature changed is refused
   * with logout_invalid_signature (the app verifies it over the raw query).
   */
  @Test
  void logoutResponseWithAForgedSignatureIsRefused() throws Exception {
    try (ExampleProcess app = start(BY_SIGNING.get(Signing.BOTH))) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();
      assertSignedIn(signIn(b, base, PASSWORD));
      String back = logOutAtKeycloak(b, base);

      HttpResponse<String> forged = b.get(URI.create(withFlippedSignatureByte(back)));

      assertThat(forged.statusCode()).as(forged.body()).isEqualTo(400);
      assertThat(forged.body()).contains("logout_invalid_signature");
    }
  }

  private static ExampleProcess start(RemoteSp sp, String... extra) throws Exception {
    return InteropApps.start(sp, idp.metadataUrl(), extra);
  }

  /**
   * GET /me → Keycloak's login form, filled with {@link #USER} and {@code password}; when it
   * answers with its auto-POST form, its SAMLResponse is checked to be signed where the app's
   * client says, the form is posted to the app and, after the app's 303, GET /me is returned;
   * otherwise Keycloak's page.
   */
  private static HttpResponse<String> signIn(TestBrowser b, URI base, String password)
      throws Exception {
    HttpResponse<String> me = b.get(base.resolve("/me"));
    assertThat(me.statusCode()).as("GET /me without a session").isEqualTo(302);
    URI at = URI.create(me.headers().firstValue("Location").orElseThrow());
    assertThat(at.toString()).startsWith(idp.samlEndpoint() + "?");
    HttpResponse<String> page = follow(b, at);
    assertThat(page.statusCode()).as(page.body() + "\n" + idp.logs()).isEqualTo(200);
    HtmlForm login = HtmlForm.first(page.uri(), page.body());
    assertThat(login.fields()).containsKeys("username", "password");
    HttpResponse<String> answer =
        b.post(login.action(), login.with("username", USER).with("password", password).fields());
    if (!answer.body().contains("name=\"SAMLResponse\"")) {
      return answer;
    }
    HtmlForm post = HtmlForm.first(answer.uri(), answer.body());
    assertThat(post.action()).isEqualTo(base.resolve("/saml2/idpresponse"));
    assertSignedAsConfigured(post.fields().get("SAMLResponse"), base);
    HttpResponse<String> acs = b.post(post.action(), post.fields());
    assertThat(acs.statusCode()).as(acs.body()).isEqualTo(303);
    return b.get(base.resolve("/me"));
  }

  /**
   * The Response has its own signature ("Sign documents") and its Assertion one ("Sign assertions")
   * exactly as the client of the app at {@code base} is configured.
   */
  private static void assertSignedAsConfigured(String samlResponse, URI base) {
    Signing expected =
        Stream.concat(BY_SIGNING.values().stream(), Stream.of(signedRequests))
            .filter(sp -> URI.create(sp.baseUrl()).getPort() == base.getPort())
            .findFirst()
            .orElseThrow()
            .signing();
    String xml =
        new String(java.util.Base64.getDecoder().decode(samlResponse), StandardCharsets.UTF_8);
    Matcher assertion = ASSERTION.matcher(xml);
    assertThat(assertion.find()).as(xml).isTrue();
    int end = xml.indexOf("Assertion>", assertion.end());
    Matcher signature = SIGNATURE.matcher(xml);
    boolean responseSigned = signature.find() && signature.start() < assertion.start();
    boolean assertionSigned = signature.find(assertion.end()) && signature.start() < end;
    assertThat(responseSigned).as("Response signed: " + xml).isEqualTo(expected.response);
    assertThat(assertionSigned).as("Assertion signed: " + xml).isEqualTo(expected.assertion);
  }

  private static void assertSignedIn(HttpResponse<String> me) {
    assertThat(me.statusCode()).as(me.body() + "\n" + idp.logs()).isEqualTo(200);
    assertThat(me.body()).startsWith("{\"nameId\": \"" + EMAIL + "\"");
  }

  /**
   * Keycloak's error page for a refused request (no login form, no SAMLResponse), and its log since
   * {@code mark} names the failed check: the signature.
   */
  private static void assertRefusedByKeycloak(HttpResponse<String> page, int mark) {
    assertThat(page.statusCode()).as(page.body()).isEqualTo(400);
    assertThat(idp.logSince(mark)).contains("error=\"invalid_signature\"");
    assertThat(page.body())
        .contains("Invalid requester")
        .doesNotContain("name=\"password\"")
        .doesNotContain("SAMLResponse");
  }

  /**
   * POST /logout → Keycloak's SAML endpoint → the URL of its LogoutResponse (Redirect binding) at
   * /saml2/logout, not yet visited. The app's own session already ended at the POST.
   */
  private static String logOutAtKeycloak(TestBrowser b, URI base) throws Exception {
    HttpResponse<String> out =
        b.post(base.resolve("/logout"), Map.of(), "Sec-Fetch-Site", "same-origin");
    String toIdp = out.headers().firstValue("Location").orElseThrow();
    assertThat(toIdp).startsWith(idp.samlEndpoint() + "?").contains("SAMLRequest=");
    assertThat(b.get(base.resolve("/me")).statusCode()).isEqualTo(302);
    HttpResponse<String> atIdp = b.getPage(URI.create(toIdp));
    String back = atIdp.headers().firstValue("Location").orElse("");
    for (int i = 0; i < 5 && back.startsWith(idp.entityId()); i++) {
      atIdp = b.getPage(URI.create(back));
      back = atIdp.headers().firstValue("Location").orElse("");
    }
    assertThat(atIdp.statusCode()).as(atIdp.body() + "\n" + idp.logs()).isEqualTo(302);
    assertThat(back).startsWith(base.resolve("/saml2/logout").toString()).contains("SAMLResponse=");
    return back;
  }
}
