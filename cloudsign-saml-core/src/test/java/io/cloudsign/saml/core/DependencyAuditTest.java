package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guards the dependency audit of docs/DEPENDENCIES.md on the test classpath, which contains core's
 * whole runtime classpath: the libraries excluded from OpenSAML 4.0.1's stack stay out, and the
 * ones kept stay at versions with the known advisories fixed.
 */
class DependencyAuditTest {
  /** One class of each library excluded from OpenSAML's stack (see DEPENDENCIES.md). */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "org.springframework.core.SpringVersion", // spring-core 5.2.4 (Spring4Shell family)
        "org.apache.velocity.app.VelocityEngine", // velocity 2.2 (CVE-2020-13936)
        "org.apache.http.impl.client.HttpClientBuilder", // httpclient 4.5.12 (CVE-2020-13956)
        "org.apache.http.HttpHost", // httpcore 4.4.13
        "com.codahale.metrics.MetricRegistry", // metrics-core 4.1.4
        "org.apache.commons.logging.LogFactory", // commons-logging (banned)
        "org.opensaml.soap.soap11.profile.httpclient.HttpSOAPClient", // opensaml-soap-impl
        "org.opensaml.storage.StorageService", // opensaml-storage-api
        "com.ctc.wstx.stax.WstxInputFactory", // woodstox, only Santuario's StAX API uses it
        "javax.servlet.Servlet" // javax.servlet (banned; the servlet module uses jakarta)
      })
  void classpathWhenBuiltThenExcludedLibraryIsAbsent(String className) {
    assertThatThrownBy(() -> Class.forName(className, false, getClass().getClassLoader()))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void classpathWhenBuiltThenHoldsNoBouncyCastleJdk15onJar() {
    List<String> entries =
        Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
    assertThat(entries).noneMatch(e -> e.contains("-jdk15on"));
    assertThat(entries).anyMatch(e -> e.contains("bcprov-jdk18on"));
  }

  /** 1.78 fixed CVE-2024-29857, CVE-2024-30171, CVE-2024-30172; jdk15on stopped at 1.70. */
  @Test
  void bouncyCastleWhenLoadedThenIsAtLeast178() {
    assertThat(compare(new BouncyCastleProvider().getVersionStr(), "1.78")).isNotNegative();
  }

  /**
   * The minimum versions and what they fix: xmlsec 2.3.4 (CVE-2021-40690 in 2.2.3/2.1.7, the 2022
   * encrypted-XML URI advisory in 2.3.0, CVE-2023-44483 logging of private keys in 2.3.4), Guava
   * 32.0.0 (CVE-2020-8908, CVE-2023-2976), commons-codec 1.14 (Base64 decoding of invalid trailing
   * characters, fixed in 1.13), cryptacular 1.2.4 (CVE-2020-7226).
   */
  @ParameterizedTest
  @CsvSource({
    "org.apache.santuario, xmlsec, 2.3.4",
    "com.google.guava, guava, 32.0.0",
    "commons-codec, commons-codec, 1.14",
    "org.cryptacular, cryptacular, 1.2.4",
    "net.shibboleth.utilities, java-support, 8.0.0"
  })
  void libraryWhenLoadedThenIsAtLeastTheFixedVersion(
      String groupId, String artifactId, String minimum) throws IOException {
    assertThat(compare(mavenVersion(groupId, artifactId), minimum))
        .as("%s:%s must be at least %s", groupId, artifactId, minimum)
        .isNotNegative();
  }

  @Test
  void xmlsecWhenLoadedThenPackageVersionMatchesItsPom() throws Exception {
    Class<?> constants = Class.forName("org.apache.xml.security.utils.Constants");
    String implementation = constants.getPackage().getImplementationVersion();
    assertThat(implementation).isEqualTo(mavenVersion("org.apache.santuario", "xmlsec"));
  }

  private static String mavenVersion(String groupId, String artifactId) throws IOException {
    String resource = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
    try (InputStream in =
        DependencyAuditTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as("%s:%s on the classpath", groupId, artifactId).isNotNull();
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    }
  }

  /** Compares dotted numeric versions ("33.5.0-jre" reads as 33.5.0). */
  static int compare(String version, String minimum) {
    int[] a = numbers(version);
    int[] b = numbers(minimum);
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      int x = i < a.length ? a[i] : 0;
      int y = i < b.length ? b[i] : 0;
      if (x != y) {
        return Integer.compare(x, y);
      }
    }
    return 0;
  }

  private static int[] numbers(String version) {
    return Arrays.stream(version.split("[-+]")[0].split("\\."))
        .mapToInt(Integer::parseInt)
        .toArray();
  }
}
