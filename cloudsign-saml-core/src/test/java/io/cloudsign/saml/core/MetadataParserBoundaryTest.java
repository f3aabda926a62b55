package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.FakeEntra;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Edges of Federation Metadata reading (MetadataParser) found by PIT: the 4 MiB limit, metadata
 * aggregates ({@code EntitiesDescriptor}) and repeated endpoints.
 */
class MetadataParserBoundaryTest {
  private static final int LIMIT = 4 * 1024 * 1024;
  private static final FakeEntra ENTRA = FakeEntra.create();
  private static final FakeEntra OTHER_TENANT = FakeEntra.create();

  /** The EntityDescriptor element of unsigned metadata, without the XML declaration. */
  private static String entity(FakeEntra entra) {
    String xml = entra.metadata().unsigned().xml();
    return xml.substring(xml.indexOf("<EntityDescriptor"));
  }

  private static String aggregate(String... entities) {
    return "<EntitiesDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\">"
        + String.join("", entities)
        + "</EntitiesDescriptor>";
  }

  private static byte[] paddedTo(int size) {
    byte[] xml = entity(ENTRA).getBytes(StandardCharsets.UTF_8);
    byte[] padded = Arrays.copyOf(xml, size);
    Arrays.fill(padded, xml.length, size, (byte) ' ');
    return padded;
  }

  @Test
  void fromMetadataWhenExactlyFourMebibytesThenReadsIt() throws Exception {
    IdentityProvider idp = IdentityProvider.fromMetadata(new ByteArrayInputStream(paddedTo(LIMIT)));
    assertThat(idp.entityId()).isEqualTo(ENTRA.entityId());
  }

  @Test
  void fromMetadataWhenOneByteOverFourMebibytesThenRejects() {
    assertThatThrownBy(
            () -> IdentityProvider.fromMetadata(new ByteArrayInputStream(paddedTo(LIMIT + 1))))
        .isInstanceOf(SamlMetadataException.class)
        .hasMessageContaining("4 MiB");
  }

  @Test
  void fromMetadataWhenAggregateHoldsOneIdentityProviderThenReadsIt() throws Exception {
    ServiceProvider sp =
        ServiceProvider.builder()
            .registration(Fixture.registration("contoso", ENTRA))
            .clock(
                java.time.Clock.fixed(
                    Instant.parse("2026-11-28T09:00:00Z"), java.time.ZoneOffset.UTC))
            .build();
    String spMetadata = sp.metadata("contoso");
    String spEntity =
        spMetadata.substring(
            spMetadata.indexOf("<md:EntityDescriptor") >= 0
                ? spMetadata.indexOf("<md:EntityDescriptor")
                : spMetadata.indexOf("<EntityDescriptor"));

    IdentityProvider idp = IdentityProvider.fromMetadata(aggregate(spEntity, entity(ENTRA)));

    assertThat(idp.entityId()).isEqualTo(ENTRA.entityId());
    assertThat(idp.signingCertificates()).isNotEmpty();
  }

  @Test
  void fromMetadataWhenAggregateHoldsTwoIdentityProvidersThenRejects() {
    assertThatThrownBy(
            () -> IdentityProvider.fromMetadata(aggregate(entity(ENTRA), entity(OTHER_TENANT))))
        .isInstanceOf(SamlMetadataException.class)
        .hasMessageContaining("2 identity providers");
  }

  @Test
  void fromMetadataWhenAggregateHoldsNoIdentityProviderThenRejects() {
    assertThatThrownBy(() -> IdentityProvider.fromMetadata(aggregate()))
        .isInstanceOf(SamlMetadataException.class)
        .hasMessageContaining("0 identity providers");
  }

  @Test
  void fromMetadataWhenABindingIsListedTwiceThenTheFirstLocationWins() throws Exception {
    String redirect = "Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\"";
    String xml = entity(ENTRA);
    int at = xml.indexOf("<SingleSignOnService " + redirect);
    assertThat(at).isPositive();
    String withSecond =
        xml.substring(0, at)
            + "<SingleSignOnService "
            + redirect
            + " Location=\"https://login.microsoftonline.com/first/saml2\" />"
            + xml.substring(at);

    IdentityProvider idp = IdentityProvider.fromMetadata(withSecond);

    assertThat(idp.singleSignOnUrl(Binding.HTTP_REDIRECT))
        .contains(URI.create("https://login.microsoftonline.com/first/saml2"));
  }
}
