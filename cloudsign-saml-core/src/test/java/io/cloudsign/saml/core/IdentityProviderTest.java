package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.FakeEntra;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entra's Federation Metadata XML and hand-copied values (DESIGN §5 "Metadata"). */
class IdentityProviderTest {
  private static final FakeEntra ENTRA = FakeEntra.builder().signingCertificateCount(3).build();

  @Test
  void fromMetadataWhenEntraShapeThenReadsEntityIdUrlsAndEveryCertificate() throws Exception {
    IdentityProvider idp = IdentityProvider.fromMetadata(ENTRA.metadataXml());

    assertThat(idp.entityId()).isEqualTo(ENTRA.entityId());
    assertThat(idp.singleSignOnUrl(Binding.HTTP_REDIRECT)).contains(URI.create(ENTRA.ssoUrl()));
    assertThat(idp.singleSignOnUrl(Binding.HTTP_POST)).contains(URI.create(ENTRA.ssoUrl()));
    assertThat(idp.singleLogoutUrl()).contains(URI.create(ENTRA.sloUrl()));
    assertThat(idp.signingCertificates()).containsExactlyElementsOf(ENTRA.signingCertificates());
    assertThat(idp.signingCertificates()).hasSize(3);
  }

  @Test
  void fromMetadataWhenRoleDescriptorsPrecedeIdpDescriptorThenIgnoresThem() throws Exception {
    String xml = ENTRA.metadataXml();
    assertThat(xml.indexOf("RoleDescriptor")).isLessThan(xml.indexOf("IDPSSODescriptor"));
    assertThat(IdentityProvider.fromMetadata(xml).signingCertificates()).hasSize(3);
  }

  @Test
  void fromMetadataWhenStreamStartsWithUtf8BomThenReadsIt() throws Exception {
    byte[] bytes = ENTRA.metadata().withBom().bytes();
    assertThat(bytes[0] & 0xFF).isEqualTo(0xEF);
    IdentityProvider idp = IdentityProvider.fromMetadata(new ByteArrayInputStream(bytes));
    assertThat(idp.entityId()).isEqualTo(ENTRA.entityId());
  }

  @Test
  void fromMetadataWhenStringStartsWithBomCharacterThenReadsIt() throws Exception {
    IdentityProvider idp = IdentityProvider.fromMetadata("\uFEFF" + ENTRA.metadataXml());
    assertThat(idp.entityId()).isEqualTo(ENTRA.entityId());
  }

  @Test
  void fromMetadataWhenFileThenReadsIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("CloudSign.xml");
    Files.write(file, ENTRA.metadata().withBom().bytes());
    assertThat(IdentityProvider.fromMetadata(file).entityId()).isEqualTo(ENTRA.entityId());
  }

  @Test
  void fromMetadataWhenFileMissingThenExplains(@TempDir Path dir) {
    assertThatThrownBy(() -> IdentityProvider.fromMetadata(dir.resolve("nope.xml")))
        .isInstanceOf(SamlMetadataException.class)
        .hasMessageContaining("could not read");
  }

  @Test
  void fromSignedMetadataWhenSignedByPinnedCertificateThenAccepts() throws Exception {
    IdentityProvider idp =
        IdentityProvider.fromSignedMetadata(
            new ByteArrayInputStream(ENTRA.metadata().withBom().bytes()),
            ENTRA.signingCertificate());
    assertThat(idp.entityId()).isEqualTo(ENTRA.entityId());
  }

  @Test
  void fromSignedMetadataWhenPinnedCertificateDiffersThenRejects() {
    FakeEntra other = FakeEntra.create();
    assertThatThrownBy(
            () ->
                IdentityProvider.fromSignedMetadata(
                    stream(ENTRA.metadataXml()), other.signingCertificate()))
        .isInstanceOf(SamlMetadataException.class)
        .hasMessageContaining("pinned certificate");
  }

  @Test
  void fromSignedMetadataWhenEditedAfterSigningThenRejects() {
    String edited = ENTRA.metadataXml().replace(ENTRA.ssoUrl(), "https://evil.example/saml2");
    assertThatThrownBy(
            () -> IdentityProvider.fromSignedMetadata(stream(edited), ENTRA.signingCertificate()))
        .isInstanceOf(SamlMetadataException.class)
        .hasMessageContaining("not valid");
  }

  @Test
  void fromSignedMetadataWhenUnsignedThenRejects() {
    assertThatThrownBy(
            () ->
                IdentityProvider.fromSignedMetadata(
                    stream(ENTRA.metadata().unsigned().xml()), ENTRA.signingCertificate()))
        .isInstanceOf(SamlMetadataException.class)
        .hasMessageContaining("not signed");
  }

  @Test
  void fromMetadataWhenNotXmlThenExplainsWhereToDownload() {
    assertThatThrownBy(() -> IdentityProvider.fromMetadata("<html>login page</html"))
        .isInstanceOf(SamlMetadataException.class)
        .hasMessageContaining("Federation Metadata XML");
  }

  @Test
  void fromMetadataWhenDoctypeThenRejects() {
    String xml = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" + ENTRA.metadataXml();
    assertThatThrownBy(() -> IdentityProvider.fromMetadata(xml))
        .isInstanceOf(SamlMetadataException.class);
  }

  @Test
  void fromMetadataWhenNoIdpDescriptorThenRejects() {
    String sp =
        "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"urn:x\">"
            + "<md:SPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
            + "<md:AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\""
            + " Location=\"https://sp.example/acs\" index=\"0\"/></md:SPSSODescriptor>"
            + "</md:EntityDescriptor>";
    assertThatThrownBy(() -> IdentityProvider.fromMetadata(sp))
        .isInstanceOf(SamlMetadataException.class)
        .hasMessageContaining("IDPSSODescriptor");
  }

  @Test
  void builderWhenHandCopiedValuesThenBuildsTheSameIdentityProvider() throws Exception {
    IdentityProvider idp =
        IdentityProvider.builder()
            .entityId(ENTRA.entityId())
            .loginUrl(ENTRA.ssoUrl())
            .logoutUrl(ENTRA.sloUrl())
            .certificate(ENTRA.certificateBase64())
            .build();
    assertThat(idp.entityId()).isEqualTo(ENTRA.entityId());
    assertThat(idp.singleSignOnUrl(Binding.HTTP_POST)).contains(URI.create(ENTRA.ssoUrl()));
    assertThat(idp.signingCertificates()).containsExactly(ENTRA.signingCertificate());
  }

  @Test
  void builderWhenCertificateIsPemThenAccepts() {
    String pem =
        "-----BEGIN CERTIFICATE-----\n"
            + ENTRA.certificateBase64().replaceAll("(.{64})", "$1\n")
            + "\n-----END CERTIFICATE-----\n";
    IdentityProvider idp =
        IdentityProvider.builder()
            .entityId(ENTRA.entityId())
            .loginUrl(ENTRA.ssoUrl())
            .certificate(pem)
            .build();
    assertThat(idp.signingCertificates()).containsExactly(ENTRA.signingCertificate());
  }

  @Test
  void builderWhenCertificateIsGarbageThenRejectsNamingTheDownload() {
    assertThatThrownBy(() -> IdentityProvider.builder().certificate("bm90IGEgY2VydA=="))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Certificate (Base64)");
  }

  @Test
  void builderWhenNoCertificateThenRejects() {
    assertThatThrownBy(
            () ->
                IdentityProvider.builder()
                    .entityId(ENTRA.entityId())
                    .loginUrl(ENTRA.ssoUrl())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("certificate");
  }

  @Test
  void builderWhenLoginUrlIsPlainHttpThenRejects() {
    assertThatThrownBy(
            () ->
                IdentityProvider.builder()
                    .entityId(ENTRA.entityId())
                    .loginUrl("http://login.microsoftonline.com/t/saml2")
                    .certificate(ENTRA.certificateBase64())
                    .build())
        .hasMessageContaining("https");
  }

  private static ByteArrayInputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }
}
