package io.cloudsign.saml.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.examplecontract.BrowserExecutables;
import io.cloudsign.saml.examplecontract.ExampleProcess;
import io.cloudsign.saml.interop.SimpleSamlPhp.RemoteSp;
import io.cloudsign.saml.interop.SimpleSamlPhp.Signing;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium signs in and signs out through the example app at a real SimpleSAMLphp
 * (on 127.0.0.1, so cross-site to the app on localhost, as Entra is): its login form, its auto-POST
 * to the Reply URL, the app's profile page, then Sign out through SimpleSAMLphp's
 * SingleLogoutService back to the app's Logout Url and home page.
 */
class SimpleSamlPhpBrowserTest {
  private static SimpleSamlPhp idp;
  private static RemoteSp sp;

  @BeforeAll
  static void start() throws Exception {
    BrowserExecutables.find(); // fails with what to install when one is missing
    sp =
        new RemoteSp(
            "urn:interop:browser",
            "http://localhost:" + SimpleSamlPhp.freePort(),
            Signing.BOTH,
            null);
    idp =
        SimpleSamlPhp.start(
            SimpleSamlPhpInteropTest.USER,
            SimpleSamlPhpInteropTest.PASSWORD,
            Map.of("uid", "alice", "email", SimpleSamlPhpInteropTest.EMAIL),
            List.of(sp));
  }

  @AfterAll
  static void stop() throws Exception {
    if (idp != null) {
      idp.close();
    }
  }

  @Test
  void chromiumSignsInAndOutThroughSimpleSamlPhp() throws Exception {
    try (ExampleProcess app = InteropApps.start(sp, idp.metadataUrl())) {
      String base = app.awaitListening().toString();
      WebDriver driver = BrowserExecutables.newHeadlessChromium();
      try {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        wait.withMessage(() -> "at " + driver.getCurrentUrl() + ":\n" + driver.getPageSource());

        driver.get(base + "profile");
        wait.until(ExpectedConditions.elementToBeClickable(By.name("password")));
        assertThat(driver.getCurrentUrl()).startsWith("http://127.0.0.1:");
        driver.findElement(By.name("username")).sendKeys(SimpleSamlPhpInteropTest.USER);
        driver.findElement(By.name("password")).sendKeys(SimpleSamlPhpInteropTest.PASSWORD);
        driver.findElement(By.name("password")).submit();

        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("name-id")));
        assertThat(driver.getCurrentUrl()).isEqualTo(base + "profile");
        assertThat(driver.findElement(By.id("name-id")).getText())
            .isEqualTo(SimpleSamlPhpInteropTest.EMAIL);

        driver.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("sign-in")));
        assertThat(driver.getCurrentUrl()).isEqualTo(base);
        driver.get(base + "me");
        wait.until(ExpectedConditions.urlContains("127.0.0.1"));
        assertThat(driver.getCurrentUrl())
            .as("signed out: /me goes to the IdP again")
            .startsWith("http://127.0.0.1:");
      } finally {
        driver.quit();
      }
    }
  }
}
