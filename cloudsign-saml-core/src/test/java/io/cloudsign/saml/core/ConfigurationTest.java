package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.FakeEntra;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Misconfiguration fails at start-up with a message that says what to fix. */
class ConfigurationTest {
  private static final FakeEntra ENTRA = FakeEntra.create();

  private static IdentityProvider idp() throws SamlMetadataException {
    return IdentityProvider.fromMetadata(ENTRA.metadataXml());
  }

  private static Registration.Builder valid() throws SamlMetadataException {
    return Registration.builder("contoso")
        .entityId(Fixture.ENTITY_ID)
        .replyUrl(Fixture.REPLY_URL)
        .signOnUrl(Fixture.SIGN_ON_URL)
        .identityProvider(idp());
  }

  @Test
  void buildWhenCloudSignValuesThenKeepsThemExactly() throws Exception {
    Registration r = valid().build();
    assertThat(r.entityId()).isEqualTo(Fixture.ENTITY_ID);
    assertThat(r.replyUrl()).hasToString(Fixture.REPLY_URL);
    assertThat(r.signOnUrl())
        .hasValueSatisfying(u -> assertThat(u).hasToString(Fixture.SIGN_ON_URL));
    assertThat(r.requestBinding()).isEqualTo(Binding.HTTP_REDIRECT);
  }

  @Test
  void buildWhenReplyUrlIsPlainHttpOnPublicHostThenRejectsNamingReplyUrl() {
    assertThatThrownBy(() -> valid().replyUrl("http://www.cloudsign.jp/saml2/idpresponse").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("replyUrl must be an absolute https URL");
  }

  @Test
  void buildWhenReplyUrlIsHttpOnLocalhostThenAccepts() throws Exception {
    assertThat(valid().replyUrl("http://localhost:8080/saml2/idpresponse").build().replyUrl())
        .hasToString("http://localhost:8080/saml2/idpresponse");
  }

  @Test
  void buildWhenReplyUrlIsNotAbsoluteThenRejects() {
    assertThatThrownBy(() -> valid().replyUrl("/saml2/idpresponse"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("replyUrl");
  }

  @Test
  void buildWhenSignOnUrlIsFtpThenRejectsNamingSignOnUrl() {
    assertThatThrownBy(() -> valid().signOnUrl("ftp://www.cloudsign.jp/login").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("signOnUrl");
  }

  @Test
  void buildWhenEntityIdMissingThenRejectsNamingEntraField() {
    assertThatThrownBy(() -> valid().entityId(null).build())
        .hasMessageContaining("Identifier (Entity ID)");
  }

  @Test
  void buildWhenEntityIdIsNotAnAbsoluteUriThenRejects() {
    assertThatThrownBy(() -> valid().entityId("cloudsign").build())
        .hasMessageContaining("entityId");
  }

  @Test
  void buildWhenIdentityProviderMissingThenRejectsNamingMetadata() {
    assertThatThrownBy(
            () ->
                Registration.builder("x")
                    .entityId(Fixture.ENTITY_ID)
                    .replyUrl(Fixture.REPLY_URL)
                    .build())
        .hasMessageContaining("Federation Metadata XML");
  }

  @Test
  void buildWhenForceAuthnAndPassiveThenRejectsAsContradictory() {
    assertThatThrownBy(() -> valid().forceAuthn(true).passive(true).build())
        .hasMessageContaining("contradict");
  }

  @Test
  void builderWhenRegistrationIdHasSpacesThenRejects() {
    assertThatThrownBy(() -> Registration.builder("a b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void serviceProviderBuildWhenClockSkewAboveCapThenRejects() {
    assertThatThrownBy(
            () ->
                ServiceProvider.builder()
                    .registration(valid().build())
                    .clockSkew(Duration.ofMinutes(11))
                    .build())
        .hasMessageContaining("clockSkew");
  }

  @Test
  void serviceProviderBuildWhenNegativeSkewThenRejects() {
    assertThatThrownBy(
            () ->
                ServiceProvider.builder()
                    .registration(valid().build())
                    .clockSkew(Duration.ofSeconds(-1))
                    .build())
        .hasMessageContaining("clockSkew");
  }

  @Test
  void serviceProviderBuildWhenNoRegistrationThenRejects() {
    assertThatThrownBy(() -> ServiceProvider.builder().build())
        .hasMessageContaining("registration");
  }

  @Test
  void serviceProviderBuildWhenDuplicateRegistrationIdThenRejects() {
    assertThatThrownBy(
            () ->
                ServiceProvider.builder()
                    .registration(valid().build())
                    .registration(valid().build()))
        .hasMessageContaining("duplicate registration id");
  }

  @Test
  void serviceProviderBuildWhenResponseSizeLimitOutOfRangeThenRejects() {
    assertThatThrownBy(
            () ->
                ServiceProvider.builder()
                    .registration(valid().build())
                    .maxResponseChars(10)
                    .build())
        .hasMessageContaining("maxResponseChars");
  }

  @Test
  void serviceProviderBuildWhenResponseSizeLimitAboveOneMebiThenRejects() throws Exception {
    ServiceProvider.Builder atCap =
        ServiceProvider.builder().registration(valid().build()).maxResponseChars(1024 * 1024);
    assertThat(atCap.build().maxResponseChars()).isEqualTo(1024 * 1024);
    assertThatThrownBy(
            () ->
                ServiceProvider.builder()
                    .registration(valid().build())
                    .maxResponseChars(1024 * 1024 + 1)
                    .build())
        .hasMessageContaining("maxResponseChars")
        .hasMessageContaining("1 MiB");
  }

  @Test
  void serviceProviderToStringWhenDefaultsThenShowsNoInsecureOption() throws Exception {
    ServiceProvider sp = ServiceProvider.builder().registration(valid().build()).build();
    assertThat(sp.toString()).doesNotContain("INSECURE");
    assertThat(sp.clockSkew()).isEqualTo(Duration.ofMinutes(3));
  }
}
