package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signed AuthnRequests as Entra's "Require verification certificates" checks them, over real HTTP:
 * RSA-SHA256 over the Redirect query bytes exactly as sent, by the key whose certificate Entra
 * holds; anything else gets AADSTS76021. And the SP metadata that announces it.
 */
class SignedAuthnRequestTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static KeyPair spKeys;
  private static X509Certificate spCert;
  private static KeyPair otherKeys;
  private static FakeEntraServer idp;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    spKeys = g.generateKeyPair();
    spCert = TestCertificates.selfSigned(spKeys, "CN=cloudsign-sp-signing");
    otherKeys = g.generateKeyPair();
    idp =
        FakeEntraServer.start(
            FakeEntra.builder()
                .application(Fixture.ENTITY_ID, Fixture.REPLY_URL)
                .requireSignedRequests(spCert));
  }

  @AfterAll
  static void stop() {
    idp.close();
  }

  private static ServiceProvider sp(KeyPair signWith) throws Exception {
    Registration.Builder r =
        Registration.builder("contoso")
            .entityId(Fixture.ENTITY_ID)
            .replyUrl(Fixture.REPLY_URL)
            .identityProvider(IdentityProvider.fromMetadata(idp.entra().metadataXml()));
    if (signWith != null) {
      X509Certificate cert =
          signWith == spKeys ? spCert : TestCertificates.selfSigned(signWith, "CN=other");
      r.requestSigningKey(signWith.getPrivate(), cert);
    }
    return ServiceProvider.builder().registration(r.build()).build();
  }

  private static HttpResponse<String> get(URI uri) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void signedRedirectRequestIsAcceptedByEntraRequiringVerificationCertificates() throws Exception {
    SignInRequest request = sp(spKeys).startSignIn("contoso", "/inbox?a=b&c=d");
    assertThat(request.redirectUrl().getRawQuery()).contains("&SigAlg=", "&Signature=");
    HttpResponse<String> page = get(request.redirectUrl());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).doesNotContain("AADSTS");
    assertThat(idp.lastRequest().orElseThrow().id()).isEqualTo(request.pending().requestId());
  }

  @Test
  void unsignedRequestIsRefusedWithAadsts76021() throws Exception {
    HttpResponse<String> page = get(sp(null).startSignIn("contoso", null).redirectUrl());
    assertThat(page.statusCode()).isEqualTo(400);
    assertThat(page.body()).contains("AADSTS76021");
  }

  @Test
  void requestSignedWithAnotherKeyIsRefusedWithAadsts76021() throws Exception {
    HttpResponse<String> page = get(sp(otherKeys).startSignIn("contoso", null).redirectUrl());
    assertThat(page.statusCode()).isEqualTo(400);
    assertThat(page.body()).contains("AADSTS76021");
  }

  @Test
  void requestWhoseRelayStateChangedAfterSigningIsRefusedWithAadsts76021() throws Exception {
    URI signed = sp(spKeys).startSignIn("contoso", "relay-1").redirectUrl();
    URI tampered =
        URI.create(signed.toString().replace("RelayState=relay-1", "RelayState=relay-2"));
    assertThat(tampered).isNotEqualTo(signed);
    HttpResponse<String> page = get(tampered);
    assertThat(page.statusCode()).isEqualTo(400);
    assertThat(page.body()).contains("AADSTS76021");
  }

  @Test
  void metadataAnnouncesSignedRequestsWithTheSigningCertificate() throws Exception {
    String metadata = sp(spKeys).metadata("contoso");
    assertThat(metadata)
        .contains("AuthnRequestsSigned=\"true\"")
        .contains("<md:KeyDescriptor use=\"signing\">")
        .contains(java.util.Base64.getEncoder().encodeToString(spCert.getEncoded()))
        .doesNotContain("use=\"encryption\"");
    assertThat(sp(null).metadata("contoso"))
        .contains("AuthnRequestsSigned=\"false\"")
        .doesNotContain("KeyDescriptor");
  }
}
