package io.cloudsign.saml.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.examplecontract.BrowserExecutables;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium signs in through the example app and the embedded fake Entra's login page (on
 * 127.0.0.1, so cross-site to the app on localhost, as Entra is), with the app's session cookie
 * {@code SameSite=Lax} and {@code SameSite=Strict}.
 *
 * <p>Needs Chromium and ChromeDriver, found on {@code PATH} or through {@code -Dchromium.binary}
 * and {@code -Dchromedriver.binary} ({@link BrowserExecutables}; on Debian {@code apt-get install
 * -y chromium chromium-driver}); Selenium Manager is never asked to download anything.
 */
class BrowserEndToEndTest {
  static final Duration WAIT = Duration.ofSeconds(60);

  @BeforeAll
  static void requireBrowser() {
    BrowserExecutables.find(); // fails with what to install when one is missing
  }

  static WebDriver newBrowser() {
    return BrowserExecutables.newHeadlessChromium();
  }

  @ParameterizedTest(name = "session cookie SameSite={0}")
  @ValueSource(strings = {"Lax", "Strict"})
  void signInThroughFakeEntraLoginPageLandsOnProtectedPage(String sameSite) throws Exception {
    try (ExampleApp app =
        ExampleApp.start(Options.parse("--port", "0", "--session-same-site", sameSite))) {
      String base = app.listeningUrl();
      WebDriver driver = newBrowser();
      try {
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.withMessage(() -> "at " + driver.getCurrentUrl() + ":\n" + driver.getPageSource());

        driver.get(base + "profile");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("user-0")));
        assertThat(driver.getCurrentUrl()).startsWith("http://127.0.0.1:");
        driver.findElement(By.id("user-0")).click();

        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("name-id")));
        assertThat(driver.getCurrentUrl()).isEqualTo(base + "profile");
        assertThat(driver.findElement(By.id("name-id")).getText()).isEqualTo("B.Simon@contoso.com");
        assertThat(driver.findElement(By.id("local-user")).getText())
            .isEqualToIgnoringCase("B.Simon@contoso.com");
        // Long claim URIs and values wrap inside the page at a 1000 px window.
        driver.manage().window().setSize(new Dimension(1000, 900));
        Object overflowing =
            ((JavascriptExecutor) driver)
                .executeScript(
                    "var body = document.body.getBoundingClientRect();"
                        + "return Array.from(document.querySelectorAll('table'))"
                        + ".filter(t => t.getBoundingClientRect().right > body.right + 1).length"
                        + " + (document.documentElement.scrollWidth"
                        + " > document.documentElement.clientWidth ? 1 : 0);");
        assertThat(((Number) overflowing).intValue()).as("tables wider than the page").isZero();
        Cookie session = driver.manage().getCookieNamed("JSESSIONID");
        assertThat(session).isNotNull();
        assertThat(session.getSameSite()).isEqualTo(sameSite);
        assertThat(session.isHttpOnly()).isTrue();

        driver.get(base + "me");
        assertThat(driver.getPageSource()).contains("\"nameId\": \"B.Simon@contoso.com\"");

        driver.get(base + "profile");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("sign-out"))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("sign-in")));
        assertThat(driver.getCurrentUrl()).isEqualTo(base);
      } finally {
        driver.quit();
      }
    }
  }
}
