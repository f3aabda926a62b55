package io.cloudsign.saml.examplecontract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The browser tests find Chromium and ChromeDriver anywhere, and say which one is missing. */
class BrowserExecutablesTest {
  @TempDir Path dir;

  private Path executable(Path in, String name) throws Exception {
    Files.createDirectories(in);
    Path p = Files.createFile(in.resolve(name));
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void findWhenBothAreOnPathThenFirstMatchingDirectoryWins() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Path chrome = executable(dir.resolve("opt"), "google-chrome");
    Path driver = executable(dir.resolve("bin"), "chromedriver");
    String path =
        String.join(
            File.pathSeparator,
            empty.toString(),
            "",
            dir.resolve("opt").toString(),
            dir.resolve("bin").toString());

    BrowserExecutables.Found found = BrowserExecutables.find(null, null, path);

    assertThat(found.chromium()).isEqualTo(chrome);
    assertThat(found.chromedriver()).isEqualTo(driver);
  }

  @Test
  void findWhenPropertiesAreSetThenTheyWinOverPath() throws Exception {
    Path onPath = dir.resolve("bin");
    executable(onPath, "chromium");
    executable(onPath, "chromedriver");
    Path chrome = executable(dir.resolve("custom"), "my-chromium");
    Path driver = executable(dir.resolve("custom"), "my-driver");

    BrowserExecutables.Found found =
        BrowserExecutables.find(chrome.toString(), driver.toString(), onPath.toString());

    assertThat(found).isEqualTo(new BrowserExecutables.Found(chrome, driver));
  }

  @Test
  void findWhenDriverIsMissingThenMessageNamesItAndBothRemedies() throws Exception {
    executable(dir.resolve("bin"), "chromium");
    Files.createFile(dir.resolve("bin").resolve("chromedriver")); // not executable

    assertThatThrownBy(() -> BrowserExecutables.find(null, null, dir.resolve("bin").toString()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ChromeDriver not found")
        .hasMessageContaining("-Dchromedriver.binary=")
        .hasMessageContaining("apt-get install -y chromium chromium-driver")
        .hasMessageNotContaining("Chromium not found");
  }

  @Test
  void findWhenPropertyPointsNowhereThenMessageSaysSo() throws Exception {
    executable(dir.resolve("bin"), "chromedriver");

    assertThatThrownBy(
            () ->
                BrowserExecutables.find(
                    "/nonexistent/chromium", null, dir.resolve("bin").toString()))
        .hasMessageContaining("-Dchromium.binary=/nonexistent/chromium is not executable");
  }
}
