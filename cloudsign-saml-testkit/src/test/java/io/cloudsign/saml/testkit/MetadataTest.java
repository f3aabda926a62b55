package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

class MetadataTest {
  private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  private static final FakeEntra ENTRA =
      FakeEntra.builder()
          .tenantId(TENANT)
          .signingCertificateCount(3)
          .activeCertificateIndex(1)
          .build();

  private static List<String> childNames(Element e) {
    List<String> out = new java.util.ArrayList<>();
    for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
      out.add(c instanceof Element el ? el.getLocalName() + typeOf(el) : "#" + c.getNodeName());
    }
    return out;
  }

  private static String typeOf(Element e) {
    String t = e.getAttributeNS("http://www.w3.org/2001/XMLSchema-instance", "type");
    return t.isEmpty() ? "" : "[" + t + "]";
  }

  @Test
  void metadataIsOneSignedLineAfterTheXmlDeclarationAsEntraServesIt() {
    String xml = ENTRA.metadataXml();
    assertThat(xml).doesNotContain("\n").doesNotStartWith("\uFEFF");
    assertThat(xml)
        .matches(
            "<\\?xml version=\"1.0\" encoding=\"utf-8\"\\?><EntityDescriptor ID=\"_[-0-9a-f]{36}\""
                + " entityID=\"https://sts\\.windows\\.net/"
                + TENANT
                + "/\" xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\"><Signature"
                + " xmlns=\"http://www\\.w3\\.org/2000/09/xmldsig#\">.*</EntityDescriptor>");
    assertThat(xml)
        .contains(
            "<CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\" />");
  }

  @Test
  void childrenAreSignatureThenWsFedRoleDescriptorsThenIdpSsoDescriptor() {
    Element root = Dsig.parse(ENTRA.metadataXml()).getDocumentElement();
    assertThat(root.getAttribute("ID")).startsWith("_");
    assertThat(root.getAttribute("entityID")).isEqualTo(ENTRA.entityId());
    assertThat(childNames(root))
        .containsExactly(
            "Signature",
            "RoleDescriptor[fed:SecurityTokenServiceType]",
            "RoleDescriptor[fed:ApplicationServiceType]",
            "IDPSSODescriptor");
    for (Element rd : Dsig.children(root, Dsig.MD_NS, "RoleDescriptor")) {
      assertThat(rd.lookupNamespaceURI("fed"))
          .isEqualTo("http://docs.oasis-open.org/wsfed/federation/200706");
      assertThat(Dsig.children(rd, Dsig.MD_NS, "KeyDescriptor")).hasSize(3);
    }
  }

  @Test
  void idpSsoDescriptorHasOneSigningKeyPerCertificateSloAndSsoEndpoints() throws Exception {
    Element idp =
        Dsig.children(
                Dsig.parse(ENTRA.metadataXml()).getDocumentElement(),
                Dsig.MD_NS,
                "IDPSSODescriptor")
            .get(0);
    assertThat(idp.getAttribute("protocolSupportEnumeration"))
        .isEqualTo("urn:oasis:names:tc:SAML:2.0:protocol");
    assertThat(childNames(idp))
        .containsExactly(
            "KeyDescriptor",
            "KeyDescriptor",
            "KeyDescriptor",
            "SingleLogoutService",
            "SingleSignOnService",
            "SingleSignOnService");
    assertThat(Dsig.children(idp, Dsig.MD_NS, "KeyDescriptor"))
        .allSatisfy(kd -> assertThat(kd.getAttribute("use")).isEqualTo("signing"));
    assertThat(Dsig.metadataCertificates(ENTRA.metadataXml()))
        .isEqualTo(ENTRA.signingCertificates());
    List<Element> sso = Dsig.children(idp, Dsig.MD_NS, "SingleSignOnService");
    assertThat(sso.get(0).getAttribute("Binding"))
        .isEqualTo("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect");
    assertThat(sso.get(1).getAttribute("Binding"))
        .isEqualTo("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
    assertThat(sso)
        .allSatisfy(s -> assertThat(s.getAttribute("Location")).isEqualTo(ENTRA.ssoUrl()));
    Element slo = Dsig.children(idp, Dsig.MD_NS, "SingleLogoutService").get(0);
    assertThat(slo.getAttribute("Location")).isEqualTo(ENTRA.sloUrl());
    assertThat(ENTRA.ssoUrl()).isEqualTo("https://login.microsoftonline.com/" + TENANT + "/saml2");
  }

  @Test
  void metadataSignatureVerifiesWithTheActiveCertificateOnly() {
    Element root = Dsig.parse(ENTRA.metadataXml()).getDocumentElement();
    List<X509Certificate> certs = ENTRA.signingCertificates();
    assertThat(Dsig.verifies(root, certs.get(1))).isTrue();
    assertThat(Dsig.verifies(root, certs.get(0))).isFalse();
  }

  @Test
  void withBomStartsWithUtf8ByteOrderMarkAndStillVerifies() {
    byte[] bytes = ENTRA.metadata().withBom().bytes();
    assertThat(bytes[0]).isEqualTo((byte) 0xEF);
    assertThat(bytes[1]).isEqualTo((byte) 0xBB);
    assertThat(bytes[2]).isEqualTo((byte) 0xBF);
    assertThat(ENTRA.metadata().withBom().xml()).startsWith("\uFEFF<?xml");
    String withoutBom = new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
    assertThat(withoutBom).isEqualTo(ENTRA.metadataXml());
    assertThat(
            Dsig.verifies(Dsig.parse(withoutBom).getDocumentElement(), ENTRA.signingCertificate()))
        .isTrue();
  }

  @Test
  void unsignedHasNoSignatureButTheSameContent() {
    String unsigned = ENTRA.metadata().unsigned().xml();
    Document doc = Dsig.parse(unsigned);
    assertThat(Dsig.signatureOf(doc.getDocumentElement())).isNull();
    assertThat(unsigned).doesNotContain("<Signature");
    assertThat(doc.getDocumentElement().getAttribute("ID"))
        .isEqualTo(Dsig.parse(ENTRA.metadataXml()).getDocumentElement().getAttribute("ID"));
  }

  @Test
  void withoutXmlDeclarationStartsWithTheEntityDescriptor() {
    assertThat(ENTRA.metadata().withoutXmlDeclaration().xml())
        .startsWith("<EntityDescriptor ID=\"_");
  }

  @Test
  void reformattedMetadataIsMultiLineAndItsSignatureNoLongerVerifies() {
    String pretty = ENTRA.metadata().reformatted().xml();
    assertThat(pretty.lines().count()).isGreaterThan(20);
    assertThat(Dsig.verifies(Dsig.parse(pretty).getDocumentElement(), ENTRA.signingCertificate()))
        .isFalse();
  }

  @Test
  void metadataIsStableForOneFake() {
    assertThat(ENTRA.metadataXml()).isEqualTo(ENTRA.metadataXml());
  }

  @Test
  void certificateBase64IsEntrasDownloadFormatOfTheActiveCertificate() throws Exception {
    String pem = ENTRA.certificateBase64();
    assertThat(pem)
        .startsWith("-----BEGIN CERTIFICATE-----\r\n")
        .endsWith("\r\n-----END CERTIFICATE-----\r\n");
    assertThat(pem.lines().toList()).hasSize(3);
    X509Certificate parsed =
        (X509Certificate)
            java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    assertThat(parsed).isEqualTo(ENTRA.signingCertificate());
    assertThat(parsed.getSubjectX500Principal().getName())
        .isEqualTo("CN=Microsoft Azure Federated SSO Certificate");
    assertThat(parsed.getSigAlgName()).isEqualTo("SHA256withRSA");
  }

  @Test
  void customSsoUrlIsPublishedAndUsedForSlo() {
    FakeEntra local = FakeEntra.builder().ssoUrl("http://127.0.0.1:8443/t/saml2").build();
    assertThat(local.sloUrl()).isEqualTo("http://127.0.0.1:8443/t/saml2");
    assertThat(local.metadataXml()).contains("Location=\"http://127.0.0.1:8443/t/saml2\"");
  }
}
