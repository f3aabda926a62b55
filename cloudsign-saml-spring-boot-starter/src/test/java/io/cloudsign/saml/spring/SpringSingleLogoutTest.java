package io.cloudsign.saml.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.servlet.SamlPrincipal;
import io.cloudsign.saml.servlet.SessionRevocations;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.IdpLogoutRequestBuilder;
import io.cloudsign.saml.testkit.LogoutRequestInfo;
import io.cloudsign.saml.testkit.LogoutResponseBuilder;
import io.cloudsign.saml.testkit.SignInClient;
import io.cloudsign.saml.testkit.TestUser;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Single logout with Entra in a real Boot application (embedded Tomcat) over HTTP, with the
 * testkit's fake Entra: Spring's CSRF-protected {@code POST /logout} sends the browser to Entra,
 * whose LogoutResponse at the Logout Url ({@code sp-logout-url}) completes it; forged answers are
 * refused with their codes; Entra's signed LogoutRequest ends the user's sessions in every browser
 * (the application's {@link SessionRevocations} bean), an unsigned one ends nothing.
 */
@SpringBootTest(
    classes = {TestApp.class, SpringSingleLogoutTest.Store.class},
    webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class SpringSingleLogoutTest {
  static final int PORT = SpringSignInTest.freePort();
  static final String BASE = "http://localhost:" + PORT;
  static final String IDENTIFIER = "urn:amazon:cognito:sp:ap-northeast-1_SLO";
  static final String SLO = "/saml2/logout";

  static final FakeEntraServer ENTRA =
      FakeEntraServer.start(
          FakeEntra.builder()
              .application(IDENTIFIER, BASE + "/saml2/idpresponse")
              .logoutUrl(IDENTIFIER, BASE + SLO)
              .user(TestUser.bSimon()),
          0);

  /** The application's SessionRevocations bean: memory, and a switch to make it fail. */
  static class Store {
    static final AtomicBoolean DOWN = new AtomicBoolean();
    static final AtomicBoolean REVOKE_DOWN = new AtomicBoolean();

    @Bean
    SessionRevocations sessionRevocations() {
      SessionRevocations memory = SessionRevocations.inMemory();
      return new SessionRevocations() {
        @Override
        public void revoke(String registrationId, String nameId, List<String> idx, Instant at) {
          if (REVOKE_DOWN.get()) {
            throw new IllegalStateException("test store cannot record");
          }
          memory.revoke(registrationId, nameId, idx, at);
        }

        @Override
        public boolean isRevoked(SamlPrincipal principal) {
          if (DOWN.get()) {
            throw new IllegalStateException("test store down");
          }
          return memory.isRevoked(principal);
        }
      };
    }
  }

  @DynamicPropertySource
  static void saml(DynamicPropertyRegistry registry) throws IOException {
    Path metadata = Files.createTempFile("entra", ".xml");
    Files.writeString(metadata, ENTRA.entra().metadataXml());
    metadata.toFile().deleteOnExit();
    registry.add("server.port", () -> PORT);
    String r = "cloudsign.saml.registrations.cloudsign.";
    registry.add(r + "identifier", () -> IDENTIFIER);
    registry.add(r + "reply-url", () -> BASE + "/saml2/idpresponse");
    registry.add(r + "sp-logout-url", () -> BASE + SLO);
    registry.add(r + "metadata", metadata::toString);
  }

  @AfterAll
  static void stop() {
    ENTRA.close();
  }

  @AfterEach
  void storeUp() {
    Store.DOWN.set(false);
    Store.REVOKE_DOWN.set(false);
  }

  /** One browser: a cookie jar, redirects not followed. */
  static final class Browser {
    final CookieManager jar = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    final HttpClient http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .cookieHandler(jar)
            .build();

    /** Signed in through the fake Entra as B.Simon (SignInClient), its cookies taken over. */
    static Browser signIn() throws Exception {
      SignInClient client = SignInClient.create();
      HttpResponse<String> me = client.signIn(URI.create(BASE + "/me"));
      assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
      Browser b = new Browser();
      client.cookies().forEach(c -> b.jar.getCookieStore().add(URI.create(BASE), c));
      assertThat(b.signedIn()).isTrue();
      return b;
    }

    HttpResponse<String> get(String url) throws Exception {
      return http.send(
          HttpRequest.newBuilder(URI.create(url.startsWith("/") ? BASE + url : url))
              .header("Accept", "text/html")
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String form) throws Exception {
      return http.send(
          HttpRequest.newBuilder(URI.create(BASE + path))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(form))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    /** Whether /me answers as the signed-in user (an API call: 401 when signed out). */
    boolean signedIn() throws Exception {
      HttpResponse<String> me =
          http.send(
              HttpRequest.newBuilder(URI.create(BASE + "/me"))
                  .header("Accept", "application/json")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return me.statusCode() == 200 && me.body().startsWith("user=bsimon");
    }

    /** Spring's POST /logout with its CSRF token: the 303 to Entra's logout URL. */
    String logoutAtEntra() throws Exception {
      String token = get("/public/csrf").body();
      HttpResponse<String> out = post("/logout", "_csrf=" + token);
      assertThat(out.statusCode()).as(out.body()).isEqualTo(303);
      String location = out.headers().firstValue("Location").orElseThrow();
      assertThat(location).startsWith(ENTRA.entra().sloUrl() + "?SAMLRequest=");
      return location;
    }
  }

  @Test
  void postLogoutWithCsrfTokenGoesToEntraWhoseLogoutResponseCompletesItAtTheLogoutUrl()
      throws Exception {
    Browser browser = Browser.signIn();

    String toEntra = browser.logoutAtEntra();

    assertThat(browser.signedIn()).as("signed out here before leaving for Entra").isFalse();
    LogoutRequestInfo request = ENTRA.entra().parseLogoutRedirect(toEntra);
    assertThat(request.nameId()).isEqualTo("B.Simon@contoso.com");
    assertThat(request.issuer()).isEqualTo(IDENTIFIER);
    assertThat(request.sessionIndex()).isPresent();
    // The fake Entra's HTTP endpoint answers the GET as Entra does: back to the Logout Url.
    HttpResponse<String> atEntra = browser.get(toEntra);
    assertThat(atEntra.statusCode()).isEqualTo(302);
    String back = atEntra.headers().firstValue("Location").orElseThrow();
    assertThat(back).startsWith(BASE + SLO + "?SAMLResponse=");
    HttpResponse<String> done = browser.get(back);
    assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location")).hasValue("/login?logout");
    HttpResponse<String> page = browser.get("/login?logout");
    assertThat(page.body()).contains("id=\"signed-out\"");
    assertThat(browser.signedIn()).isFalse();
  }

  @Test
  void postLogoutWithoutCsrfTokenOrGetLogoutIsRefusedAndKeepsTheSession() throws Exception {
    Browser browser = Browser.signIn();

    assertThat(browser.post("/logout", "").statusCode()).isEqualTo(403);
    assertThat(browser.post("/logout", "_csrf=forged").statusCode()).isEqualTo(403);
    assertThat(browser.get("/logout").statusCode()).isNotIn(302, 303);

    assertThat(browser.signedIn()).isTrue();
    assertThat(browser.jar.getCookieStore().getCookies())
        .noneMatch(c -> c.getName().endsWith("_logout"));
  }

  private static void notConfirmed(UnaryOperator<LogoutResponseBuilder> shape, String code)
      throws Exception {
    Browser browser = Browser.signIn();
    LogoutRequestInfo request = ENTRA.entra().parseLogoutRedirect(browser.logoutAtEntra());
    String url = shape.apply(ENTRA.entra().logoutResponseTo(request)).redirectUrl();

    HttpResponse<String> r = browser.get(url);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.body())
        .contains("Sign-out not confirmed")
        .contains("<code id=\"error-code\">" + code + "</code>")
        .doesNotContain("Exception");
    assertThat(browser.signedIn()).isFalse();
  }

  @Test
  void forgedLogoutResponsesAreRefusedWithTheirCodes() throws Exception {
    notConfirmed(LogoutResponseBuilder::signedByAnotherKey, "logout_invalid_signature");
    notConfirmed(LogoutResponseBuilder::signatureOverReorderedQuery, "logout_invalid_signature");
    notConfirmed(
        r -> r.issuer("https://login.microsoftonline.com/another-tenant/"),
        "logout_invalid_issuer");
    notConfirmed(r -> r.inResponseTo("_not-this-logout"), "logout_unknown_request");
  }

  @Test
  void logoutResponseForAnotherBrowserIsRefused() throws Exception {
    Browser browser = Browser.signIn();
    LogoutRequestInfo request = ENTRA.entra().parseLogoutRedirect(browser.logoutAtEntra());
    String url = ENTRA.entra().logoutResponseTo(request).redirectUrl();
    Browser other = Browser.signIn();

    HttpResponse<String> r = other.get(url);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("<code id=\"error-code\">logout_unknown_request</code>");
    assertThat(other.signedIn()).as("the other browser's session is untouched").isTrue();
  }

  private static IdpLogoutRequestBuilder fromEntra() {
    return ENTRA.entra().logoutRequest(IDENTIFIER, "B.Simon@contoso.com");
  }

  @Test
  void entrasSignedLogoutRequestEndsTheSessionInEveryBrowserAndIsAnswered() throws Exception {
    Browser a = Browser.signIn();
    Browser b = Browser.signIn();
    IdpLogoutRequestBuilder request = fromEntra().signed();

    HttpResponse<String> answer = a.get(request.redirectUrl());

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
    String location = answer.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(ENTRA.entra().sloUrl() + "?SAMLResponse=");
    assertThat(ENTRA.entra().parseLogoutResponseRedirect(location).inResponseTo())
        .isEqualTo(request.id());
    assertThat(a.signedIn()).isFalse();
    assertThat(b.signedIn()).as("the second browser is signed out too").isFalse();
    assertThat(b.get("/principal").statusCode())
        .as("a browser navigation of the revoked user goes to sign in again")
        .isEqualTo(302);
    assertThat(Browser.signIn().signedIn()).as("a later sign-in is not ended").isTrue();
  }

  @Test
  void unsignedLogoutRequestIsRefusedAndEndsNothing() throws Exception {
    Browser a = Browser.signIn();
    Browser b = Browser.signIn();

    HttpResponse<String> r = b.get(fromEntra().redirectUrl());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.body()).contains("<code id=\"error-code\">logout_unsigned</code>");
    assertThat(a.signedIn()).isTrue();
    assertThat(b.signedIn()).isTrue();
  }

  @Test
  void logoutRequestByHttpPostIsVerifiedLikeTheRedirectOne() throws Exception {
    Browser a = Browser.signIn();
    Browser b = Browser.signIn();

    HttpResponse<String> garbage =
        a.post(SLO, "SAMLRequest=" + java.net.URLEncoder.encode("x", "UTF-8"));
    HttpResponse<String> unsigned = a.post(SLO, form(fromEntra().postFields()));

    assertThat(garbage.statusCode()).as("not refused by CSRF: it carries no token").isEqualTo(400);
    assertThat(garbage.body()).contains("<code id=\"error-code\">logout_malformed</code>");
    assertThat(unsigned.body()).contains("<code id=\"error-code\">logout_unsigned</code>");
    assertThat(a.signedIn()).isTrue();
    assertThat(b.signedIn()).isTrue();

    IdpLogoutRequestBuilder request = fromEntra().signed();
    HttpResponse<String> answer = b.post(SLO, form(request.postFields()));

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
    assertThat(
            ENTRA
                .entra()
                .parseLogoutResponseRedirect(answer.headers().firstValue("Location").orElseThrow())
                .inResponseTo())
        .isEqualTo(request.id());
    assertThat(a.signedIn()).isFalse();
    assertThat(b.signedIn()).isFalse();
  }

  private static String form(java.util.Map<String, String> fields) {
    StringBuilder sb = new StringBuilder();
    fields.forEach(
        (k, v) ->
            sb.append(sb.length() == 0 ? "" : "&")
                .append(k)
                .append('=')
                .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
    return sb.toString();
  }

  @Test
  void whenTheRevocationsStoreCannotAnswerTheRequestIsRefusedAndTheSessionKept() throws Exception {
    Browser a = Browser.signIn();
    Store.DOWN.set(true);

    HttpResponse<String> r = a.get("/principal");

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("<code id=\"error-code\">session_check_unavailable</code>");
    Store.DOWN.set(false);
    assertThat(a.signedIn()).isTrue();
  }

  @Test
  void whenTheStoreCannotRecordEntrasLogoutTheBrowserThatCarriedItIsStillSignedOut()
      throws Exception {
    Browser a = Browser.signIn();
    Browser b = Browser.signIn();
    Store.REVOKE_DOWN.set(true);

    HttpResponse<String> answer = a.get(fromEntra().signed().redirectUrl());

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
    String location = answer.headers().firstValue("Location").orElseThrow();
    assertThat(ENTRA.entra().parseLogoutResponseRedirect(location).statusCode())
        .isEqualTo("urn:oasis:names:tc:SAML:2.0:status:Responder");
    assertThat(a.signedIn()).as("the browser that carried the LogoutRequest").isFalse();
    assertThat(b.signedIn()).as("not recorded: the other browser stays (ERROR logged)").isTrue();
  }

  /** Spring's own success handler answers a logout that does not go to Entra. */
  @Test
  void logoutOfASessionEntraAlreadyEndedStaysLocalThroughSpringsSuccessHandler() throws Exception {
    Browser b = Browser.signIn();
    String token = b.get("/public/csrf").body();
    assertThat(Browser.signIn().get(fromEntra().signed().redirectUrl()).statusCode())
        .isEqualTo(302);

    HttpResponse<String> out = b.post("/logout", "_csrf=" + token);

    assertThat(out.statusCode()).isEqualTo(302);
    assertThat(out.headers().firstValue("Location").orElseThrow()).endsWith("/login?logout");
    assertThat(b.signedIn()).isFalse();
  }
}
