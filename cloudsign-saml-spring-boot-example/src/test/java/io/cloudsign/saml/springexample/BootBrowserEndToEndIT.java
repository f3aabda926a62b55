package io.cloudsign.saml.springexample;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.examplecontract.BrowserExecutables;
import io.cloudsign.saml.examplecontract.ExampleProcess;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium signs in through the packaged Boot example ({@code java -jar}, no options:
 * embedded fake Entra on 127.0.0.1, cross-site to the app on localhost as Entra is), reads {@code
 * /me}, and signs out with the home page's CSRF-protected form.
 */
class BootBrowserEndToEndIT {
  static final Duration WAIT = Duration.ofSeconds(60);

  @BeforeAll
  static void requireBrowser() {
    BrowserExecutables.find(); // fails with what to install when one is missing
  }

  @Test
  void signInThroughFakeEntraLoginPageThenMeThenSignOut() throws Exception {
    try (ExampleProcess app = ExampleProcess.jar(BootExampleContractIT.JAR, "--port", "0")) {
      String base = app.awaitListening().toString();
      WebDriver driver = BrowserExecutables.newHeadlessChromium();
      try {
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.withMessage(() -> "at " + driver.getCurrentUrl() + ":\n" + driver.getPageSource());

        driver.get(base);
        wait.until(ExpectedConditions.elementToBeClickable(By.id("sign-in"))).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("user-0")));
        assertThat(driver.getCurrentUrl()).startsWith("http://127.0.0.1:");
        driver.findElement(By.id("user-0")).click();

        wait.until(ExpectedConditions.urlToBe(base + "me"));
        assertThat(driver.getPageSource()).contains("\"nameId\": \"B.Simon@contoso.com\"");
        Cookie session = driver.manage().getCookieNamed("JSESSIONID");
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();

        driver.get(base);
        assertThat(driver.findElement(By.id("user")).getText()).isEqualTo("B.Simon@contoso.com");
        driver.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("sign-in")));
        assertThat(driver.getCurrentUrl()).isEqualTo(base);
      } finally {
        driver.quit();
      }
    }
  }
}
