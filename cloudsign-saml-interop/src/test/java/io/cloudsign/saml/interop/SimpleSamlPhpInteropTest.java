package io.cloudsign.saml.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.examplecontract.ExampleProcess;
import io.cloudsign.saml.examplecontract.TestBrowser;
import io.cloudsign.saml.interop.SimpleSamlPhp.RemoteSp;
import io.cloudsign.saml.interop.SimpleSamlPhp.Signing;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example app, started as its users start it (its main class in a separate JVM) with {@code
 * --idp-metadata} at SimpleSAMLphp's metadata URL, signs users in and out at a real SimpleSAMLphp
 * 1.19 IdP over real HTTP: the browser fills SimpleSAMLphp's login form and submits its auto-POST
 * form, as a user's browser would. One SimpleSAMLphp serves the whole class; each test's app has
 * its own SP entity ID there, with its own signing settings.
 */
class SimpleSamlPhpInteropTest {
  static final String USER = "alice";
  static final String PASSWORD = "correct horse battery staple";
  static final String EMAIL = "alice@example.org";

  @TempDir static Path dir;
  static SimpleSamlPhp idp;
  static Path spKeyPem;
  static Path spCertPem;
  static final Map<Signing, RemoteSp> BY_SIGNING = new EnumMap<>(Signing.class);
  static RemoteSp signedRequests;

  @BeforeAll
  static void startSimpleSamlPhp() throws Exception {
    KeyPair spKeys = SimpleSamlPhp.rsaKeys();
    X509Certificate spCert = SimpleSamlPhp.selfSigned(spKeys, "CN=cloudsign-interop-sp");
    spKeyPem = dir.resolve("sp-key.pem");
    spCertPem = dir.resolve("sp-cert.pem");
    Files.writeString(spKeyPem, SimpleSamlPhp.pem("PRIVATE KEY", spKeys.getPrivate().getEncoded()));
    Files.writeString(spCertPem, SimpleSamlPhp.pem("CERTIFICATE", spCert.getEncoded()));
    List<RemoteSp> sps = new ArrayList<>();
    for (Signing s : Signing.values()) {
      RemoteSp sp = sp("urn:interop:signed-" + s.name().toLowerCase(), s, null);
      BY_SIGNING.put(s, sp);
      sps.add(sp);
    }
    signedRequests = sp("urn:interop:signed-requests", Signing.BOTH, spCert);
    sps.add(signedRequests);
    idp =
        SimpleSamlPhp.start(
            USER,
            PASSWORD,
            Map.of("uid", USER, "email", EMAIL, "displayName", "Alice Example"),
            sps);
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
  void signInWhenSimpleSamlPhpSignsTheResponseAndTheAssertionThenMeShowsTheUser() throws Exception {
    try (ExampleProcess app = start(BY_SIGNING.get(Signing.BOTH))) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();

      assertSignedIn(signIn(b, base, PASSWORD));
    }
  }

  @Test
  void signInWhenSimpleSamlPhpSignsOnlyTheResponseThenMeShowsTheUser() throws Exception {
    try (ExampleProcess app = start(BY_SIGNING.get(Signing.RESPONSE))) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();

      assertSignedIn(signIn(b, base, PASSWORD));
    }
  }

  @Test
  void signInWhenSimpleSamlPhpSignsOnlyTheAssertionThenMeShowsTheUser() throws Exception {
    try (ExampleProcess app = start(BY_SIGNING.get(Signing.ASSERTION))) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();

      assertSignedIn(signIn(b, base, PASSWORD));
    }
  }

  @Test
  void signInWhenThePasswordIsWrongThenSimpleSamlPhpShowsItsErrorAndTheAppHasNoSession()
      throws Exception {
    try (ExampleProcess app = start(BY_SIGNING.get(Signing.BOTH))) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();

      HttpResponse<String> page = signIn(b, base, "wrong password");

      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body())
          .contains("Incorrect username or password")
          .doesNotContain("SAMLResponse");
      assertThat(b.get(base.resolve("/me")).statusCode()).isEqualTo(302);
    }
  }

  /**
   * SP-initiated logout with unsigned requests: POST /logout sends a LogoutRequest to
   * SimpleSAMLphp's SingleLogoutService, whose LogoutResponse (Redirect binding, issuer = its
   * entity ID, unsigned: SimpleSAMLphp 1.19 signs logout messages only with {@code sign.logout}) at
   * /saml2/logout ends with the app's 303; /me then starts a new sign-in.
   */
  @Test
  void logoutGoesThroughSimpleSamlPhpAndItsUnsignedLogoutResponseIsAccepted() throws Exception {
    try (ExampleProcess app = start(BY_SIGNING.get(Signing.BOTH))) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();
      assertSignedIn(signIn(b, base, PASSWORD));

      String back = logOutAtSimpleSamlPhp(b, base);
      assertThat(back).doesNotContain("Signature=");
      assertLogoutCompleted(b, base, back);
    }
  }

  /**
   * With --sp-key/--sp-cert the app signs its AuthnRequest and LogoutRequest (Redirect binding);
   * SimpleSAMLphp, given the app's certificate with validate.authnrequest and validate.logout,
   * verifies both (a changed AuthnRequest signature byte gets its error page) and answers; with
   * sign.logout its LogoutResponse carries a Redirect-binding signature, which the app verifies and
   * accepts.
   */
  @Test
  void signedAuthnRequestAndLogoutRequestAreVerifiedBySimpleSamlPhp() throws Exception {
    try (ExampleProcess app =
        start(signedRequests, "--sp-key", spKeyPem.toString(), "--sp-cert", spCertPem.toString())) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();
      String toIdp = b.get(base.resolve("/me")).headers().firstValue("Location").orElseThrow();
      assertThat(toIdp).contains("SAMLRequest=").contains("SigAlg=").contains("&Signature=");
      // SimpleSAMLphp's error page (answered 200 by php -S) names the failed check
      HttpResponse<String> forged = b.getPage(URI.create(withFlippedSignatureByte(toIdp)));
      assertThat(forged.body())
          .contains("Unable to validate signature on query string")
          .doesNotContain("AuthState");

      assertSignedIn(signIn(b, base, PASSWORD));
      String back = logOutAtSimpleSamlPhp(b, base);
      assertThat(back).contains("&SigAlg=").contains("&Signature=");
      assertLogoutCompleted(b, base, back);
    }
  }

  /**
   * SimpleSAMLphp's signed LogoutResponse with one byte of its Redirect-binding signature changed
   * is refused with logout_invalid_signature (the app verifies it over the raw query).
   */
  @Test
  void logoutResponseWithAForgedSignatureIsRefused() throws Exception {
    try (ExampleProcess app =
        start(signedRequests, "--sp-key", spKeyPem.toString(), "--sp-cert", spCertPem.toString())) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();
      assertSignedIn(signIn(b, base, PASSWORD));
      String back = logOutAtSimpleSamlPhp(b, base);

      HttpResponse<String> forged = b.get(URI.create(withFlippedSignatureByte(back)));

      assertThat(forged.statusCode()).as(forged.body()).isEqualTo(400);
      assertThat(forged.body()).contains("logout_invalid_signature");
    }
  }

  private static ExampleProcess start(RemoteSp sp, String... extra) throws Exception {
    return InteropApps.start(sp, idp.metadataUrl(), extra);
  }

  /**
   * GET /me → SimpleSAMLphp's login form, filled with {@link #USER} and {@code password}; when it
   * answers with its auto-POST form, that form is posted to the app and, after the app's 303, GET
   * /me is returned; otherwise SimpleSAMLphp's page.
   */
  private static HttpResponse<String> signIn(TestBrowser b, URI base, String password)
      throws Exception {
    HttpResponse<String> me = b.get(base.resolve("/me"));
    assertThat(me.statusCode()).as("GET /me without a session").isEqualTo(302);
    URI at = URI.create(me.headers().firstValue("Location").orElseThrow());
    assertThat(at.toString()).startsWith(idp.entityId().replace("metadata.php", "SSOService.php"));
    HttpResponse<String> page = follow(b, at);
    assertThat(page.statusCode()).as(idp.logs()).isEqualTo(200);
    HtmlForm login = HtmlForm.first(page.uri(), page.body());
    assertThat(login.fields()).containsKeys("username", "password", "AuthState");
    HttpResponse<String> answer =
        b.post(login.action(), login.with("username", USER).with("password", password).fields());
    if (!answer.body().contains("name=\"SAMLResponse\"")) {
      return answer;
    }
    HtmlForm post = HtmlForm.first(answer.uri(), answer.body());
    assertThat(post.action()).isEqualTo(base.resolve("/saml2/idpresponse"));
    HttpResponse<String> acs = b.post(post.action(), post.fields());
    assertThat(acs.statusCode()).as(acs.body()).isEqualTo(303);
    return b.get(base.resolve("/me"));
  }

  /** GETs {@code uri} and follows redirects (at most 5), as a browser does. */
  static HttpResponse<String> follow(TestBrowser b, URI uri) throws Exception {
    HttpResponse<String> r = b.getPage(uri);
    for (int i = 0; i < 5 && r.statusCode() / 100 == 3; i++) {
      r = b.getPage(r.uri().resolve(r.headers().firstValue("Location").orElseThrow()));
    }
    return r;
  }

  private static void assertSignedIn(HttpResponse<String> me) {
    assertThat(me.statusCode()).as(me.body() + "\n" + idp.logs()).isEqualTo(200);
    assertThat(me.body()).startsWith("{\"nameId\": \"" + EMAIL + "\"");
  }

  /**
   * POST /logout → SimpleSAMLphp's SingleLogoutService (through its own resumelogout.php) → the URL
   * of its LogoutResponse (Redirect binding) at /saml2/logout, not yet visited. The app's own
   * session already ended at the POST.
   */
  private static String logOutAtSimpleSamlPhp(TestBrowser b, URI base) throws Exception {
    HttpResponse<String> out =
        b.post(base.resolve("/logout"), Map.of(), "Sec-Fetch-Site", "same-origin");
    String toIdp = out.headers().firstValue("Location").orElseThrow();
    assertThat(toIdp)
        .startsWith(idp.entityId().replace("metadata.php", "SingleLogoutService.php"))
        .contains("SAMLRequest=");
    assertThat(b.get(base.resolve("/me")).statusCode()).isEqualTo(302);
    HttpResponse<String> atIdp = b.getPage(URI.create(toIdp));
    String back = atIdp.headers().firstValue("Location").orElse("");
    for (int i = 0;
        i < 5 && back.startsWith(idp.entityId().replace("saml2/idp/metadata.php", ""));
        i++) {
      atIdp = b.getPage(URI.create(back));
      back = atIdp.headers().firstValue("Location").orElse("");
    }
    assertThat(atIdp.statusCode()).as(atIdp.body() + "\n" + idp.logs()).isEqualTo(302);
    assertThat(back).startsWith(base.resolve("/saml2/logout").toString()).contains("SAMLResponse=");
    return back;
  }

  /** The LogoutResponse at {@code back} completes the logout: the app's 303 home; /me signs in. */
  static void assertLogoutCompleted(TestBrowser b, URI base, String back) throws Exception {
    HttpResponse<String> done = b.get(URI.create(back));

    assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location")).hasValue("/");
    assertThat(b.get(base.resolve("/me")).statusCode()).isEqualTo(302);
  }

  /** {@code url} with one byte of its {@code Signature} query parameter changed. */
  static String withFlippedSignatureByte(String url) {
    int at = url.indexOf("&Signature=") + "&Signature=".length();
    int end = url.indexOf('&', at);
    String raw = end < 0 ? url.substring(at) : url.substring(at, end);
    byte[] sig = Base64.getDecoder().decode(URLDecoder.decode(raw, StandardCharsets.UTF_8));
    sig[sig.length / 2] ^= 1;
    String forged =
        URLEncoder.encode(Base64.getEncoder().encodeToString(sig), StandardCharsets.UTF_8);
    return url.substring(0, at) + forged + (end < 0 ? "" : url.substring(end));
  }
}
