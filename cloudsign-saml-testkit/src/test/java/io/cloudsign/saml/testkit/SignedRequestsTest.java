package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.internal.Certificates;
import io.cloudsign.saml.testkit.internal.SigningKey;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Entra's "Require verification certificates" in {@link FakeEntraServer}: over real HTTP, an
 * HTTP-Redirect AuthnRequest must carry an RSA-SHA256 signature over the query bytes exactly as
 * sent; unsigned, badly signed, re-encoded, other-algorithm and HTTP-POST requests get AADSTS76021.
 */
class SignedRequestsTest {
  private static final String SP = "urn:example:signed-sp";
  private static final String ACS = "https://sp.example.com/saml2/idpresponse";
  private static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
  private static final SigningKey SP_KEY = Certificates.generate("CN=sp-signing", Instant.now());
  private static final SigningKey OTHER = Certificates.generate("CN=other", Instant.now());
  private static final FakeEntraServer SERVER =
      FakeEntraServer.start(
          FakeEntra.builder().application(SP, ACS).requireSignedRequests(SP_KEY.certificate()));
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @AfterAll
  static void stop() {
    SERVER.close();
  }

  private static String query(String relayState) {
    String xml =
        "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_"
            + System.nanoTime()
            + "\" Version=\"2.0\" IssueInstant=\"2026-04-01T12:00:00Z\" Destination=\""
            + SERVER.ssoUrl()
            + "\" AssertionConsumerServiceURL=\""
            + ACS
            + "\"><saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">"
            + SP
            + "</saml:Issuer></samlp:AuthnRequest>";
    return "SAMLRequest="
        + AuthnRequestParsingTest.encodedForRedirect(xml)
        + "&RelayState="
        + enc(relayState)
        + "&SigAlg="
        + enc(RSA_SHA256);
  }

  private static String signed(String query, SigningKey key) throws Exception {
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(key.privateKey());
    s.update(query.getBytes(StandardCharsets.US_ASCII));
    return query + "&Signature=" + enc(Base64.getEncoder().encodeToString(s.sign()));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static HttpResponse<String> get(String query) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(SERVER.ssoUrl() + "?" + query)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void signedRequestShowsTheLoginPage() throws Exception {
    HttpResponse<String> page = get(signed(query("/inbox?x=1"), SP_KEY));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).doesNotContain("AADSTS");
  }

  @Test
  void unsignedRequestIsRefusedWithAadsts76021() throws Exception {
    String unsigned = query("r").replaceFirst("&SigAlg=.*$", "");
    assertRefused(get(unsigned));
  }

  @Test
  void requestSignedByAnotherKeyIsRefusedWithAadsts76021() throws Exception {
    assertRefused(get(signed(query("r"), OTHER)));
  }

  @Test
  void requestReEncodedAfterSigningIsRefusedBecauseTheSignatureCoversTheBytesAsSent()
      throws Exception {
    String q = signed(query("/a b"), SP_KEY); // "%2Fa+b"
    String reEncoded = q.replace("RelayState=%2Fa+b", "RelayState=%2fa%20b"); // same value
    assertThat(reEncoded).isNotEqualTo(q);
    assertRefused(get(reEncoded));
  }

  @Test
  void requestWithAnotherSigAlgIsRefusedWithAadsts76021() throws Exception {
    String q =
        query("r").replace(enc(RSA_SHA256), enc("http://www.w3.org/2000/09/xmldsig#rsa-sha1"));
    Signature s = Signature.getInstance("SHA1withRSA");
    s.initSign(SP_KEY.privateKey());
    s.update(q.getBytes(StandardCharsets.US_ASCII));
    assertRefused(get(q + "&Signature=" + enc(Base64.getEncoder().encodeToString(s.sign()))));
  }

  @Test
  void postBindingRequestIsRefusedWhenSignedRequestsAreRequired() throws Exception {
    HttpResponse<String> page =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(SERVER.ssoUrl()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("SAMLRequest=PHg%2BPC94Pg%3D%3D"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertRefused(page);
  }

  private static void assertRefused(HttpResponse<String> page) {
    assertThat(page.statusCode()).isEqualTo(400);
    assertThat(page.body()).contains("AADSTS76021");
  }
}
