package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.IdpLogoutRequestBuilder;
import io.cloudsign.saml.testkit.IdpLogoutRequestBuilder.Wrapping;
import io.cloudsign.saml.testkit.LogoutRequestInfo;
import io.cloudsign.saml.testkit.LogoutResponseBuilder;
import io.cloudsign.saml.testkit.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Logout messages by HTTP-POST: an IdP's LogoutRequest and its LogoutResponse to an SP-initiated
 * logout, as base64 form values with an enveloped XML signature on the root, verified with the
 * Response path's signature machinery and the chosen registration's keys only, and every check of
 * the Redirect binding applied to them; the signature wrapping shapes, bombs, DOCTYPE and size are
 * refused each with its code.
 */
class LogoutPostBindingTest {
  private static final String ENTITY_ID = "urn:cloudsign:test:post-logout";
  private static final String REPLY_URL = "https://app.example/saml2/idpresponse";
  private static final String SP_LOGOUT = "https://app.example/saml2/logout";
  private static final String USER = "B.Simon@contoso.com";
  private static final String VICTIM = "ceo@contoso.com";

  private final TestClock clock = TestClock.at(Instant.parse("2026-12-04T09:00:00Z"));
  private FakeEntra entra;
  private FakeEntra otherTenant;
  private ServiceProvider sp;

  @BeforeEach
  void start() throws Exception {
    entra = fake("3f1d2e4c-5b6a-4798-8c9d-0e1f2a3b4c5d");
    otherTenant = fake("9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d");
    sp = serviceProvider(false);
  }

  private FakeEntra fake(String tenant) {
    return FakeEntra.builder()
        .tenantId(tenant)
        .clock(clock)
        .application(ENTITY_ID, REPLY_URL)
        .logoutUrl(ENTITY_ID, SP_LOGOUT)
        .build();
  }

  /** Two tenants whose Logout Url is the same: the Issuer picks the registration. */
  private ServiceProvider serviceProvider(boolean acceptUnsigned) throws Exception {
    return ServiceProvider.builder()
        .registration(registration("contoso", entra, acceptUnsigned))
        .registration(registration("fabrikam", otherTenant, acceptUnsigned))
        .clock(clock)
        .build();
  }

  private static Registration registration(String id, FakeEntra idp, boolean acceptUnsigned)
      throws Exception {
    return Registration.builder(id)
        .entityId(ENTITY_ID)
        .replyUrl(REPLY_URL)
        .logoutUrl(SP_LOGOUT)
        .identityProvider(IdentityProvider.fromMetadata(idp.metadataXml()))
        .acceptUnsignedLogoutRequests(acceptUnsigned)
        .build();
  }

  private IdpLogoutRequestBuilder fromEntra() {
    return entra.logoutRequest(ENTITY_ID, USER);
  }

  private IdpLogoutRequest accepted(ServiceProvider sp, Map<String, String> form)
      throws LogoutException {
    return sp.validateLogoutRequestPost(
        form.get("SAMLRequest"), form.get("RelayState"), List.of("contoso", "fabrikam"));
  }

  private void refused(ServiceProvider sp, Map<String, String> form, LogoutErrorCode code) {
    refusedValue(sp, form.get("SAMLRequest"), code);
  }

  private void refusedValue(ServiceProvider sp, String samlRequest, LogoutErrorCode code) {
    assertThatThrownBy(
            () -> sp.validateLogoutRequestPost(samlRequest, null, List.of("contoso", "fabrikam")))
        .isInstanceOfSatisfying(
            LogoutException.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
  }

  private static String xmlOf(Map<String, String> form, String field) {
    return new String(Base64.getDecoder().decode(form.get(field)), StandardCharsets.UTF_8);
  }

  private static String base64(String xml) {
    return Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
  }

  // ------------------------------------------------------------ IdP-initiated, accepted

  @Test
  void signedPostLogoutRequestIsAcceptedForTheRegistrationOfItsIssuer() throws Exception {
    IdpLogoutRequestBuilder request =
        otherTenant.logoutRequest(ENTITY_ID, USER).sessionIndex("_s1").relayState("rs").signed();

    IdpLogoutRequest logout = accepted(sp, request.postFields());

    assertThat(logout.registrationId()).isEqualTo("fabrikam");
    assertThat(logout.id()).isEqualTo(request.id());
    assertThat(logout.nameId()).isEqualTo(USER);
    assertThat(logout.sessionIndexes()).containsExactly("_s1");
    assertThat(logout.relayState()).contains("rs");
    assertThat(xmlOf(request.postFields(), "SAMLRequest"))
        .as("base64 of the XML itself, no DEFLATE")
        .startsWith("<samlp:LogoutRequest ");
    assertThat(sp.logoutResponse(logout).toString())
        .as("answered by HTTP-Redirect")
        .startsWith(otherTenant.sloUrl() + "?SAMLResponse=");
  }

  // ------------------------------------------------------------ signature rules

  @Test
  void unsignedPostLogoutRequestIsRefusedUnlessTheRegistrationAcceptsIt() throws Exception {
    refused(sp, fromEntra().postFields(), LogoutErrorCode.UNSIGNED);
    assertThat(accepted(serviceProvider(true), fromEntra().postFields()).nameId()).isEqualTo(USER);
  }

  @Test
  void signedByAnotherKeyOrByTheOtherRegistrationsIdpIsRefused() {
    refused(sp, fromEntra().signedByAnotherKey().postFields(), LogoutErrorCode.INVALID_SIGNATURE);
    // contoso's Issuer, fabrikam's IdP key: only the chosen registration's keys count.
    String signedByOther =
        otherTenant.logoutRequest(ENTITY_ID, USER).signed().postFields().get("SAMLRequest");
    String xml =
        new String(Base64.getDecoder().decode(signedByOther), StandardCharsets.UTF_8)
            .replace(otherTenant.logoutIssuer(), entra.logoutIssuer());
    refusedValue(sp, base64(xml), LogoutErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void bodyChangedAfterSigningIsRefused() {
    refused(
        sp,
        fromEntra().signed().wrapped(Wrapping.CHANGED_AFTER_SIGNING, VICTIM).postFields(),
        LogoutErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void signedRequestMovedInsideAnUnsignedOneIsRefusedEvenWhereUnsignedOnesAreAccepted()
      throws Exception {
    Map<String, String> wrapped =
        fromEntra().signed().wrapped(Wrapping.SIGNED_INSIDE_UNSIGNED, VICTIM).postFields();
    assertThat(xmlOf(wrapped, "SAMLRequest")).contains(VICTIM).contains("Extensions");

    refused(sp, wrapped, LogoutErrorCode.INVALID_SIGNATURE);
    refused(serviceProvider(true), wrapped, LogoutErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void secondRequestWithTheSameIdIsRefusedAsSignatureWrapping() {
    refused(
        sp,
        fromEntra().signed().wrapped(Wrapping.SECOND_REQUEST_SAME_ID, VICTIM).postFields(),
        LogoutErrorCode.MALFORMED);
  }

  @Test
  void referenceToAnythingButTheRootOrASecondSignatureIsRefused() {
    IdpLogoutRequestBuilder request = fromEntra().signed();
    String xml = xmlOf(request.postFields(), "SAMLRequest");
    refusedValue(
        sp,
        base64(xml.replace("URI=\"#" + request.id() + "\"", "URI=\"\"")),
        LogoutErrorCode.INVALID_SIGNATURE);
    int start = xml.indexOf("<Signature ");
    int end = xml.indexOf("</Signature>") + "</Signature>".length();
    String twice = xml.substring(0, end) + xml.substring(start, end) + xml.substring(end);
    refusedValue(sp, base64(twice), LogoutErrorCode.INVALID_SIGNATURE);
    String sha1 =
        xml.replace(
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1");
    refusedValue(sp, base64(sha1), LogoutErrorCode.INVALID_SIGNATURE);
  }

  // ------------------------------------------------------------ the shared checks, by POST

  @Test
  void replayIsRefusedAcrossBothBindings() throws Exception {
    IdpLogoutRequestBuilder first = fromEntra().signed();
    sp.validateLogoutRequest(
        java.net.URI.create(first.redirectUrl()).getRawQuery(), List.of("contoso", "fabrikam"));

    refused(sp, fromEntra().id(first.id()).signed().postFields(), LogoutErrorCode.REPLAYED);
    IdpLogoutRequestBuilder byPost = fromEntra().signed();
    accepted(sp, byPost.postFields());
    refused(sp, byPost.postFields(), LogoutErrorCode.REPLAYED);
  }

  @Test
  void anotherIssuerDestinationOrAnExpiredRequestIsRefused() {
    refused(
        sp,
        fromEntra().issuer("https://login.microsoftonline.com/another/").signed().postFields(),
        LogoutErrorCode.INVALID_ISSUER);
    refused(
        sp,
        fromEntra().destination("https://evil.example/saml2/logout").signed().postFields(),
        LogoutErrorCode.INVALID_DESTINATION);
    refused(
        sp,
        fromEntra()
            .issueInstant(clock.instant().minus(Duration.ofMinutes(9)))
            .signed()
            .postFields(),
        LogoutErrorCode.EXPIRED);
    refused(
        sp,
        fromEntra()
            .notOnOrAfter(clock.instant().minus(Duration.ofMinutes(4)))
            .signed()
            .postFields(),
        LogoutErrorCode.EXPIRED);
  }

  // ------------------------------------------------------------ bounds

  @Test
  void oversizedNotBase64DoctypeBombsAndOtherRootsAreMalformed() {
    String xml = xmlOf(fromEntra().signed().postFields(), "SAMLRequest");
    // Whitespace after the root keeps the signature valid: only the size rule refuses this.
    refusedValue(sp, base64(xml + " ".repeat(50_000)), LogoutErrorCode.MALFORMED);
    refusedValue(sp, "not*base64", LogoutErrorCode.MALFORMED);
    refusedValue(sp, "", LogoutErrorCode.MALFORMED);
    refusedValue(sp, null, LogoutErrorCode.MALFORMED);
    refusedValue(sp, base64("<!DOCTYPE x [<!ENTITY e \"e\">]>" + xml), LogoutErrorCode.MALFORMED);
    String deep = "<a>".repeat(200) + "</a>".repeat(200);
    refusedValue(
        sp,
        base64(xml.replace("</saml:NameID>", "</saml:NameID>" + deep)),
        LogoutErrorCode.MALFORMED);
    StringBuilder namespaces = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      namespaces.append(" xmlns:n").append(i).append("=\"urn:n").append(i).append('"');
    }
    refusedValue(
        sp,
        base64(
            xml.replaceFirst("<samlp:LogoutRequest ", "<samlp:LogoutRequest" + namespaces + " ")),
        LogoutErrorCode.MALFORMED);
    refusedValue(
        sp,
        base64(xml.replace("samlp:LogoutRequest", "samlp:Response")),
        LogoutErrorCode.MALFORMED);
  }

  @Test
  void whitespaceAfterTheRootWithinTheSizeLimitIsAccepted() throws Exception {
    String xml = xmlOf(fromEntra().signed().postFields(), "SAMLRequest");
    assertThat(accepted(sp, Map.of("SAMLRequest", base64(xml + " ".repeat(1000)))).nameId())
        .isEqualTo(USER);
  }

  // ------------------------------------------------------------ the LogoutResponse by POST

  private LogoutRequest startLogout(String relayState) {
    return sp.startLogout("contoso", USER, null, null, relayState).orElseThrow();
  }

  private LogoutResponseBuilder answer(LogoutRequest started) {
    LogoutRequestInfo info = entra.parseLogoutRedirect(started.redirectUrl().toString());
    return entra.logoutResponseTo(info);
  }

  private void refusedResponse(
      LogoutRequest started, Map<String, String> form, LogoutErrorCode code) {
    assertThatThrownBy(
            () ->
                sp.validateLogoutResponsePost(
                    form.get("SAMLResponse"), form.get("RelayState"), started.pending()))
        .isInstanceOfSatisfying(
            LogoutException.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
  }

  @Test
  void postedLogoutResponseSignedOrNotIsAcceptedForItsPendingLogout() throws Exception {
    LogoutRequest started = startLogout("r1");
    for (Map<String, String> form :
        List.of(answer(started).postFields(), answer(started).signed().postFields())) {
      sp.validateLogoutResponsePost(
          form.get("SAMLResponse"), form.get("RelayState"), started.pending());
    }
    assertThat(xmlOf(answer(started).signed().postFields(), "SAMLResponse"))
        .contains("<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\">");
  }

  @Test
  void postedLogoutResponseSignedByAnotherKeyOrBrokenIsRefused() {
    LogoutRequest started = startLogout("r1");
    refusedResponse(
        started,
        answer(started).signedByAnotherKey().postFields(),
        LogoutErrorCode.INVALID_SIGNATURE);
    Map<String, String> signed = answer(started).signed().postFields();
    String changed = xmlOf(signed, "SAMLResponse").replace(entra.logoutIssuer(), entra.entityId());
    refusedResponse(
        started,
        Map.of("SAMLResponse", base64(changed), "RelayState", "r1"),
        LogoutErrorCode.INVALID_SIGNATURE);
    refusedResponse(
        started,
        Map.of(
            "SAMLResponse",
            base64("<!DOCTYPE x []>" + xmlOf(signed, "SAMLResponse")),
            "RelayState",
            "r1"),
        LogoutErrorCode.MALFORMED);
  }

  @Test
  void postedLogoutResponseGetsEveryCheckOfTheRedirectOne() {
    LogoutRequest started = startLogout("r1");
    refusedResponse(
        started,
        answer(started).inResponseTo("_other").postFields(),
        LogoutErrorCode.UNKNOWN_REQUEST);
    refusedResponse(
        started, answer(started).relayState("r2").postFields(), LogoutErrorCode.UNKNOWN_REQUEST);
    refusedResponse(
        started,
        answer(started).issuer("https://login.microsoftonline.com/other/").postFields(),
        LogoutErrorCode.INVALID_ISSUER);
    refusedResponse(
        started,
        answer(started).destination("https://evil.example/saml2/logout").postFields(),
        LogoutErrorCode.INVALID_DESTINATION);
    refusedResponse(
        started,
        answer(started).status("urn:oasis:names:tc:SAML:2.0:status:Responder").postFields(),
        LogoutErrorCode.NOT_CONFIRMED);
    Map<String, String> late = answer(started).postFields();
    clock.advance(Duration.ofMinutes(16));
    refusedResponse(started, late, LogoutErrorCode.EXPIRED);
  }

  @Test
  void aLogoutRequestPostedWhereAResponseIsExpectedIsMalformed() {
    LogoutRequest started = startLogout("r1");
    Map<String, String> request = fromEntra().signed().postFields();
    refusedResponse(
        started,
        Map.of("SAMLResponse", request.get("SAMLRequest"), "RelayState", "r1"),
        LogoutErrorCode.MALFORMED);
  }
}
