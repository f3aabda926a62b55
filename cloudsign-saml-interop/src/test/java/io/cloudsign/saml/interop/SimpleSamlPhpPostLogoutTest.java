package io.cloudsign.saml.interop;

import static io.cloudsign.saml.interop.SimpleSamlPhpInteropTest.EMAIL;
import static io.cloudsign.saml.interop.SimpleSamlPhpInteropTest.PASSWORD;
import static io.cloudsign.saml.interop.SimpleSamlPhpInteropTest.USER;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.examplecontract.ExampleProcess;
import io.cloudsign.saml.examplecontract.TestBrowser;
import io.cloudsign.saml.interop.SimpleSamlPhp.RemoteSp;
import io.cloudsign.saml.interop.SimpleSamlPhp.Signing;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example app at a real SimpleSAMLphp 1.19 whose SP entry lists the app's Logout Url with the
 * HTTP-POST binding: SimpleSAMLphp then posts its logout messages, enveloped-signed. An
 * IdP-initiated logout (its {@code SingleLogoutService.php?ReturnTo=}) posts a LogoutRequest that
 * ends the app's session and is answered by HTTP-Redirect; an SP-initiated one comes back as a
 * posted LogoutResponse that the app accepts.
 */
class SimpleSamlPhpPostLogoutTest {
  static SimpleSamlPhp idp;
  static RemoteSp sp;

  @BeforeAll
  static void startSimpleSamlPhp() throws Exception {
    sp =
        new RemoteSp(
            "urn:interop:post-logout",
            "http://localhost:" + SimpleSamlPhp.freePort(),
            Signing.ASSERTION,
            null,
            true);
    idp =
        SimpleSamlPhp.start(
            USER,
            PASSWORD,
            Map.of("uid", USER, "email", EMAIL, "displayName", "Alice Example"),
            List.of(sp));
  }

  @AfterAll
  static void stop() throws Exception {
    if (idp != null) {
      idp.close();
    }
  }

  private static String idpUrl(String script) {
    return idp.entityId().replace("metadata.php", script);
  }

  /** Signs in through SimpleSAMLphp's login form and its auto-POST to the Reply URL. */
  private static void signIn(TestBrowser b, URI base) throws Exception {
    HttpResponse<String> me = b.get(base.resolve("/me"));
    URI at = URI.create(me.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> page = SimpleSamlPhpInteropTest.follow(b, at);
    HtmlForm login = HtmlForm.first(page.uri(), page.body());
    HttpResponse<String> answer =
        b.post(login.action(), login.with("username", USER).with("password", PASSWORD).fields());
    HtmlForm post = HtmlForm.first(answer.uri(), answer.body());
    HttpResponse<String> acs = b.post(post.action(), post.fields());
    assertThat(acs.statusCode()).as(acs.body() + "\n" + idp.logs()).isEqualTo(303);
    assertThat(b.get(base.resolve("/me")).statusCode()).isEqualTo(200);
  }

  /** GETs {@code uri}, following redirects within SimpleSAMLphp, until a page or a redirect out. */
  private static HttpResponse<String> withinIdp(TestBrowser b, URI uri) throws Exception {
    HttpResponse<String> r = b.getPage(uri);
    String idpBase = idp.entityId().replace("saml2/idp/metadata.php", "");
    for (int i = 0; i < 8 && r.statusCode() / 100 == 3; i++) {
      URI next = r.uri().resolve(r.headers().firstValue("Location").orElseThrow());
      if (!next.toString().startsWith(idpBase)) {
        return r;
      }
      r = b.getPage(next);
    }
    return r;
  }

  @Test
  void idpInitiatedLogoutPostsASignedLogoutRequestThatEndsTheAppsSession() throws Exception {
    try (ExampleProcess app = InteropApps.start(sp, idp.metadataUrl())) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();
      signIn(b, base);
      String returnTo = base.resolve("/").toString();

      HttpResponse<String> page =
          withinIdp(
              b,
              URI.create(
                  idpUrl("SingleLogoutService.php")
                      + "?ReturnTo="
                      + URLEncoder.encode(returnTo, StandardCharsets.UTF_8)));
      assertThat(page.statusCode()).as(page.body() + "\n" + idp.logs()).isEqualTo(200);
      HtmlForm form = HtmlForm.first(page.uri(), page.body());
      assertThat(form.action()).isEqualTo(base.resolve("/saml2/logout"));
      String xml =
          new String(
              Base64.getMimeDecoder().decode(form.fields().get("SAMLRequest")),
              StandardCharsets.UTF_8);
      assertThat(xml).contains("LogoutRequest").contains("SignatureValue");

      HttpResponse<String> answered = b.post(form.action(), form.fields());

      assertThat(answered.statusCode()).as(answered.body() + "\n" + app.stderr()).isEqualTo(302);
      String back = answered.headers().firstValue("Location").orElseThrow();
      assertThat(back).startsWith(idpUrl("SingleLogoutService.php")).contains("SAMLResponse=");
      assertThat(b.get(base.resolve("/me")).statusCode()).as("signed out").isEqualTo(302);
      HttpResponse<String> done = withinIdp(b, URI.create(back));
      assertThat(done.statusCode() / 100).as(done.body() + "\n" + idp.logs()).isEqualTo(3);
      assertThat(done.headers().firstValue("Location")).hasValue(returnTo);
    }
  }

  @Test
  void spInitiatedLogoutIsAnsweredByAPostedLogoutResponseThatTheAppAccepts() throws Exception {
    try (ExampleProcess app = InteropApps.start(sp, idp.metadataUrl())) {
      URI base = app.awaitListening();
      TestBrowser b = new TestBrowser();
      signIn(b, base);
      HttpResponse<String> out =
          b.post(base.resolve("/logout"), Map.of(), "Sec-Fetch-Site", "same-origin");
      String toIdp = out.headers().firstValue("Location").orElseThrow();

      HttpResponse<String> page = withinIdp(b, URI.create(toIdp));
      assertThat(page.statusCode()).as(page.body() + "\n" + idp.logs()).isEqualTo(200);
      HtmlForm form = HtmlForm.first(page.uri(), page.body());
      assertThat(form.action()).isEqualTo(base.resolve("/saml2/logout"));
      assertThat(form.fields()).containsKey("SAMLResponse");

      HttpResponse<String> done = b.post(form.action(), form.fields());

      assertThat(done.statusCode()).as(done.body() + "\n" + app.stderr()).isEqualTo(303);
      assertThat(done.headers().firstValue("Location")).hasValue("/");
      assertThat(b.get(base.resolve("/me")).statusCode()).isEqualTo(302);
    }
  }
}
