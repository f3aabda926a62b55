package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.internal.Certificates;
import io.cloudsign.saml.testkit.internal.SigningKey;
import java.time.Instant;
import java.util.Base64;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * {@link FakeEntra#parseLogoutRedirect}: an SP's HTTP-Redirect LogoutRequest, deflated here with
 * the JDK, comes back field by field; its signature is checked over the raw query as received;
 * anything that is not a LogoutRequest is refused.
 */
class LogoutRequestParsingTest {
  private static final FakeEntra ENTRA = FakeEntra.create();
  private static final SigningKey SP_KEY = Certificates.generate("CN=sp", Instant.now());
  private static final SigningKey OTHER = Certificates.generate("CN=other", Instant.now());
  private static final String SP = "urn:example:slo-sp";

  private static String request(String extra) {
    return Slo.logoutRequest("_lr-1", SP, ENTRA.sloUrl(), extra);
  }

  @Test
  void parseLogoutRedirectWhenSpDeflatedItThenExposesEveryField() {
    String xml = request("<samlp:SessionIndex>_session-42</samlp:SessionIndex>");
    String url = ENTRA.sloUrl() + "?" + Slo.query(xml, "/signed-out?a=1&b=2");

    LogoutRequestInfo info = ENTRA.parseLogoutRedirect(url);

    assertThat(info.id()).isEqualTo("_lr-1");
    assertThat(info.issuer()).isEqualTo(SP);
    assertThat(info.destination()).isEqualTo(ENTRA.sloUrl());
    assertThat(info.issueInstant()).isEqualTo(Instant.parse("2026-04-01T12:00:00.123Z"));
    assertThat(info.nameId()).isEqualTo("bsimon@contoso.com");
    assertThat(info.nameIdFormat())
        .contains("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
    assertThat(info.sessionIndex()).contains("_session-42");
    assertThat(info.relayState()).contains("/signed-out?a=1&b=2");
    assertThat(info.sigAlg()).isEmpty();
    assertThat(info.signed()).isFalse();
    assertThat(info.xml()).isEqualTo(xml);
  }

  @Test
  void parseLogoutRedirectWhenOptionalPartsAreAbsentThenTheyAreEmpty() {
    String xml =
        "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
            + " ID=\"idaa6ebe6839094fe4abc4ebd5281ec780\" Version=\"2.0\""
            + " IssueInstant=\"2013-03-28T07:10:49.6004822Z\">"
            + "<Issuer xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">https://www.workaad.com</Issuer>"
            + "<NameID xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">Uz2Pqz1X7pxe4XLWxV9KJQ+n59d573SepSAkuYKSde8=</NameID>"
            + "</samlp:LogoutRequest>"; // Microsoft's documented example: 7 fraction digits

    LogoutRequestInfo info = ENTRA.parseLogoutRedirect(Slo.query(xml, null));

    assertThat(info.issuer()).isEqualTo("https://www.workaad.com");
    assertThat(info.issueInstant()).isEqualTo(Instant.parse("2013-03-28T07:10:49.6004822Z"));
    assertThat(info.destination()).isNull();
    assertThat(info.nameIdFormat()).isEmpty();
    assertThat(info.sessionIndex()).isEmpty();
    assertThat(info.relayState()).isEmpty();
  }

  @Test
  void isSignedByWhenSignedOverTheRawQueryThenTrueForTheSpKeyOnly() throws Exception {
    String query = Slo.signed(Slo.query(request(""), "/bye"), SP_KEY.privateKey());

    LogoutRequestInfo info = ENTRA.parseLogoutRedirect(ENTRA.sloUrl() + "?" + query);

    assertThat(info.signed()).isTrue();
    assertThat(info.sigAlg()).contains(Slo.RSA_SHA256);
    assertThat(info.isSignedBy(SP_KEY.certificate())).isTrue();
    assertThat(info.isSignedBy(OTHER.certificate())).isFalse();
  }

  @Test
  void isSignedByWhenTheQueryIsReEncodedAfterSigningThenFalse() throws Exception {
    String query = Slo.signed(Slo.query(request(""), "/a b"), SP_KEY.privateKey()); // %2Fa+b
    String reEncoded = query.replace("RelayState=%2Fa+b", "RelayState=%2fa%20b"); // same value
    assertThat(reEncoded).isNotEqualTo(query);

    LogoutRequestInfo info = ENTRA.parseLogoutRedirect(reEncoded);

    assertThat(info.relayState()).contains("/a b");
    assertThat(info.isSignedBy(SP_KEY.certificate())).isFalse();
  }

  @Test
  void isSignedByWhenUnsignedThenFalse() {
    assertThat(
            ENTRA.parseLogoutRedirect(Slo.query(request(""), "r")).isSignedBy(SP_KEY.certificate()))
        .isFalse();
  }

  @Test
  void isSignedByWhenSigAlgIsNotRsaSha256ThenFalseEvenIfTheBytesVerify() throws Exception {
    String query =
        Slo.query(request(""), "r")
            + "&SigAlg="
            + Slo.enc("http://www.w3.org/2000/09/xmldsig#rsa-sha1");
    java.security.Signature s = java.security.Signature.getInstance("SHA1withRSA");
    s.initSign(SP_KEY.privateKey());
    s.update(query.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    String signed = query + "&Signature=" + Slo.enc(Base64.getEncoder().encodeToString(s.sign()));

    assertThat(ENTRA.parseLogoutRedirect(signed).isSignedBy(SP_KEY.certificate())).isFalse();
  }

  @Test
  void parseLogoutRedirectWhenItIsAnAuthnRequestThenRejects() {
    String authn = AuthnRequestParsingTest.request("", "");
    assertThatThrownBy(() -> ENTRA.parseLogoutRedirect(Slo.query(authn, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a samlp:LogoutRequest")
        .hasMessageContaining("AuthnRequest");
  }

  @Test
  void parseLogoutRedirectWhenItIsALogoutResponseThenRejects() {
    String response =
        "<samlp:LogoutResponse xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_r\""
            + " Version=\"2.0\" IssueInstant=\"2026-04-01T12:00:00Z\" InResponseTo=\"_x\"/>";
    assertThatThrownBy(() -> ENTRA.parseLogoutRedirect(Slo.query(response, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a samlp:LogoutRequest");
  }

  @Test
  void parseLogoutRedirectWhenLogoutRequestIsInAnotherNamespaceThenRejects() {
    String xml = request("").replace("urn:oasis:names:tc:SAML:2.0:protocol", "urn:evil");
    assertThatThrownBy(() -> ENTRA.parseLogoutRedirect(Slo.query(xml, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("{urn:evil}LogoutRequest");
  }

  @Test
  void parseLogoutRedirectWhenNameIdIsMissingThenRejects() {
    String xml = request("").replaceFirst("<saml:NameID.*</saml:NameID>", "");
    assertThatThrownBy(() -> ENTRA.parseLogoutRedirect(Slo.query(xml, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one NameID");
  }

  @Test
  void parseLogoutRedirectWhenIdIsMissingThenRejects() {
    String xml = request("").replace(" ID=\"_lr-1\"", "");
    assertThatThrownBy(() -> ENTRA.parseLogoutRedirect(Slo.query(xml, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no ID attribute");
  }

  @Test
  void parseLogoutRedirectWhenItHasADoctypeThenRejects() {
    String xml =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            + request("").replace("bsimon@contoso.com", "&x;");
    assertThatThrownBy(() -> ENTRA.parseLogoutRedirect(Slo.query(xml, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DOCTYPE");
  }

  @Test
  void parseLogoutRedirectWhenItInflatesBeyondTheCapThenRejects() {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    deflater.setInput(new byte[20 * 1024 * 1024]);
    deflater.finish();
    byte[] buf = new byte[1024 * 1024];
    int n = deflater.deflate(buf);
    deflater.end();
    String bomb = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf, n));

    assertThatThrownBy(() -> ENTRA.parseLogoutRedirect("SAMLRequest=" + Slo.enc(bomb)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inflates beyond");
  }

  @Test
  void parseLogoutRedirectWhenThereIsNoSamlRequestThenRejects() {
    assertThatThrownBy(() -> ENTRA.parseLogoutRedirect(ENTRA.sloUrl() + "?RelayState=x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no SAMLRequest");
  }
}
