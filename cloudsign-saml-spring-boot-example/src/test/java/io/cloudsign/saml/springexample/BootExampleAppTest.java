package io.cloudsign.saml.springexample;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.SignInClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Boot example started as its main starts it (no options: embedded fake Entra), over HTTP. */
class BootExampleAppTest {
  static BootExampleApp.Running app;
  static URI base;

  @BeforeAll
  static void start() throws Exception {
    app = BootExampleApp.start(Options.parse("--port", "0"));
    base = URI.create(app.listeningUrl());
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void listeningUrlNamesLocalhostAndThePort() {
    assertThat(app.listeningUrl()).matches("http://localhost:[0-9]+/");
  }

  @Test
  void signInThenMeIsThePlainExamplesJson() {
    HttpResponse<String> me = SignInClient.create().signIn(base.resolve("/me"), 0);
    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    assertThat(me.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/json");
    assertThat(me.body()).startsWith("{\"nameId\": \"B.Simon@contoso.com\", \"attributes\": {");
    assertThat(me.body()).containsPattern("\"sessionIndex\": \"_[^\"]+\"}$");
  }

  @Test
  void meWithoutSessionRedirectsToTheIdpEvenForApiClients() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(base.resolve("/me"))
                    .header("Accept", "application/json")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(r.headers().firstValue("Location").orElseThrow())
        .startsWith("http://127.0.0.1:")
        .contains("/saml2?SAMLRequest=")
        .containsPattern("[?&]RelayState=[A-Za-z0-9_-]+");
  }

  @Test
  void inactiveAndUnknownUsersAre403WithTheirCodeAndNoSession() {
    SignInClient b = SignInClient.create();
    HttpResponse<String> inactive = b.signIn(base.resolve("/me"), 1);
    assertThat(inactive.statusCode()).isEqualTo(403);
    assertThat(inactive.body()).contains("user_inactive");
    HttpResponse<String> unknown = b.signIn(base.resolve("/me"), 2);
    assertThat(unknown.statusCode()).isEqualTo(403);
    assertThat(unknown.body()).contains("user_not_provisioned");
    assertThat(b.cookies()).noneMatch(c -> c.getName().equals("JSESSIONID"));
  }

  @Test
  void signOutGoesToTheFakeEntraAndComesBackSignedOut() throws Exception {
    java.net.CookieManager jar = new java.net.CookieManager(null, java.net.CookiePolicy.ACCEPT_ALL);
    SignInClient client = SignInClient.create();
    assertThat(client.signIn(base.resolve("/me"), 0).statusCode()).isEqualTo(200);
    client.cookies().forEach(c -> jar.getCookieStore().add(base, c));
    HttpClient browser =
        HttpClient.newBuilder()
            .cookieHandler(jar)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    String home = browser.send(get("/"), HttpResponse.BodyHandlers.ofString()).body();
    java.util.regex.Matcher token =
        java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(home);
    assertThat(token.find()).as(home).isTrue();

    HttpResponse<String> out =
        browser.send(
            HttpRequest.newBuilder(base.resolve("/logout"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + token.group(1)))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(out.previousResponse().map(HttpResponse::uri).map(URI::getPath))
        .as("back from the fake Entra at the Logout Url")
        .hasValue(BootExampleApp.LOGOUT_URL_PATH);
    assertThat(out.uri().getPath()).isEqualTo("/");
    assertThat(browser.send(get("/me"), HttpResponse.BodyHandlers.ofString()).body())
        .as("signed out: /me starts a new sign-in at the fake Entra")
        .doesNotContain("B.Simon@contoso.com\", \"attributes");
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).build();
  }

  @Test
  void replyUrlGetIs405AndMetadataNamesTheReplyUrl() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    assertThat(
            http.send(
                    HttpRequest.newBuilder(base.resolve("/saml2/idpresponse")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(405);
    HttpResponse<String> md =
        http.send(
            HttpRequest.newBuilder(base.resolve("/saml2/metadata")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(md.statusCode()).isEqualTo(200);
    assertThat(md.body())
        .contains(base.resolve("/saml2/idpresponse").toString().replace("127.0.0.1", "localhost"));
  }
}
