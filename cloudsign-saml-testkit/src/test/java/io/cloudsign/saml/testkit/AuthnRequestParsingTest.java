package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.internal.Bindings;
import io.cloudsign.saml.testkit.internal.Certificates;
import io.cloudsign.saml.testkit.internal.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class AuthnRequestParsingTest {
  private static final FakeEntra ENTRA = FakeEntra.create();
  private static final SigningKey SP_KEY = Certificates.generate("CN=sp", Instant.now());
  private static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

  static String request(String extraAttributes, String extraChildren) {
    return "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
        + " xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_8f7e6d5c\" Version=\"2.0\""
        + " IssueInstant=\"2026-03-02T10:15:00.123Z\""
        + " Destination=\""
        + ENTRA.ssoUrl()
        + "\""
        + " AssertionConsumerServiceURL=\"https://sp.example.com/saml2/idpresponse\""
        + " ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\""
        + extraAttributes
        + "><saml:Issuer>urn:amazon:cognito:sp:ap-northeast-1_abc</saml:Issuer>"
        + extraChildren
        + "</samlp:AuthnRequest>";
  }

  static String encodedForRedirect(String xml) {
    return Bindings.encode(
        Base64.getEncoder().encodeToString(Bindings.deflate(xml.getBytes(StandardCharsets.UTF_8))));
  }

  static String signedRedirect(String xml, String relayState) throws Exception {
    String query = "SAMLRequest=" + encodedForRedirect(xml);
    if (relayState != null) {
      query += "&RelayState=" + Bindings.encode(relayState);
    }
    query += "&SigAlg=" + Bindings.encode(RSA_SHA256);
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(SP_KEY.privateKey());
    s.update(query.getBytes(StandardCharsets.US_ASCII));
    return ENTRA.ssoUrl()
        + "?"
        + query
        + "&Signature="
        + Bindings.encode(Base64.getEncoder().encodeToString(s.sign()));
  }

  @Test
  void parseRedirectDecodesEveryFieldEntraActsOn() {
    String xml =
        request(
            " ForceAuthn=\"true\" IsPassive=\"false\"",
            "<samlp:NameIDPolicy Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\""
                + " AllowCreate=\"true\"/><samlp:RequestedAuthnContext Comparison=\"exact\">"
                + "<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password"
                + "</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>");
    AuthnRequestInfo req =
        ENTRA.parseRedirect(
            ENTRA.ssoUrl()
                + "?SAMLRequest="
                + encodedForRedirect(xml)
                + "&RelayState=%2Fdocs%3Fa%3D1");
    assertThat(req.id()).isEqualTo("_8f7e6d5c");
    assertThat(req.version()).isEqualTo("2.0");
    assertThat(req.issuer()).isEqualTo("urn:amazon:cognito:sp:ap-northeast-1_abc");
    assertThat(req.issueInstant()).isEqualTo(Instant.parse("2026-03-02T10:15:00.123Z"));
    assertThat(req.destination()).isEqualTo(ENTRA.ssoUrl());
    assertThat(req.assertionConsumerServiceUrl())
        .isEqualTo("https://sp.example.com/saml2/idpresponse");
    assertThat(req.protocolBinding()).isEqualTo("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
    assertThat(req.forceAuthn()).isTrue();
    assertThat(req.passive()).isFalse();
    assertThat(req.nameIdFormat())
        .contains("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
    assertThat(req.requestedAuthnContextClassRefs())
        .containsExactly("urn:oasis:names:tc:SAML:2.0:ac:classes:Password");
    assertThat(req.requestedAuthnContextComparison()).contains("exact");
    assertThat(req.relayState()).contains("/docs?a=1");
    assertThat(req.hasSubject()).isFalse();
    assertThat(req.signed()).isFalse();
    assertThat(req.sigAlg()).isEmpty();
    assertThat(req.binding()).isEqualTo(AuthnRequestInfo.Binding.HTTP_REDIRECT);
    assertThat(req.xml()).isEqualTo(xml);
  }

  @Test
  void parseRedirectAcceptsAQueryStringAlone() {
    AuthnRequestInfo req =
        ENTRA.parseRedirect("SAMLRequest=" + encodedForRedirect(request("", "")));
    assertThat(req.id()).isEqualTo("_8f7e6d5c");
    assertThat(req.relayState()).isEmpty();
    assertThat(req.nameIdFormat()).isEmpty();
    assertThat(req.forceAuthn()).isFalse();
  }

  @Test
  void signedRedirectVerifiesWithTheSpCertificateOverTheExactQuery() throws Exception {
    AuthnRequestInfo req = ENTRA.parseRedirect(signedRedirect(request("", ""), "state-1"));
    assertThat(req.signed()).isTrue();
    assertThat(req.sigAlg()).contains(RSA_SHA256);
    assertThat(req.signatureValid(SP_KEY.certificate())).isTrue();
    assertThat(req.signatureValid(ENTRA.signingCertificate())).isFalse();
  }

  @Test
  void signedRedirectWithAlteredRelayStateDoesNotVerify() throws Exception {
    String url =
        signedRedirect(request("", ""), "state-1")
            .replace("RelayState=state-1", "RelayState=state-2");
    assertThat(ENTRA.parseRedirect(url).signatureValid(SP_KEY.certificate())).isFalse();
  }

  @Test
  void unsignedRequestIsNeverSignatureValid() {
    AuthnRequestInfo req =
        ENTRA.parseRedirect("SAMLRequest=" + encodedForRedirect(request("", "")));
    assertThat(req.signatureValid(SP_KEY.certificate())).isFalse();
  }

  @Test
  void parsePostDecodesBase64WithoutInflating() {
    String xml = request("", "<saml:Subject><saml:NameID>x</saml:NameID></saml:Subject>");
    AuthnRequestInfo req =
        ENTRA.parsePost(
            Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8)), "rs");
    assertThat(req.binding()).isEqualTo(AuthnRequestInfo.Binding.HTTP_POST);
    assertThat(req.id()).isEqualTo("_8f7e6d5c");
    assertThat(req.relayState()).contains("rs");
    assertThat(req.hasSubject()).isTrue();
  }

  @Test
  void parsePostWithoutRelayStateHasNone() {
    String b64 =
        Base64.getEncoder().encodeToString(request("", "").getBytes(StandardCharsets.UTF_8));
    assertThat(ENTRA.parsePost(b64, null).relayState()).isEmpty();
  }

  @Test
  void doctypeIsRejected() {
    String xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            + request("", "").replace("urn:amazon", "&x;urn:amazon");
    String b64 = Base64.getEncoder().encodeToString(xxe.getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> ENTRA.parsePost(b64, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DOCTYPE");
    assertThatThrownBy(() -> ENTRA.parseRedirect("SAMLRequest=" + encodedForRedirect(xxe)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void deflateBombIsRejectedBeforeItFillsMemory() {
    byte[] bomb = Bindings.deflate(new byte[20 * 1024 * 1024]);
    String url = "SAMLRequest=" + Bindings.encode(Base64.getEncoder().encodeToString(bomb));
    assertThatThrownBy(() -> ENTRA.parseRedirect(url))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inflates beyond");
  }

  @Test
  void somethingOtherThanAnAuthnRequestIsRejected() {
    String b64 =
        Base64.getEncoder()
            .encodeToString(
                "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>"
                    .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> ENTRA.parsePost(b64, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LogoutRequest");
  }

  @Test
  void redirectWithoutSamlRequestIsRejected() {
    assertThatThrownBy(() -> ENTRA.parseRedirect("https://x.example/?RelayState=a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SAMLRequest");
  }

  @Test
  void requestWithoutIdIsRejected() {
    String xml = request("", "").replace(" ID=\"_8f7e6d5c\"", "");
    assertThatThrownBy(() -> ENTRA.parseRedirect("SAMLRequest=" + encodedForRedirect(xml)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ID");
  }
}
