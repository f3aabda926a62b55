package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraExtension;
import io.cloudsign.saml.testkit.ResponseBuilder;
import io.cloudsign.saml.testkit.TestClock;
import io.cloudsign.saml.testkit.TestUser;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One rule a test: start from a valid Response freshly signed by the fake Entra, change one thing,
 * assert the error code (DESIGN §4).
 */
class ResponseValidatorTest {
  @RegisterExtension static FakeEntraExtension fake = FakeEntraExtension.create();

  private TestClock clock;
  private Fixture fx;

  @BeforeEach
  void setUp() {
    clock = fake.clock();
    clock.set(Instant.parse("2026-11-28T09:00:00Z"));
    fx = new Fixture(fake.entra(), clock);
  }

  private ErrorCode rejected(Fixture.Flow flow, String samlResponse) {
    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class, () -> fx.sp.validate(samlResponse, flow.pending()));
    assertThat(e).as("the Response must be rejected").isNotNull();
    return e.code();
  }

  // --- accepted shapes -------------------------------------------------------------------------

  @Test
  void validateWhenEntraSignsAssertionOnlyThenReturnsTheSignedIdentity() throws Exception {
    Fixture.Flow flow = fx.start();
    TestUser user = TestUser.bSimon();

    VerifiedAssertion a = fx.validate(flow, fx.respond(flow).user(user));

    assertThat(a.nameId()).isEqualTo(user.nameId());
    assertThat(a.registrationId()).isEqualTo("contoso");
    assertThat(a.issuer()).isEqualTo(fx.entra.entityId());
    assertThat(a.objectId()).contains(user.objectId());
    assertThat(a.tenantId()).contains(fx.entra.tenantId());
    assertThat(a.displayName()).isPresent();
    assertThat(a.email()).isPresent();
    assertThat(a.sessionIndex()).contains(a.assertionId());
    assertThat(a.relayState()).contains("relay-1");
    assertThat(a.inResponseTo()).isEqualTo(flow.pending().requestId());
    assertThat(a.notOnOrAfter()).isAfter(clock.instant());
    assertThat(a.attributes()).isNotEmpty();
  }

  @Test
  void validateWhenEntraSignsResponseOnlyThenAccepts() throws Exception {
    Fixture.Flow flow = fx.start();
    assertThat(fx.validate(flow, fx.respond(flow).signResponse()).nameId()).isNotBlank();
  }

  @Test
  void validateWhenEntraSignsResponseAndAssertionThenAccepts() throws Exception {
    Fixture.Flow flow = fx.start();
    assertThat(fx.validate(flow, fx.respond(flow).signResponseAndAssertion()).nameId())
        .isNotBlank();
  }

  @Test
  void validateWhenSignedWithSecondOfTwoMetadataCertificatesThenAccepts() throws Exception {
    FakeEntra rolled =
        FakeEntra.builder()
            .clock(clock)
            .signingCertificateCount(2)
            .activeCertificateIndex(1)
            .build();
    Fixture f = new Fixture(rolled, clock);
    assertThat(f.registration.identityProvider().signingCertificates()).hasSize(2);
    Fixture.Flow flow = f.start();
    assertThat(f.validate(flow, f.respond(flow)).nameId()).isNotBlank();
  }

  @Test
  void validateWhenKeyInfoCarriesAnotherCertificateButSignatureIsGenuineThenAccepts()
      throws Exception {
    // KeyInfo selects at most; it is never trusted nor required to match.
    FakeEntra other = FakeEntra.create();
    Fixture.Flow flow = fx.start();
    assertThat(
            fx.validate(
                    flow,
                    fx.respond(flow).with(Attack.keyInfoCertificate(other.signingCertificate())))
                .nameId())
        .isNotBlank();
  }

  @Test
  void validateWhenUserHasGroupsAndRolesThenExposesThemInOrder() throws Exception {
    Fixture.Flow flow = fx.start();
    TestUser user =
        TestUser.builder().nameId("alice@contoso.com").groups("g-1", "g-2").roles("Admin").build();

    VerifiedAssertion a = fx.validate(flow, fx.respond(flow).user(user));

    assertThat(a.groups()).containsExactly("g-1", "g-2");
    assertThat(a.roles()).containsExactly("Admin");
  }

  @Test
  void validateWhenClaimIsRenamedAndMappedThenReadsTheRenamedClaim() throws Exception {
    Registration renamed =
        Registration.builder("renamed")
            .entityId(Fixture.ENTITY_ID)
            .replyUrl(Fixture.REPLY_URL)
            .identityProvider(IdentityProvider.fromMetadata(fx.entra.metadataXml()))
            .claimMapping(ClaimMapping.entraDefaults().with(EntraClaim.EMAIL, "mail"))
            .build();
    ServiceProvider sp = ServiceProvider.builder().registration(renamed).clock(clock).build();
    SignInRequest request = sp.startSignIn("renamed", null);
    var received = fx.entra.parseRedirect(request.redirectUrl().toString());

    VerifiedAssertion a =
        sp.validate(
            fx.entra.respondTo(received).attribute("mail", "b.simon@contoso.com").build(),
            request.pending());

    assertThat(a.email()).contains("b.simon@contoso.com");
  }

  // --- rule 1: size ------------------------------------------------------------------------------

  @Test
  void validateWhenResponseExceedsSizeLimitThenRejectsWithResponseTooLarge() {
    Fixture.Flow flow = fx.start();
    String huge = "A".repeat(fx.sp.maxResponseChars() + 1);
    assertThat(rejected(flow, huge)).isEqualTo(ErrorCode.RESPONSE_TOO_LARGE);
  }

  // --- rule 2: parse -----------------------------------------------------------------------------

  @Test
  void validateWhenNotBase64ThenRejectsWithMalformedResponse() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, "not*base64!")).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  @Test
  void validateWhenEmptyThenRejectsWithMalformedResponse() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, "")).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  @Test
  void validateWhenNotXmlThenRejectsWithMalformedResponse() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, Fixture.encode("<samlp:Response")))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  @Test
  void validateWhenDoctypePresentThenRejectsWithMalformedResponse() {
    Fixture.Flow flow = fx.start();
    String xml = fx.respond(flow).buildXml();
    assertThat(rejected(flow, Fixture.encode("<!DOCTYPE r [<!ENTITY e \"x\">]>" + xml)))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  @Test
  void validateWhenRootIsNotResponseThenRejectsWithMalformedResponse() {
    Fixture.Flow flow = fx.start();
    String xml = fx.respond(flow).buildXml();
    String assertionOnly =
        xml.substring(xml.indexOf("<Assertion"), xml.indexOf("</samlp:Response>"));
    assertThat(rejected(flow, Fixture.encode(assertionOnly)))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  @Test
  void validateWhenVersionIsNot20ThenRejectsWithMalformedResponse() {
    Fixture.Flow flow = fx.start();
    String xml = fx.respond(flow).buildXml().replaceFirst("Version=\"2.0\"", "Version=\"1.1\"");
    assertThat(rejected(flow, Fixture.encode(xml))).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  // --- rule 3: destination -----------------------------------------------------------------------

  @Test
  void validateWhenDestinationDiffersThenRejectsWithInvalidDestination() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).with(Attack.wrongDestination()).build()))
        .isEqualTo(ErrorCode.INVALID_DESTINATION);
  }

  @Test
  void validateWhenDestinationHasTrailingSlashThenRejectsWithInvalidDestination() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).destination(Fixture.REPLY_URL + "/").build()))
        .isEqualTo(ErrorCode.INVALID_DESTINATION);
  }

  // --- rule 4: InResponseTo ----------------------------------------------------------------------

  @Test
  void validateWhenInResponseToMissingThenRejectsWithUnsolicitedResponse() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).withoutInResponseTo().build()))
        .isEqualTo(ErrorCode.UNSOLICITED_RESPONSE);
  }

  @Test
  void validateWhenInResponseToIsForeignThenRejectsWithUnknownInResponseTo() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).inResponseTo("_someoneElsesRequest").build()))
        .isEqualTo(ErrorCode.UNKNOWN_IN_RESPONSE_TO);
  }

  @Test
  void validateWhenResponseAnswersAnotherBrowsersRequestThenRejectsWithUnknownInResponseTo() {
    Fixture.Flow mine = fx.start();
    Fixture.Flow theirs = fx.start();
    assertThat(rejected(mine, fx.respond(theirs).build()))
        .isEqualTo(ErrorCode.UNKNOWN_IN_RESPONSE_TO);
  }

  @Test
  void validateWhenOneOfSeveralPendingRequestsMatchesThenAccepts() throws Exception {
    Fixture.Flow first = fx.start();
    Fixture.Flow second = fx.start();
    VerifiedAssertion a =
        fx.sp.validate(fx.respond(first).build(), List.of(second.pending(), first.pending()));
    assertThat(a.nameId()).isNotBlank();
  }

  @Test
  void validateWhenPendingRequestExpiredThenRejectsWithPendingRequestExpired() {
    Fixture.Flow flow = fx.start();
    clock.advance(fx.sp.pendingRequestLifetime());
    assertThat(rejected(flow, fx.respond(flow).build()))
        .isEqualTo(ErrorCode.PENDING_REQUEST_EXPIRED);
  }

  @Test
  void validateWhenPendingRequestNamesUnknownRegistrationThenRejectsWithUnknownRegistration() {
    Fixture.Flow flow = fx.start();
    PendingRequest foreign =
        PendingRequest.of(
            "other",
            flow.pending().requestId(),
            flow.pending().issuedAt(),
            flow.pending().expiresAt(),
            null);
    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class, () -> fx.sp.validate(fx.respond(flow).build(), foreign));
    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_REGISTRATION);
  }

  // --- rule 5: issuer ----------------------------------------------------------------------------

  @Test
  void validateWhenAssertionIssuerDiffersThenRejectsWithInvalidIssuer() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).with(Attack.wrongIssuer()).build()))
        .isEqualTo(ErrorCode.INVALID_ISSUER);
  }

  @Test
  void validateWhenResponseIssuerDiffersThenRejectsWithInvalidIssuer() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).with(Attack.wrongResponseIssuer()).build()))
        .isEqualTo(ErrorCode.INVALID_ISSUER);
  }

  // --- rule 6: status ----------------------------------------------------------------------------

  @Test
  void validateWhenEntraReportsErrorStatusThenRejectsWithIdpErrorStatusAndLogsAadsts() {
    Fixture.Flow flow = fx.start();
    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class,
            () ->
                fx.sp.validate(
                    fx.respond(flow)
                        .errorStatus("AADSTS50105", "The signed in user is not assigned")
                        .build(),
                    flow.pending()));
    assertThat(e.code()).isEqualTo(ErrorCode.IDP_ERROR_STATUS);
    assertThat(e.getMessage()).contains("AADSTS50105");
  }

  // --- rule 7: assertion count -------------------------------------------------------------------

  @Test
  void validateWhenTwoAssertionsThenRejectsWithInvalidAssertionCount() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).with(Attack.twoAssertions()).build()))
        .isEqualTo(ErrorCode.INVALID_ASSERTION_COUNT);
  }

  // --- rule 8: signatures ------------------------------------------------------------------------

  @Test
  void validateWhenUnsignedThenRejectsWithMissingSignature() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).with(Attack.unsigned()).build()))
        .isEqualTo(ErrorCode.MISSING_SIGNATURE);
  }

  @Test
  void validateWhenSignedWithUnknownKeyThenRejectsWithInvalidSignature() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).with(Attack.signedWithUnknownKey()).build()))
        .isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void validateWhenResponseSignedWithUnknownKeyThenRejectsWithInvalidSignature() {
    Fixture.Flow flow = fx.start();
    assertThat(
            rejected(
                flow, fx.respond(flow).signResponse().with(Attack.signedWithUnknownKey()).build()))
        .isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void validateWhenTamperedAfterSigningThenRejectsWithInvalidSignature() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).with(Attack.tamperedAfterSigning()).build()))
        .isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void validateWhenSignedWithSha1ThenRejectsWithDisallowedSignatureAlgorithm() {
    Fixture.Flow flow = fx.start();
    assertThat(
            rejected(
                flow,
                fx.respond(flow).signingAlgorithm(ResponseBuilder.SigningAlgorithm.SHA1).build()))
        .isEqualTo(ErrorCode.DISALLOWED_SIGNATURE_ALGORITHM);
  }

  @Test
  void validateWhenSignedWithSha1AndInsecureOptInThenAccepts() throws Exception {
    Fixture legacy = new Fixture(fx.entra, clock, b -> b.allowInsecureSha1Signatures(true));
    assertThat(legacy.sp.toString()).contains("INSECURE_SHA1");
    Fixture.Flow flow = legacy.start();
    assertThat(
            legacy
                .validate(
                    flow,
                    legacy.respond(flow).signingAlgorithm(ResponseBuilder.SigningAlgorithm.SHA1))
                .nameId())
        .isNotBlank();
  }

  @Test
  void validateWhenTwoElementsShareAnIdThenRejectsWithDuplicateId() {
    Fixture.Flow flow = fx.start();
    String xml = fx.respond(flow).buildXml();
    String assertionId = attribute(xml.substring(xml.indexOf("<Assertion")), "ID");
    String withDuplicate =
        xml.replace(
            "<samlp:Status>",
            "<samlp:Extensions><x:Dup xmlns:x=\"urn:x\" ID=\""
                + assertionId
                + "\"/></samlp:Extensions><samlp:Status>");
    assertThat(withDuplicate).isNotEqualTo(xml);
    assertThat(rejected(flow, Fixture.encode(withDuplicate))).isEqualTo(ErrorCode.DUPLICATE_ID);
  }

  // --- rule 10: conditions -----------------------------------------------------------------------

  @Test
  void validateWhenAssertionExpiredThenRejectsWithExpired() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).with(Attack.expired()).build()))
        .isEqualTo(ErrorCode.EXPIRED);
  }

  @Test
  void validateWhenNotOnOrAfterPassedByLessThanSkewThenAccepts() throws Exception {
    // Entra: NotOnOrAfter = issue + 60 min; default skew 3 min. A long maxResponseAge isolates the
    // Conditions window from the IssueInstant freshness rule.
    Fixture lenient =
        new Fixture(
            fx.entra,
            clock,
            b -> b.maxResponseAge(Duration.ofHours(1)).pendingRequestLifetime(Duration.ofHours(2)));
    Fixture.Flow flow = lenient.start();
    String response = lenient.respond(flow).build();
    clock.advance(Duration.ofMinutes(63).minusSeconds(1));
    assertThat(lenient.sp.validate(response, flow.pending()).nameId()).isNotBlank();
  }

  @Test
  void validateWhenNotOnOrAfterPassedBySkewThenRejectsWithExpired() {
    Fixture lenient =
        new Fixture(
            fx.entra,
            clock,
            b -> b.maxResponseAge(Duration.ofHours(1)).pendingRequestLifetime(Duration.ofHours(2)));
    Fixture.Flow flow = lenient.start();
    String response = lenient.respond(flow).build();
    clock.advance(Duration.ofMinutes(63));
    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class, () -> lenient.sp.validate(response, flow.pending()));
    assertThat(e.code()).isEqualTo(ErrorCode.EXPIRED);
  }

  @Test
  void validateWhenNotYetValidThenRejectsWithNotYetValid() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).with(Attack.notYetValid()).build()))
        .isEqualTo(ErrorCode.NOT_YET_VALID);
  }

  @Test
  void validateWhenAudienceDiffersThenRejectsWithInvalidAudience() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).with(Attack.wrongAudience()).build()))
        .isEqualTo(ErrorCode.INVALID_AUDIENCE);
  }

  @Test
  void validateWhenAudienceHasTrailingSlashThenRejectsWithInvalidAudience() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).audience(Fixture.ENTITY_ID + "/").build()))
        .isEqualTo(ErrorCode.INVALID_AUDIENCE);
  }

  // --- rule 11: subject --------------------------------------------------------------------------

  @Test
  void validateWhenRecipientDiffersThenRejectsWithInvalidSubjectConfirmation() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).with(Attack.wrongRecipient()).build()))
        .isEqualTo(ErrorCode.INVALID_SUBJECT_CONFIRMATION);
  }

  // --- rule 12: freshness ------------------------------------------------------------------------

  @Test
  void validateWhenIssueInstantIsStaleThenRejectsWithStaleResponse() {
    Fixture.Flow flow = fx.start();
    Instant old =
        clock.instant().minus(fx.sp.maxResponseAge()).minus(fx.sp.clockSkew()).minusSeconds(1);
    assertThat(rejected(flow, fx.respond(flow).issueInstant(old).build()))
        .isEqualTo(ErrorCode.STALE_RESPONSE);
  }

  @Test
  void validateWhenIssueInstantIsJustWithinAgeThenAccepts() throws Exception {
    Fixture.Flow flow = fx.start();
    Instant old =
        clock.instant().minus(fx.sp.maxResponseAge()).minus(fx.sp.clockSkew()).plusSeconds(1);
    assertThat(fx.validate(flow, fx.respond(flow).issueInstant(old)).nameId()).isNotBlank();
  }

  @Test
  void validateWhenIssueInstantIsInTheFutureThenRejectsWithNotYetValid() {
    Fixture.Flow flow = fx.start();
    Instant future = clock.instant().plus(fx.sp.clockSkew()).plusSeconds(1);
    assertThat(rejected(flow, fx.respond(flow).issueInstant(future).build()))
        .isEqualTo(ErrorCode.NOT_YET_VALID);
  }

  // --- rule 13: replay ---------------------------------------------------------------------------

  @Test
  void validateWhenSameResponseArrivesTwiceThenRejectsSecondWithReplayedAssertion()
      throws Exception {
    Fixture.Flow flow = fx.start();
    String response = fx.respond(flow).build();
    fx.sp.validate(response, flow.pending());
    assertThat(rejected(flow, response)).isEqualTo(ErrorCode.REPLAYED_ASSERTION);
  }

  @Test
  void validateWhenRejectedForAnotherRuleThenDoesNotConsumeTheAssertionId() throws Exception {
    Fixture.Flow flow = fx.start();
    Fixture.Flow other = fx.start();
    String response = fx.respond(flow).build();
    assertThat(rejected(other, response)).isEqualTo(ErrorCode.UNKNOWN_IN_RESPONSE_TO);
    assertThat(fx.sp.validate(response, flow.pending()).nameId()).isNotBlank();
  }

  @Test
  void validateWhenAssertionIsEncryptedThenRejectsWithEncryptedAssertionNotSupported() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).signResponse().encryptedAssertion().build()))
        .isEqualTo(ErrorCode.ENCRYPTED_ASSERTION_NOT_SUPPORTED);
  }

  @Test
  void validateWhenConditionsMissingThenRejectsWithInvalidAudience() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).with(Attack.withoutConditions()).build()))
        .isEqualTo(ErrorCode.INVALID_AUDIENCE);
  }

  @Test
  void validateWhenConditionsHaveNoNotOnOrAfterThenRejectsWithExpired() {
    Fixture.Flow flow = fx.start();
    assertThat(
            rejected(flow, fx.respond(flow).with(Attack.withoutConditionsNotOnOrAfter()).build()))
        .isEqualTo(ErrorCode.EXPIRED);
  }

  @Test
  void validateWhenUnknownConditionThenRejectsWithUnsupportedCondition() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).with(Attack.unknownCondition()).build()))
        .isEqualTo(ErrorCode.UNSUPPORTED_CONDITION);
  }

  @Test
  void validateWhenNameIdMissingThenRejectsWithMissingNameId() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).with(Attack.withoutNameId()).build()))
        .isEqualTo(ErrorCode.MISSING_NAME_ID);
  }

  @Test
  void validateWhenSubjectConfirmationIsNotBearerThenRejectsWithInvalidSubjectConfirmation() {
    Fixture.Flow flow = fx.start();
    assertThat(
            rejected(
                flow,
                fx.respond(flow)
                    .with(
                        Attack.subjectConfirmationMethod(
                            "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"))
                    .build()))
        .isEqualTo(ErrorCode.INVALID_SUBJECT_CONFIRMATION);
  }

  @Test
  void
      validateWhenSubjectConfirmationAnswersAnotherRequestThenRejectsWithInvalidSubjectConfirmation() {
    Fixture.Flow flow = fx.start();
    assertThat(
            rejected(
                flow,
                fx.respond(flow).with(Attack.subjectConfirmationInResponseTo("_other")).build()))
        .isEqualTo(ErrorCode.INVALID_SUBJECT_CONFIRMATION);
  }

  @Test
  void validateWhenSubjectConfirmationHasNoNotOnOrAfterThenRejectsWithInvalidSubjectConfirmation() {
    Fixture.Flow flow = fx.start();
    assertThat(
            rejected(
                flow,
                fx.respond(flow).with(Attack.withoutSubjectConfirmationNotOnOrAfter()).build()))
        .isEqualTo(ErrorCode.INVALID_SUBJECT_CONFIRMATION);
  }

  @Test
  void validateWhenSubjectConfirmationExpiredThenRejectsWithInvalidSubjectConfirmation() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).with(Attack.subjectConfirmationExpired()).build()))
        .isEqualTo(ErrorCode.INVALID_SUBJECT_CONFIRMATION);
  }

  @Test
  void validateWhenAuthnStatementMissingThenRejectsWithMissingAuthnStatement() {
    Fixture.Flow flow = fx.start();
    assertThat(rejected(flow, fx.respond(flow).with(Attack.withoutAuthnStatement()).build()))
        .isEqualTo(ErrorCode.MISSING_AUTHN_STATEMENT);
  }

  @Test
  void validateWhenSessionNotOnOrAfterPassedThenRejectsWithExpired() {
    Fixture.Flow flow = fx.start();
    Instant past = clock.instant().minus(fx.sp.clockSkew()).minusSeconds(1);
    assertThat(rejected(flow, fx.respond(flow).sessionNotOnOrAfter(past).build()))
        .isEqualTo(ErrorCode.EXPIRED);
  }

  @Test
  void validateWhenSessionNotOnOrAfterPresentThenExposesIt() throws Exception {
    Fixture.Flow flow = fx.start();
    Instant end = clock.instant().plus(Duration.ofHours(8));
    assertThat(fx.validate(flow, fx.respond(flow).sessionNotOnOrAfter(end)).sessionNotOnOrAfter())
        .contains(end);
  }

  // --- collected failures ------------------------------------------------------------------------

  @Test
  void validateWhenSeveralSettingsAreWrongThenReportsEveryFailure() {
    Fixture.Flow flow = fx.start();
    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class,
            () ->
                fx.sp.validate(
                    fx.respond(flow)
                        .with(Attack.wrongAudience())
                        .with(Attack.wrongRecipient())
                        .with(Attack.wrongDestination())
                        .build(),
                    flow.pending()));
    assertThat(e.failures())
        .extracting(ValidationFailure::code)
        .contains(
            ErrorCode.INVALID_DESTINATION,
            ErrorCode.INVALID_AUDIENCE,
            ErrorCode.INVALID_SUBJECT_CONFIRMATION);
  }

  @Test
  void validateWhenFailureDetailContainsControlCharactersThenMessageIsLogSafe() {
    Fixture.Flow flow = fx.start();
    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class,
            () ->
                fx.sp.validate(
                    fx.respond(flow).destination("https://evil.example/\r\nX-Injected: 1").build(),
                    flow.pending()));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DESTINATION);
    assertThat(e.getMessage()).doesNotContain("\r").doesNotContain("\n");
  }

  private static String attribute(String xml, String name) {
    int i = xml.indexOf(" " + name + "=\"") + name.length() + 3;
    return xml.substring(i, xml.indexOf('"', i));
  }
}
