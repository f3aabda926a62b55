package io.cloudsign.saml.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.examplecontract.BrowserExecutables;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.LogoutAttack;
import io.cloudsign.saml.testkit.LogoutResponseBuilder;
import io.cloudsign.saml.testkit.LogoutResponseInfo;
import io.cloudsign.saml.testkit.SignInClient;
import io.cloudsign.saml.testkit.TestUser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * IdP-initiated logout through the example app and its embedded fake Entra: the user signs in, then
 * signs out at Entra ({@link FakeEntraServer#signOutUrl}); Entra's front channel sends the browser
 * with a signed LogoutRequest to the app's Logout Url, the app ends the session and answers, and
 * Entra shows "signed out". A real headless Chromium does the genuine flow (session cookie {@code
 * SameSite=Lax} and {@code Strict}: the LogoutRequest arrives cross-site, without a Strict cookie,
 * and the session still ends); over plain HTTP each of the fake's named hostile LogoutRequests is
 * refused with its own code and the user stays signed in.
 *
 * <p>Needs Chromium and ChromeDriver as {@link BrowserEndToEndTest} does.
 */
class IdpLogoutEndToEndTest {
  private static ExampleApp app;
  private static FakeEntraServer entra;

  @BeforeAll
  static void start() throws Exception {
    app = ExampleApp.start(Options.parse("--port", "0"));
    entra = app.fakeEntra().orElseThrow();
    entra.signLogoutRequests(true); // the example requires signed LogoutRequests
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  private static URI at(String path) {
    return URI.create(app.listeningUrl()).resolve(path);
  }

  @ParameterizedTest(name = "session cookie SameSite={0}")
  @ValueSource(strings = {"Lax", "Strict"})
  void chromiumSignedOutAtEntraIsSignedOutOfTheApp(String sameSite) throws Exception {
    try (ExampleApp own =
        ExampleApp.start(Options.parse("--port", "0", "--session-same-site", sameSite))) {
      FakeEntraServer fake = own.fakeEntra().orElseThrow();
      fake.signLogoutRequests(true);
      String base = own.listeningUrl();
      WebDriver driver = BrowserExecutables.newHeadlessChromium();
      try {
        WebDriverWait wait = new WebDriverWait(driver, BrowserEndToEndTest.WAIT);
        wait.withMessage(() -> "at " + driver.getCurrentUrl() + ":\n" + driver.getPageSource());
        driver.get(base + "profile");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("user-0"))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("name-id")));
        assertThat(driver.getCurrentUrl()).isEqualTo(base + "profile");

        driver.get(fake.signOutUrl(TestUser.bSimon()));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("signed-out")));

        assertThat(driver.getCurrentUrl()).startsWith(fake.ssoUrl() + "?SAMLResponse=");
        LogoutResponseInfo answer = fake.receivedLogoutResponses().get(0);
        assertThat(answer.issuer()).isEqualTo(own.baseUrl() + "/saml2/metadata");
        assertThat(answer.statusCode()).isEqualTo(LogoutResponseBuilder.STATUS_SUCCESS);
        assertThat(fake.signedInApplications(TestUser.bSimon().nameId())).isEmpty();
        driver.get(base);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("sign-in")));
        assertThat(driver.getPageSource()).contains("Not signed in.");
        driver.get(base + "me");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("user-0")));
        assertThat(driver.getCurrentUrl()).startsWith(fake.ssoUrl());
      } finally {
        driver.quit();
      }
    }
  }

  /** A client signed in as B.Simon through the app and the fake's login page. */
  private static SignInClient signedIn() {
    SignInClient client = SignInClient.create();
    HttpResponse<String> me = client.signIn(at("/me"));
    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    assertThat(me.body()).contains("\"nameId\": \"B.Simon@contoso.com\"");
    return client;
  }

  private static boolean isSignedIn(SignInClient client) {
    HttpResponse<String> me = client.get(at("/me"));
    return me.uri().getPath().equals("/me") && me.body().contains("B.Simon@contoso.com");
  }

  @Test
  void overHttpEntrasSignedLogoutRequestSignsTheUserOut() {
    SignInClient client = signedIn();

    HttpResponse<String> end = client.get(URI.create(entra.signOutUrl(TestUser.bSimon())));

    assertThat(end.statusCode()).as(end.body()).isEqualTo(200);
    assertThat(end.body()).contains("id=\"signed-out\"");
    assertThat(isSignedIn(client)).isFalse();
  }

  static Stream<Arguments> hostile() {
    return Stream.of(
        Arguments.of(LogoutAttack.WRONG_ISSUER, "logout_invalid_issuer"),
        Arguments.of(LogoutAttack.UNSIGNED, "logout_unsigned"),
        Arguments.of(LogoutAttack.SIGNATURE_OVER_REORDERED_QUERY, "logout_invalid_signature"),
        Arguments.of(LogoutAttack.SIGNED_BY_ANOTHER_KEY, "logout_invalid_signature"),
        Arguments.of(LogoutAttack.EXPIRED, "logout_expired"),
        Arguments.of(LogoutAttack.WRONG_DESTINATION, "logout_invalid_destination"));
  }

  @ParameterizedTest(name = "{0} refused with {1}")
  @MethodSource("hostile")
  void hostileLogoutRequestIsRefusedAndTheUserStaysSignedIn(LogoutAttack attack, String code) {
    SignInClient client = signedIn();
    entra.nextIdpLogoutWith(attack);

    assertRefused(client, code);
  }

  @Test
  void replayedLogoutRequestIsRefusedAndTheUserStaysSignedIn() {
    SignInClient first = signedIn();
    assertThat(first.get(URI.create(entra.signOutUrl(TestUser.bSimon()))).body())
        .contains("id=\"signed-out\"");
    SignInClient client = signedIn();
    entra.nextIdpLogoutWith(LogoutAttack.REPLAYED);

    assertRefused(client, "logout_replayed");
  }

  private static void assertRefused(SignInClient client, String code) {
    HttpResponse<String> page = client.get(URI.create(entra.signOutUrl(TestUser.bSimon())));

    assertThat(page.statusCode()).as(page.body()).isEqualTo(400);
    assertThat(page.uri().getPath()).isEqualTo(ExampleApp.LOGOUT_URL_PATH);
    assertThat(page.body()).contains("<code id=\"error-code\">" + code + "</code>");
    assertThat(page.body()).doesNotContain("Exception").doesNotContain("at io.");
    assertThat(isSignedIn(client)).as("a refused LogoutRequest signs nobody out").isTrue();
  }
}
