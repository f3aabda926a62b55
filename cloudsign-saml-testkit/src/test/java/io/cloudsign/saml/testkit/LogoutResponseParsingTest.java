package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.internal.Certificates;
import io.cloudsign.saml.testkit.internal.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * {@link FakeEntra#parseLogoutResponseRedirect}: an SP's HTTP-Redirect LogoutResponse (its answer
 * to an IdP-initiated LogoutRequest), deflated here with the JDK, comes back field by field; its
 * signature is checked over the raw query as received; anything that is not a LogoutResponse is
 * refused.
 */
class LogoutResponseParsingTest {
  private static final FakeEntra ENTRA = FakeEntra.create();
  private static final SigningKey SP_KEY = Certificates.generate("CN=sp", Instant.now());
  private static final SigningKey OTHER = Certificates.generate("CN=other", Instant.now());
  private static final String SP = "urn:example:slo-sp";

  private static String response() {
    return Slo.logoutResponse("_resp-1", "_lr-9", SP, ENTRA.sloUrl());
  }

  private static String responseQuery(String xml, String relayStateOrNull) {
    return Slo.query("SAMLResponse", xml, relayStateOrNull);
  }

  @Test
  void parseLogoutResponseRedirectWhenSpDeflatedItThenExposesEveryField() {
    String xml = response();
    String url = ENTRA.sloUrl() + "?" + responseQuery(xml, "/after?a=1&b=2");

    LogoutResponseInfo info = ENTRA.parseLogoutResponseRedirect(url);

    assertThat(info.id()).isEqualTo("_resp-1");
    assertThat(info.inResponseTo()).isEqualTo("_lr-9");
    assertThat(info.issuer()).isEqualTo(SP);
    assertThat(info.destination()).isEqualTo(ENTRA.sloUrl());
    assertThat(info.issueInstant()).isEqualTo(Instant.parse("2026-04-01T12:00:02.5Z"));
    assertThat(info.statusCode()).isEqualTo(LogoutResponseBuilder.STATUS_SUCCESS);
    assertThat(info.relayState()).contains("/after?a=1&b=2");
    assertThat(info.sigAlg()).isEmpty();
    assertThat(info.signed()).isFalse();
    assertThat(info.isSignedBy(SP_KEY.certificate())).isFalse();
    assertThat(info.xml()).isEqualTo(xml);
  }

  @Test
  void parseLogoutResponseRedirectWhenOptionalPartsAreAbsentThenNullOrEmpty() {
    String xml = Slo.logoutResponse("_resp-2", null, SP, null);

    LogoutResponseInfo info = ENTRA.parseLogoutResponseRedirect(responseQuery(xml, null));

    assertThat(info.destination()).isNull();
    assertThat(info.inResponseTo()).isNull();
    assertThat(info.relayState()).isEmpty();
  }

  @Test
  void parseLogoutResponseRedirectWhenStatusIsNotSuccessThenReportsIt() {
    String xml = response().replace(Slo.SUCCESS, "urn:oasis:names:tc:SAML:2.0:status:Requester");
    assertThat(ENTRA.parseLogoutResponseRedirect(responseQuery(xml, null)).statusCode())
        .isEqualTo("urn:oasis:names:tc:SAML:2.0:status:Requester");
  }

  @Test
  void isSignedByWhenSignedOverTheRawQueryThenTrueForTheSpKeyOnly() throws Exception {
    String query = Slo.signed(responseQuery(response(), "/bye"), SP_KEY.privateKey());

    LogoutResponseInfo info = ENTRA.parseLogoutResponseRedirect(ENTRA.sloUrl() + "?" + query);

    assertThat(info.signed()).isTrue();
    assertThat(info.sigAlg()).contains(Slo.RSA_SHA256);
    assertThat(info.isSignedBy(SP_KEY.certificate())).isTrue();
    assertThat(info.isSignedBy(OTHER.certificate())).isFalse();
  }

  @Test
  void isSignedByWhenTheQueryIsReEncodedAfterSigningThenFalse() throws Exception {
    String query = Slo.signed(responseQuery(response(), "/a b"), SP_KEY.privateKey()); // %2Fa+b
    String reEncoded = query.replace("RelayState=%2Fa+b", "RelayState=%2fa%20b"); // same value
    assertThat(reEncoded).isNotEqualTo(query);

    LogoutResponseInfo info = ENTRA.parseLogoutResponseRedirect(reEncoded);

    assertThat(info.relayState()).contains("/a b");
    assertThat(info.isSignedBy(SP_KEY.certificate())).isFalse();
  }

  @Test
  void isSignedByWhenSigAlgIsNotRsaSha256ThenFalseEvenIfTheBytesVerify() throws Exception {
    String query =
        responseQuery(response(), "r")
            + "&SigAlg="
            + Slo.enc("http://www.w3.org/2000/09/xmldsig#rsa-sha1");
    Signature s = Signature.getInstance("SHA1withRSA");
    s.initSign(SP_KEY.privateKey());
    s.update(query.getBytes(StandardCharsets.US_ASCII));
    String signed = query + "&Signature=" + Slo.enc(Base64.getEncoder().encodeToString(s.sign()));

    assertThat(ENTRA.parseLogoutResponseRedirect(signed).isSignedBy(SP_KEY.certificate()))
        .isFalse();
  }

  @Test
  void parseLogoutResponseRedirectWhenItIsAnAuthnRequestThenRejectsNamingIt() {
    String authn = AuthnRequestParsingTest.request("", "");
    assertThatThrownBy(() -> ENTRA.parseLogoutResponseRedirect(responseQuery(authn, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a samlp:LogoutResponse")
        .hasMessageContaining("AuthnRequest");
  }

  @Test
  void parseLogoutResponseRedirectWhenItIsALogoutRequestThenRejectsNamingIt() {
    String request = Slo.logoutRequest("_lr", SP, null, "");
    assertThatThrownBy(() -> ENTRA.parseLogoutResponseRedirect(responseQuery(request, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a samlp:LogoutResponse")
        .hasMessageContaining("}LogoutRequest");
  }

  @Test
  void parseLogoutResponseRedirectWhenTheRedirectCarriesASamlRequestThenRejects() {
    String url = ENTRA.sloUrl() + "?" + Slo.query(Slo.logoutRequest("_lr", SP, null, ""), null);
    assertThatThrownBy(() -> ENTRA.parseLogoutResponseRedirect(url))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no SAMLResponse");
  }

  @Test
  void parseLogoutResponseRedirectWhenLogoutResponseIsInAnotherNamespaceThenRejects() {
    String xml = response().replace("urn:oasis:names:tc:SAML:2.0:protocol", "urn:evil");
    assertThatThrownBy(() -> ENTRA.parseLogoutResponseRedirect(responseQuery(xml, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("{urn:evil}LogoutResponse");
  }

  @Test
  void parseLogoutResponseRedirectWhenRequiredPartsAreMissingThenRejectsNamingThem() {
    String noId = response().replace(" ID=\"_resp-1\"", "");
    String noStatus = response().replaceFirst("<samlp:Status>.*</samlp:Status>", "");
    String twoIssuers =
        response().replace("</saml:Issuer>", "</saml:Issuer><saml:Issuer>evil</saml:Issuer>");
    String badInstant = response().replace("2026-04-01T12:00:02.5Z", "yesterday");

    assertThatThrownBy(() -> ENTRA.parseLogoutResponseRedirect(responseQuery(noId, null)))
        .hasMessageContaining("no ID attribute");
    assertThatThrownBy(() -> ENTRA.parseLogoutResponseRedirect(responseQuery(noStatus, null)))
        .hasMessageContaining("one Status");
    assertThatThrownBy(() -> ENTRA.parseLogoutResponseRedirect(responseQuery(twoIssuers, null)))
        .hasMessageContaining("one Issuer, has 2");
    assertThatThrownBy(() -> ENTRA.parseLogoutResponseRedirect(responseQuery(badInstant, null)))
        .hasMessageContaining("IssueInstant is not an xs:dateTime");
  }

  @Test
  void parseLogoutResponseRedirectWhenItHasADoctypeThenRejects() {
    String xml =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            + response().replace(SP, "&x;");
    assertThatThrownBy(() -> ENTRA.parseLogoutResponseRedirect(responseQuery(xml, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DOCTYPE");
  }

  @Test
  void parseLogoutResponseRedirectWhenItInflatesBeyondTheCapThenRejects() {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    deflater.setInput(new byte[20 * 1024 * 1024]);
    deflater.finish();
    byte[] buf = new byte[1024 * 1024];
    int n = deflater.deflate(buf);
    deflater.end();
    String bomb = Base64.getEncoder().encodeToString(Arrays.copyOf(buf, n));

    assertThatThrownBy(() -> ENTRA.parseLogoutResponseRedirect("SAMLResponse=" + Slo.enc(bomb)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SAMLResponse inflates beyond");
  }

  @Test
  void parseLogoutResponseRedirectWhenASignatureHasNoSigAlgThenRejects() {
    String query = responseQuery(response(), null) + "&Signature=AAAA";
    assertThatThrownBy(() -> ENTRA.parseLogoutResponseRedirect(query))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no SigAlg");
  }
}
