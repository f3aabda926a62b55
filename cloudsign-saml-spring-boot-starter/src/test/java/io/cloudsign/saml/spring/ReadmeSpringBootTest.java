package io.cloudsign.saml.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * The README's "Use it with Spring Boot" section is this module's compiled code: its {@code
 * SecurityFilterChain} and linker are {@link TestApp}'s, its test is {@link
 * SpringTestkitExtensionTest}'s, and its {@code application.yml} starts the auto-configuration.
 */
class ReadmeSpringBootTest {
  static final String SECTION = "## Use it with Spring Boot";

  @Test
  void readmeSecurityFilterChainIsTestAppsCode() throws IOException {
    assertThat(lines(block("java", 0)))
        .containsExactlyElementsOf(lines(region(TestApp.class, "spring boot")));
  }

  @Test
  void readmeTestIsSpringTestkitExtensionTestsCode() throws IOException {
    assertThat(lines(block("java", 1)))
        .containsExactlyElementsOf(lines(region(SpringTestkitExtensionTest.class, "spring test")));
  }

  @Test
  void readmeApplicationYmlBuildsTheServiceProvider() throws IOException {
    List<PropertySource<?>> yml =
        new YamlPropertySourceLoader()
            .load(
                "README application.yml",
                // <CUSTOM_ID> is the reader's: any value makes the URLs real.
                new ByteArrayResource(block("yaml", 0).replace("<CUSTOM_ID>", "ACME").getBytes()));
    try (FakeEntraServer entra = FakeEntraServer.start(FakeEntra.builder())) {
      String[] properties = properties(yml).toArray(String[]::new);
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(CloudsignSamlAutoConfiguration.class))
          .withPropertyValues(properties)
          .withPropertyValues(
              "CLOUDSIGN_SAML_STATE_KEY=" + "A".repeat(44),
              // Microsoft's URL is not reachable from a test: the fake's stands in for it.
              "cloudsign.saml.registrations.cloudsign.metadata=" + entra.metadataUrl())
          .run(
              c -> {
                assertThat(c).hasNotFailed();
                Registration r =
                    c.getBean(ServiceProvider.class).registration("cloudsign").orElseThrow();
                assertThat(r.entityId()).isEqualTo("urn:amazon:cognito:sp:ap-northeast-1_ACME");
                assertThat(r.replyUrl().toString())
                    .isEqualTo(
                        "https://cloudsign-ACME.auth.ap-northeast-1.amazoncognito.com/saml2/idpresponse");
                assertThat(r.signOnUrl().orElseThrow().toString())
                    .isEqualTo("https://www.cloudsign.jp/login");
              });
    }
    assertThat(String.join("\n", properties(yml)))
        .contains(
            "cloudsign.saml.registrations.cloudsign.metadata=https://login.microsoftonline.com/");
  }

  private static List<String> properties(List<PropertySource<?>> yml) {
    return yml.stream()
        .flatMap(
            s ->
                java.util.Arrays.stream(((EnumerablePropertySource<?>) s).getPropertyNames())
                    .map(n -> n + "=" + s.getProperty(n)))
        .toList();
  }

  /** The {@code index}th {@code ```lang} block of the README's Spring Boot section. */
  static String block(String lang, int index) throws IOException {
    Path p = Path.of("README.md").toAbsolutePath();
    String readme = Files.readString(Files.exists(p) ? p : Path.of("..", "README.md"));
    String section = readme.substring(readme.indexOf(SECTION));
    section = section.substring(0, nextSection(section));
    int start = -1;
    for (int i = 0; i <= index; i++) {
      start = section.indexOf("```" + lang + "\n", start + 1);
      assertThat(start).as("```" + lang + " block " + index + " in " + SECTION).isNotNegative();
    }
    start += ("```" + lang + "\n").length();
    return section.substring(start, section.indexOf("\n```\n", start));
  }

  private static int nextSection(String section) {
    int next = section.indexOf("\n## ", SECTION.length());
    return next < 0 ? section.length() : next;
  }

  static String region(Class<?> type, String name) throws IOException {
    String self =
        Files.readString(Path.of("src/test/java", type.getName().replace('.', '/') + ".java"));
    String region =
        self.substring(
            self.indexOf("// README: " + name + "\n"), self.indexOf("// README: end " + name));
    return region.substring(region.indexOf('\n') + 1);
  }

  private static List<String> lines(String code) {
    return code.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }
}
