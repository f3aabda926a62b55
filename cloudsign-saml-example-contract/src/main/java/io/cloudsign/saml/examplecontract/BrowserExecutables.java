package io.cloudsign.saml.examplecontract;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Finds Chromium and ChromeDriver for the browser tests: a system property first ({@code
 * -Dchromium.binary=…}, {@code -Dchromedriver.binary=…}), else the first of the usual names on
 * {@code PATH}. When one is missing the message names it and both ways to provide it.
 */
public final class BrowserExecutables {
  static final String CHROMIUM_PROPERTY = "chromium.binary";
  static final String CHROMEDRIVER_PROPERTY = "chromedriver.binary";
  static final List<String> CHROMIUM_NAMES =
      List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
  static final List<String> CHROMEDRIVER_NAMES = List.of("chromedriver");

  /** The two executables found. */
  public record Found(Path chromium, Path chromedriver) {}

  private BrowserExecutables() {}

  /** From this JVM's system properties and {@code PATH}. */
  public static Found find() {
    return find(
        System.getProperty(CHROMIUM_PROPERTY),
        System.getProperty(CHROMEDRIVER_PROPERTY),
        Optional.ofNullable(System.getenv("PATH")).orElse(""));
  }

  public static Found find(String chromiumProperty, String chromedriverProperty, String path) {
    Optional<Path> chromium = locate(chromiumProperty, CHROMIUM_NAMES, path);
    Optional<Path> driver = locate(chromedriverProperty, CHROMEDRIVER_NAMES, path);
    StringBuilder missing = new StringBuilder();
    if (chromium.isEmpty()) {
      missing.append(problem("Chromium", chromiumProperty, CHROMIUM_PROPERTY, CHROMIUM_NAMES));
    }
    if (driver.isEmpty()) {
      missing.append(
          problem("ChromeDriver", chromedriverProperty, CHROMEDRIVER_PROPERTY, CHROMEDRIVER_NAMES));
    }
    if (missing.length() > 0) {
      throw new IllegalStateException(
          missing + "On Debian: apt-get install -y chromium chromium-driver (what .ci/run does).");
    }
    return new Found(chromium.get(), driver.get());
  }

  /**
   * A fresh headless Chromium with its own ChromeDriver process ({@code quit()} stops both);
   * Selenium Manager is never asked to download anything.
   */
  public static WebDriver newHeadlessChromium() {
    Found found = find();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(found.chromium().toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--window-size=1200,900");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(found.chromedriver().toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  private static Optional<Path> locate(String property, List<String> names, String path) {
    if (property != null && !property.isBlank()) {
      Path p = Path.of(property);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      for (String name : names) {
        Path p = Path.of(dir, name);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  private static String problem(
      String what, String property, String propertyName, List<String> names) {
    if (property != null && !property.isBlank()) {
      return what + " not found: -D" + propertyName + "=" + property + " is not executable. ";
    }
    return what
        + " not found: none of "
        + names
        + " is on PATH; install it or pass -D"
        + propertyName
        + "=/path/to/it. ";
  }
}
