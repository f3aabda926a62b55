package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.TestClock;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SP-initiated single logout against Entra's shapes: the LogoutRequest by HTTP-Redirect, and the
 * LogoutResponse as Entra sends it (GET, lower-cased percent-encoding, logout Issuer, no
 * Destination, unsigned or signed over the raw query), each rule refused with its own code.
 */
class SingleLogoutTest {
  static final String TID = "3f1d2e4c-5b6a-4798-8c9d-0e1f2a3b4c5d";
  static final String LOGOUT_ISSUER = "https://login.microsoftonline.com/" + TID + "/";
  static final String SIGN_IN_ISSUER = "https://sts.windows.net/" + TID + "/";
  static final String IDP_LOGOUT = "https://login.microsoftonline.com/" + TID + "/saml2";
  static final String SP_LOGOUT = "https://app.example/saml2/logout";
  static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

  static KeyPair idpKeys;
  static X509Certificate idpCert;
  static KeyPair spKeys;
  static X509Certificate spCert;
  static KeyPair otherKeys;

  private final TestClock clock = TestClock.at(Instant.parse("2026-12-04T09:00:00Z"));
  private ServiceProvider sp;
  private LogoutRequest started;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    idpKeys = g.generateKeyPair();
    idpCert = TestCertificates.selfSigned(idpKeys, "CN=Microsoft Azure Federated SSO Certificate");
    spKeys = g.generateKeyPair();
    spCert = TestCertificates.selfSigned(spKeys, "CN=cloudsign-sp");
    otherKeys = g.generateKeyPair();
  }

  @BeforeEach
  void start() {
    sp = serviceProvider(true);
    started =
        sp.startLogout(
                "contoso",
                "B.Simon@contoso.com",
                "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
                "_session-1",
                "r1")
            .orElseThrow();
  }

  private ServiceProvider serviceProvider(boolean withLogoutUrl) {
    return serviceProvider(withLogoutUrl, false);
  }

  private ServiceProvider serviceProvider(boolean withLogoutUrl, boolean acceptUnsigned) {
    IdentityProvider idp =
        IdentityProvider.builder()
            .entityId(SIGN_IN_ISSUER)
            .loginUrl(IDP_LOGOUT)
            .logoutUrl(IDP_LOGOUT)
            .certificate(idpCert)
            .build();
    Registration.Builder r =
        Registration.builder("contoso")
            .entityId("urn:amazon:cognito:sp:ap-northeast-1_EXAMPLE")
            .replyUrl("https://app.example/saml2/idpresponse")
            .identityProvider(idp)
            .requestSigningKey(spKeys.getPrivate(), spCert);
    if (withLogoutUrl) {
      r.logoutUrl(SP_LOGOUT);
    }
    r.acceptUnsignedLogoutRequests(acceptUnsigned);
    return ServiceProvider.builder().registration(r.build()).clock(clock).build();
  }

  // ------------------------------------------------------------------ the LogoutRequest

  @Test
  void logoutRequestNamesTheUserAndSessionAndIsSignedOverTheRawQuery() throws Exception {
    URI url = started.redirectUrl();
    assertThat(url.toString()).startsWith(IDP_LOGOUT + "?SAMLRequest=");
    String query = url.getRawQuery();
    String xml = inflate(Base64.getDecoder().decode(param(query, "SAMLRequest")));

    assertThat(xml)
        .startsWith("<samlp:LogoutRequest ")
        .contains("ID=\"" + started.pending().requestId() + "\"")
        .contains("Destination=\"" + IDP_LOGOUT + "\"")
        .contains("<saml:Issuer>urn:amazon:cognito:sp:ap-northeast-1_EXAMPLE</saml:Issuer>")
        .contains(
            "<saml:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">"
                + "B.Simon@contoso.com</saml:NameID>")
        .contains("<samlp:SessionIndex>_session-1</samlp:SessionIndex>");
    assertThat(param(query, "RelayState")).isEqualTo("r1");
    String signed = query.substring(0, query.indexOf("&Signature="));
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initVerify(spCert.getPublicKey());
    s.update(signed.getBytes(StandardCharsets.US_ASCII));
    assertThat(s.verify(Base64.getDecoder().decode(param(query, "Signature")))).isTrue();
    assertThat(sp.metadata("contoso"))
        .contains(
            "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\""
                + " Location=\""
                + SP_LOGOUT
                + "\"/>")
        .contains(
            "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\""
                + " Location=\""
                + SP_LOGOUT
                + "\"/>");
  }

  @Test
  void withoutALogoutUrlThereIsNoLogoutRequest() {
    assertThat(serviceProvider(false).startLogout("contoso", "u", null, null, null)).isEmpty();
  }

  // ------------------------------------------------------------------ the LogoutResponse

  /** Entra's LogoutResponse to {@link #started}: logout issuer, no Destination, Success. */
  private String xml(String inResponseTo, String issuer, String destination, String status) {
    return "<samlp:LogoutResponse xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
        + " ID=\"_e1\" Version=\"2.0\" IssueInstant=\""
        + clock.instant()
        + "\""
        + (destination == null ? "" : " Destination=\"" + destination + "\"")
        + " InResponseTo=\""
        + inResponseTo
        + "\"><Issuer xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">"
        + issuer
        + "</Issuer><samlp:Status><samlp:StatusCode Value=\""
        + status
        + "\"/></samlp:Status></samlp:LogoutResponse>";
  }

  private String entraXml() {
    return xml(
        started.pending().requestId(),
        LOGOUT_ISSUER,
        null,
        "urn:oasis:names:tc:SAML:2.0:status:Success");
  }

  /** As Entra encodes a query value: percent-encoding with lower-case hex digits. */
  static String entraEncode(String value) {
    String upper = URLEncoder.encode(value, StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("%[0-9A-F]{2}").matcher(upper);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, m.group().toLowerCase(Locale.ROOT));
    }
    return m.appendTail(sb).toString();
  }

  private static String query(String xml, String relay) {
    return "SAMLResponse=" + entraEncode(deflate(xml)) + "&RelayState=" + entraEncode(relay);
  }

  private static String signed(String unsignedQuery, PrivateKey key) throws Exception {
    String toSign = unsignedQuery + "&SigAlg=" + entraEncode(RSA_SHA256);
    return toSign + "&Signature=" + entraEncode(sign(toSign, key));
  }

  private static String sign(String octets, PrivateKey key) throws Exception {
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(key);
    s.update(octets.getBytes(StandardCharsets.US_ASCII));
    return Base64.getEncoder().encodeToString(s.sign());
  }

  private void accepted(String query) throws Exception {
    sp.validateLogoutResponse(query, started.pending());
  }

  private void refused(String query, LogoutErrorCode code) {
    assertThatThrownBy(() -> sp.validateLogoutResponse(query, started.pending()))
        .isInstanceOfSatisfying(
            LogoutException.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
  }

  @Test
  void entrasUnsignedLogoutResponseWithItsLogoutIssuerAndLowerCasedEncodingIsAccepted()
      throws Exception {
    String q = query(entraXml(), "r1");
    assertThat(q).containsPattern("%[0-9a-f][a-f]|%[a-f][0-9a-f]");

    accepted(q);
  }

  @Test
  void signatureOverTheLowerCasedQueryAsReceivedVerifiesAndOverAReEncodingItDoesNot()
      throws Exception {
    accepted(signed(query(entraXml(), "r1"), idpKeys.getPrivate()));

    String lower = query(entraXml(), "r1") + "&SigAlg=" + entraEncode(RSA_SHA256);
    String reEncoded = lower.replaceAll("%([0-9a-f]{2})", "%$1").toUpperCase(Locale.ROOT);
    String upperSigned =
        lower + "&Signature=" + entraEncode(sign(upperHex(lower), idpKeys.getPrivate()));
    refused(upperSigned, LogoutErrorCode.INVALID_SIGNATURE);
    assertThat(reEncoded).isNotEqualTo(lower);
  }

  private static String upperHex(String query) {
    Matcher m = Pattern.compile("%[0-9a-f]{2}").matcher(query);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, m.group().toUpperCase(Locale.ROOT));
    }
    return m.appendTail(sb).toString();
  }

  @Test
  void signatureOverAReorderedQueryIsRefusedAndAnotherKeysToo() throws Exception {
    String saml = "SAMLResponse=" + entraEncode(deflate(entraXml()));
    String relay = "RelayState=r1";
    String alg = "SigAlg=" + entraEncode(RSA_SHA256);
    String reordered = relay + "&" + saml + "&" + alg;
    refused(
        saml
            + "&"
            + relay
            + "&"
            + alg
            + "&Signature="
            + entraEncode(sign(reordered, idpKeys.getPrivate())),
        LogoutErrorCode.INVALID_SIGNATURE);
    refused(
        signed(query(entraXml(), "r1"), otherKeys.getPrivate()), LogoutErrorCode.INVALID_SIGNATURE);
    // Parameters arriving in another order are fine: the signed octets are SAML's order.
    String spec = saml + "&" + relay + "&" + alg;
    accepted(
        relay
            + "&"
            + alg
            + "&Signature="
            + entraEncode(sign(spec, idpKeys.getPrivate()))
            + "&"
            + saml);
  }

  @Test
  void sha1SigAlgIsRefusedAndSigAlgWithoutSignatureIsMalformed() throws Exception {
    String sha1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    String toSign = query(entraXml(), "r1") + "&SigAlg=" + entraEncode(sha1);
    Signature s = Signature.getInstance("SHA1withRSA");
    s.initSign(idpKeys.getPrivate());
    s.update(toSign.getBytes(StandardCharsets.US_ASCII));
    refused(
        toSign + "&Signature=" + entraEncode(Base64.getEncoder().encodeToString(s.sign())),
        LogoutErrorCode.INVALID_SIGNATURE);
    refused(toSign, LogoutErrorCode.MALFORMED);
  }

  @Test
  void signInIssuerIsAcceptedAndAnyOtherIssuerRefused() throws Exception {
    String id = started.pending().requestId();
    String success = "urn:oasis:names:tc:SAML:2.0:status:Success";
    accepted(query(xml(id, SIGN_IN_ISSUER, null, success), "r1"));
    refused(
        query(xml(id, "https://login.microsoftonline.com/another-tenant/", null, success), "r1"),
        LogoutErrorCode.INVALID_ISSUER);
  }

  @Test
  void unknownInResponseToOrRelayStateIsRefused() {
    String success = "urn:oasis:names:tc:SAML:2.0:status:Success";
    refused(
        query(xml("_other", LOGOUT_ISSUER, null, success), "r1"), LogoutErrorCode.UNKNOWN_REQUEST);
    refused(query(entraXml(), "r2"), LogoutErrorCode.UNKNOWN_REQUEST);
  }

  @Test
  void destinationWhenPresentMustBeTheLogoutUrl() throws Exception {
    String id = started.pending().requestId();
    String success = "urn:oasis:names:tc:SAML:2.0:status:Success";
    accepted(query(xml(id, LOGOUT_ISSUER, SP_LOGOUT, success), "r1"));
    refused(
        query(xml(id, LOGOUT_ISSUER, "https://evil.example/saml2/logout", success), "r1"),
        LogoutErrorCode.INVALID_DESTINATION);
  }

  @Test
  void statusOtherThanSuccessIsNotConfirmed() {
    String id = started.pending().requestId();
    refused(
        query(xml(id, LOGOUT_ISSUER, null, "urn:oasis:names:tc:SAML:2.0:status:Requester"), "r1"),
        LogoutErrorCode.NOT_CONFIRMED);
  }

  @Test
  void expiredLogoutOrAnIssueInstantOutsideTheSkewIsRefused() {
    String q = query(entraXml(), "r1");
    clock.advance(Duration.ofMinutes(16));
    refused(q, LogoutErrorCode.EXPIRED);
    clock.set(Instant.parse("2026-12-04T09:00:00Z"));
    String future =
        entraXml()
            .replace("IssueInstant=\"" + clock.instant(), "IssueInstant=\"2026-12-04T09:10:00Z");
    refused(query(future, "r1"), LogoutErrorCode.EXPIRED);
  }

  @Test
  void malformedQueriesAreRefusedBeforeAnythingIsTrusted() {
    String ok = query(entraXml(), "r1");
    refused(null, LogoutErrorCode.MALFORMED);
    refused("", LogoutErrorCode.MALFORMED);
    refused(ok + "&SAMLResponse=x", LogoutErrorCode.MALFORMED);
    refused("SAMLRequest=abc&RelayState=r1", LogoutErrorCode.MALFORMED);
    refused("SAMLResponse=%zz&RelayState=r1", LogoutErrorCode.MALFORMED);
    refused(
        "SAMLResponse=" + entraEncode("not deflate") + "&RelayState=r1", LogoutErrorCode.MALFORMED);
    String doctype = "<!DOCTYPE x [<!ENTITY e \"e\">]>" + entraXml();
    refused(query(doctype, "r1"), LogoutErrorCode.MALFORMED);
    String bomb = "<x>" + "a".repeat(200_000) + "</x>";
    refused(query(bomb, "r1"), LogoutErrorCode.MALFORMED);
    String authn = entraXml().replace("LogoutResponse", "Response");
    refused(query(authn, "r1"), LogoutErrorCode.MALFORMED);
  }

  // ------------------------------------------------------------------ IdP-initiated

  /** Entra's LogoutRequest to this app (another app of the session signed out). */
  private String idpRequest(String id, String issuer, String destination, Instant issued) {
    return "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
        + " xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\""
        + id
        + "\" Version=\"2.0\" IssueInstant=\""
        + issued
        + "\""
        + (destination == null ? "" : " Destination=\"" + destination + "\"")
        + "><saml:Issuer>"
        + issuer
        + "</saml:Issuer><saml:NameID"
        + " Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">B.Simon@contoso.com"
        + "</saml:NameID><samlp:SessionIndex>_session-1</samlp:SessionIndex></samlp:LogoutRequest>";
  }

  private String entraRequest(String id) {
    return idpRequest(id, LOGOUT_ISSUER, SP_LOGOUT, clock.instant());
  }

  private static String requestQuery(String xml, PrivateKey signer) throws Exception {
    String q = "SAMLRequest=" + entraEncode(deflate(xml)) + "&SigAlg=" + entraEncode(RSA_SHA256);
    return signer == null
        ? "SAMLRequest=" + entraEncode(deflate(xml))
        : q + "&Signature=" + entraEncode(sign(q, signer));
  }

  private IdpLogoutRequest acceptedRequest(String query) throws Exception {
    return sp.validateLogoutRequest(query, java.util.List.of("contoso"));
  }

  private void refusedRequest(String query, LogoutErrorCode code) {
    assertThatThrownBy(() -> sp.validateLogoutRequest(query, java.util.List.of("contoso")))
        .isInstanceOfSatisfying(
            LogoutException.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
  }

  @Test
  void signedIdpLogoutRequestNamesTheSessionAndIsAnsweredWithASignedLogoutResponse()
      throws Exception {
    IdpLogoutRequest request =
        acceptedRequest(requestQuery(entraRequest("_idp1"), idpKeys.getPrivate()));

    assertThat(request.registrationId()).isEqualTo("contoso");
    assertThat(request.nameId()).isEqualTo("B.Simon@contoso.com");
    assertThat(request.sessionIndexes()).containsExactly("_session-1");
    URI answer = sp.logoutResponse(request);
    assertThat(answer.toString()).startsWith(IDP_LOGOUT + "?SAMLResponse=");
    String xml = inflate(Base64.getDecoder().decode(param(answer.getRawQuery(), "SAMLResponse")));
    assertThat(xml)
        .contains("InResponseTo=\"_idp1\"")
        .contains("Destination=\"" + IDP_LOGOUT + "\"")
        .contains("<saml:Issuer>urn:amazon:cognito:sp:ap-northeast-1_EXAMPLE</saml:Issuer>")
        .contains("urn:oasis:names:tc:SAML:2.0:status:Success");
    String q = answer.getRawQuery();
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initVerify(spCert.getPublicKey());
    s.update(q.substring(0, q.indexOf("&Signature=")).getBytes(StandardCharsets.US_ASCII));
    assertThat(s.verify(Base64.getDecoder().decode(param(q, "Signature")))).isTrue();
  }

  @Test
  void logoutFailedResponseAnswersTheIdpLogoutRequestWithStatusResponder() throws Exception {
    IdpLogoutRequest request =
        acceptedRequest(requestQuery(entraRequest("_idp2"), idpKeys.getPrivate()));

    URI answer = sp.logoutFailedResponse(request);

    String xml = inflate(Base64.getDecoder().decode(param(answer.getRawQuery(), "SAMLResponse")));
    assertThat(xml)
        .contains("InResponseTo=\"_idp2\"")
        .contains("<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Responder\"/>")
        .doesNotContain("status:Success");
    assertThat(answer.getRawQuery()).contains("&Signature=");
  }

  @Test
  void unsignedIdpLogoutRequestIsRefusedUnlessTheRegistrationAcceptsIt() throws Exception {
    refusedRequest(requestQuery(entraRequest("_u1"), null), LogoutErrorCode.UNSIGNED);
    ServiceProvider lenient = serviceProvider(true, true);
    assertThat(
            lenient
                .validateLogoutRequest(
                    requestQuery(entraRequest("_u2"), null), java.util.List.of("contoso"))
                .nameId())
        .isEqualTo("B.Simon@contoso.com");
    assertThat(lenient.registration("contoso").orElseThrow().toString())
        .contains("INSECURE_UNSIGNED_LOGOUT_REQUESTS_ACCEPTED");
    // Unsigned ones never take a place in the replay cache (anyone could send them).
    for (int i = 0; i < 3; i++) {
      lenient.validateLogoutRequest(
          requestQuery(entraRequest("_same"), null), java.util.List.of("contoso"));
    }
  }

  @Test
  void idpLogoutRequestOfAnotherIssuerOrSignedByAnotherKeyOrOverAReorderedQueryIsRefused()
      throws Exception {
    refusedRequest(
        requestQuery(
            idpRequest(
                "_i1", "https://login.microsoftonline.com/other/", SP_LOGOUT, clock.instant()),
            idpKeys.getPrivate()),
        LogoutErrorCode.INVALID_ISSUER);
    refusedRequest(
        requestQuery(entraRequest("_i2"), otherKeys.getPrivate()),
        LogoutErrorCode.INVALID_SIGNATURE);
    String saml = "SAMLRequest=" + entraEncode(deflate(entraRequest("_i3")));
    String alg = "SigAlg=" + entraEncode(RSA_SHA256);
    refusedRequest(
        saml
            + "&"
            + alg
            + "&Signature="
            + entraEncode(sign(alg + "&" + saml, idpKeys.getPrivate())),
        LogoutErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void replayedOrStaleOrMisaddressedIdpLogoutRequestIsRefused() throws Exception {
    String once = requestQuery(entraRequest("_r1"), idpKeys.getPrivate());
    acceptedRequest(once);
    refusedRequest(once, LogoutErrorCode.REPLAYED);
    refusedRequest(
        requestQuery(
            idpRequest(
                "_r2", LOGOUT_ISSUER, SP_LOGOUT, clock.instant().minus(Duration.ofMinutes(9))),
            idpKeys.getPrivate()),
        LogoutErrorCode.EXPIRED);
    refusedRequest(
        requestQuery(
            idpRequest("_r3", LOGOUT_ISSUER, "https://evil.example/saml2/logout", clock.instant()),
            idpKeys.getPrivate()),
        LogoutErrorCode.INVALID_DESTINATION);
    refusedRequest(
        requestQuery(
            entraRequest("_r4").replaceAll("<saml:NameID.*</saml:NameID>", ""),
            idpKeys.getPrivate()),
        LogoutErrorCode.MALFORMED);
    refusedRequest(query(entraXml(), "r1"), LogoutErrorCode.MALFORMED);
  }

  @Test
  void idpLogoutRequestPastItsNotOnOrAfterIsRefusedAndOneStillValidAccepted() throws Exception {
    String passed =
        entraRequest("_n1")
            .replace(
                " ID=\"_n1\"",
                " ID=\"_n1\" NotOnOrAfter=\""
                    + clock.instant().minus(Duration.ofMinutes(4))
                    + "\"");
    refusedRequest(requestQuery(passed, idpKeys.getPrivate()), LogoutErrorCode.EXPIRED);
    String valid =
        entraRequest("_n2")
            .replace(
                " ID=\"_n2\"",
                " ID=\"_n2\" NotOnOrAfter=\"" + clock.instant().plus(Duration.ofMinutes(1)) + "\"");
    assertThat(acceptedRequest(requestQuery(valid, idpKeys.getPrivate())).id()).isEqualTo("_n2");
    String garbled =
        entraRequest("_n3").replace(" ID=\"_n3\"", " ID=\"_n3\" NotOnOrAfter=\"soon\"");
    refusedRequest(requestQuery(garbled, idpKeys.getPrivate()), LogoutErrorCode.MALFORMED);
  }

  static String deflate(String xml) {
    Deflater d = new Deflater(Deflater.DEFLATED, true);
    d.setInput(xml.getBytes(StandardCharsets.UTF_8));
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return Base64.getEncoder().encodeToString(out.toByteArray());
  }

  static String inflate(byte[] data) throws Exception {
    Inflater i = new Inflater(true);
    i.setInput(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (!i.finished()) {
      out.write(buf, 0, i.inflate(buf));
    }
    i.end();
    return out.toString(StandardCharsets.UTF_8);
  }

  static String param(String rawQuery, String name) {
    for (String part : rawQuery.split("&")) {
      if (part.startsWith(name + "=")) {
        return URLDecoder.decode(part.substring(name.length() + 1), StandardCharsets.UTF_8);
      }
    }
    throw new AssertionError(name + " not in " + rawQuery);
  }
}
