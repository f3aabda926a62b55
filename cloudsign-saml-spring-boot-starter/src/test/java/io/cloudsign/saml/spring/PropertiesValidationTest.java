package io.cloudsign.saml.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.testkit.FakeEntra;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Invalid {@code cloudsign.saml.*} values stop the start-up, naming the property. */
class PropertiesValidationTest {
  static final String R = "cloudsign.saml.registrations.acme.";

  @TempDir static Path dir;

  private static ApplicationContextRunner runner() throws Exception {
    Path metadata = dir.resolve("entra.xml");
    if (!Files.exists(metadata)) {
      Files.writeString(metadata, FakeEntra.create().metadataXml());
    }
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CloudsignSamlAutoConfiguration.class))
        .withPropertyValues(
            R + "identifier=urn:amazon:cognito:sp:ap-northeast-1_ACME",
            R
                + "reply-url=https://cloudsign-acme.auth.ap-northeast-1.amazoncognito.com/saml2/idpresponse",
            R + "sign-on-url=https://www.cloudsign.jp/login",
            R + "metadata=" + metadata);
  }

  private static CloudsignSamlConfigurationException failure(String... properties)
      throws Exception {
    Throwable[] seen = new Throwable[1];
    runner().withPropertyValues(properties).run(c -> seen[0] = c.getStartupFailure());
    Throwable t = seen[0];
    while (t != null && !(t instanceof CloudsignSamlConfigurationException)) {
      t = t.getCause();
    }
    assertThat(t).as("start-up failure").isNotNull();
    return (CloudsignSamlConfigurationException) t;
  }

  @Test
  void validPropertiesBuildTheServiceProvider() throws Exception {
    runner()
        .run(
            c -> {
              assertThat(c).hasNotFailed();
              ServiceProvider sp = c.getBean(ServiceProvider.class);
              assertThat(sp.registration("acme").orElseThrow().entityId())
                  .isEqualTo("urn:amazon:cognito:sp:ap-northeast-1_ACME");
            });
  }

  @Test
  void replyUrlOverPlainHttpIsRefusedNamingTheProperty() throws Exception {
    CloudsignSamlConfigurationException e =
        failure(R + "reply-url=http://cloudsign.example/saml2/idpresponse");
    assertThat(e.property()).isEqualTo(R + "reply-url");
    assertThat(e.problem()).contains("https");
  }

  @Test
  void missingMetadataIsRefused() throws Exception {
    CloudsignSamlConfigurationException e = failure(R + "metadata=");
    assertThat(e.property()).isEqualTo(R + "metadata");
  }

  @Test
  void appFederationMetadataUrlIsRefusedUntilCoreCanRefreshIt() throws Exception {
    CloudsignSamlConfigurationException e =
        failure(R + "metadata=https://login.microsoftonline.com/t/federationmetadata.xml");
    assertThat(e.property()).isEqualTo(R + "metadata");
    assertThat(e.problem()).contains("not supported");
  }

  @Test
  void clockSkewOverTheCapIsRefused() throws Exception {
    assertThat(failure("cloudsign.saml.clock-skew=30m").property())
        .isEqualTo("cloudsign.saml.clock-skew");
  }

  @Test
  void unknownClaimIsRefused() throws Exception {
    assertThat(failure(R + "claims.shoe-size=urn:x").property()).isEqualTo(R + "claims.shoe-size");
  }

  @Test
  void jdbcReplayStoreWithoutDataSourceIsRefused() throws Exception {
    assertThat(failure("cloudsign.saml.replay-store=jdbc").property())
        .isEqualTo("cloudsign.saml.replay-store");
  }

  @Test
  void failureAnalyzerShowsPropertyAndBuilderMessage() throws Exception {
    CloudsignSamlConfigurationException e =
        failure(R + "reply-url=http://cloudsign.example/saml2/idpresponse");
    FailureAnalysis a = new CloudsignSamlFailureAnalyzer().analyze(new RuntimeException(e));
    assertThat(a.getDescription()).contains(R + "reply-url").contains(e.problem());
    assertThat(a.getAction()).contains(R + "reply-url");
  }
}
