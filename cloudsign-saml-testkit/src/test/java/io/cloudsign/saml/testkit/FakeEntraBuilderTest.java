package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import org.junit.jupiter.api.Test;

class FakeEntraBuilderTest {
  @Test
  void defaultsAreEntraShaped() {
    FakeEntra entra = FakeEntra.create();
    assertThat(entra.tenantId())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(entra.entityId()).isEqualTo("https://sts.windows.net/" + entra.tenantId() + "/");
    assertThat(entra.ssoUrl())
        .isEqualTo("https://login.microsoftonline.com/" + entra.tenantId() + "/saml2");
    assertThat(entra.sloUrl()).isEqualTo(entra.ssoUrl());
    assertThat(entra.signingCertificates()).containsExactly(entra.signingCertificate());
    assertThat(entra.users()).extracting(TestUser::nameId).containsExactly("B.Simon@contoso.com");
  }

  @Test
  void activeIndexMustBeBelowCertificateCount() {
    assertThatThrownBy(
            () -> FakeEntra.builder().signingCertificateCount(2).activeCertificateIndex(2).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("activeCertificateIndex 2");
  }

  @Test
  void tenantIdMustBeAGuid() {
    assertThatThrownBy(() -> FakeEntra.builder().tenantId("contoso.onmicrosoft.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GUID");
  }

  @Test
  void ssoUrlMustBeAbsoluteHttp() {
    assertThatThrownBy(() -> FakeEntra.builder().ssoUrl("/saml2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ssoUrl");
  }

  @Test
  void signingKeyMustMatchTheCertificate() throws Exception {
    FakeEntra donor = FakeEntra.create();
    var g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    var stranger = g.generateKeyPair().getPrivate();
    assertThatThrownBy(() -> FakeEntra.builder().signingKey(stranger, donor.signingCertificate()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong");
  }

  @Test
  void applicationNeedsAReplyUrl() {
    assertThatThrownBy(() -> FakeEntra.builder().application("urn:sp"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Reply URL");
  }

  @Test
  void respondToUsesTheRegisteredReplyUrlWhenTheRequestNamesNone() {
    FakeEntra entra =
        FakeEntra.builder()
            .application("urn:sp", "https://sp.example.com/saml2/idpresponse")
            .build();
    String xml =
        "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_a\""
            + " Version=\"2.0\" IssueInstant=\"2026-01-01T00:00:00Z\"><saml:Issuer"
            + " xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">urn:sp</saml:Issuer>"
            + "</samlp:AuthnRequest>";
    AuthnRequestInfo req =
        entra.parsePost(java.util.Base64.getEncoder().encodeToString(xml.getBytes()), null);
    assertThat(entra.respondTo(req).buildXml())
        .contains("Destination=\"https://sp.example.com/saml2/idpresponse\"");
    FakeEntra bare = FakeEntra.create();
    assertThatThrownBy(() -> bare.respondTo(req))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("application(");
  }

  @Test
  void testUserNeedsANameId() {
    assertThatThrownBy(() -> TestUser.builder().displayName("x").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nameId");
  }

  @Test
  void bSimonIsTheTutorialUser() {
    TestUser b = TestUser.bSimon();
    assertThat(b.nameId()).isEqualTo("B.Simon@contoso.com");
    assertThat(b.userPrincipalName()).isEqualTo("B.Simon@contoso.com");
    assertThat(b.displayName()).contains("B. Simon");
    assertThat(b.givenName()).contains("B.");
    assertThat(b.surname()).contains("Simon");
    assertThat(b.email()).contains("B.Simon@contoso.com");
    assertThat(b.objectId()).isEqualTo(TestUser.bSimon().objectId());
    assertThat(TestUser.bSimon("fabrikam.com").nameId()).isEqualTo("B.Simon@fabrikam.com");
  }
}
