package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntraExtension;
import io.cloudsign.saml.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The edges of DESIGN §4 rules 4-14 that the one-rule-a-test suite leaves open (found by PIT
 * mutation testing): each Response is genuine and freshly signed, with one thing changed; the
 * Response element itself is not signed by default (Entra signs the Assertion), so edits to it
 * after signing keep the signature valid.
 */
class ResponseRuleBoundaryTest {
  @RegisterExtension static FakeEntraExtension fake = FakeEntraExtension.create();

  private static final Instant NOW = Instant.parse("2026-11-28T09:00:00Z");

  private TestClock clock;
  private Fixture fx;

  @BeforeEach
  void setUp() {
    clock = fake.clock();
    clock.set(NOW);
    fx = new Fixture(fake.entra(), clock);
  }

  private SamlValidationException rejection(Fixture.Flow flow, String value) {
    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class, () -> fx.sp.validate(value, flow.pending()));
    assertThat(e).as("the Response must be rejected").isNotNull();
    return e;
  }

  private static List<ErrorCode> codes(SamlValidationException e) {
    return e.failures().stream().map(ValidationFailure::code).toList();
  }

  /** Replaces the first IssueInstant attribute of {@code element} (a start-tag prefix). */
  private static String issueInstant(String xml, String element, Instant value) {
    return xml.replaceFirst("(" + element + "[^>]*? IssueInstant=\")[^\"]*\"", "$1" + value + "\"");
  }

  // --- 12. IssueInstant of the Response and of the Assertion, each on its own -----------------

  @Test
  void validateWhenOnlyResponseIssueInstantIsStaleThenRejectsWithStaleResponse() {
    Fixture.Flow flow = fx.start();
    String value =
        fx.respond(flow)
            .with(
                Attack.afterSigning(
                    x -> issueInstant(x, "<samlp:Response", NOW.minus(Duration.ofDays(1)))))
            .build();

    assertThat(rejection(flow, value).code()).isEqualTo(ErrorCode.STALE_RESPONSE);
  }

  @Test
  void validateWhenOnlyResponseIssueInstantIsInTheFutureThenRejectsWithNotYetValid() {
    Fixture.Flow flow = fx.start();
    String value =
        fx.respond(flow)
            .with(
                Attack.afterSigning(
                    x -> issueInstant(x, "<samlp:Response", NOW.plus(Duration.ofHours(1)))))
            .build();

    assertThat(rejection(flow, value).code()).isEqualTo(ErrorCode.NOT_YET_VALID);
  }

  @Test
  void validateWhenOnlyAssertionIssueInstantIsStaleThenRejectsWithStaleResponse() {
    Fixture.Flow flow = fx.start();
    String value =
        fx.respond(flow)
            .with(
                Attack.beforeSigning(
                    x -> issueInstant(x, "<Assertion", NOW.minus(Duration.ofDays(1)))))
            .build();

    assertThat(rejection(flow, value).code()).isEqualTo(ErrorCode.STALE_RESPONSE);
  }

  @Test
  void validateWhenResponseHasNoIssueInstantThenRejectsWithMalformedResponse() {
    Fixture.Flow flow = fx.start();
    String value =
        fx.respond(flow)
            .with(
                Attack.afterSigning(
                    x -> x.replaceFirst("(<samlp:Response[^>]*?) IssueInstant=\"[^\"]*\"", "$1")))
            .build();

    assertThat(codes(rejection(flow, value))).contains(ErrorCode.MALFORMED_RESPONSE);
  }

  // --- 6. Status --------------------------------------------------------------------------------

  @Test
  void validateWhenResponseHasNoStatusThenRejectsWithIdpErrorStatus() {
    Fixture.Flow flow = fx.start();
    String value =
        fx.respond(flow)
            .with(Attack.afterSigning(x -> x.replaceFirst("<samlp:Status>.*?</samlp:Status>", "")))
            .build();

    SamlValidationException e = rejection(flow, value);
    assertThat(e.code()).isEqualTo(ErrorCode.IDP_ERROR_STATUS);
    assertThat(e.failures().get(0).detail()).contains("no Status");
  }

  @Test
  void validateWhenSuccessCarriesASubStatusThenRejectsWithIdpErrorStatusNamingBoth() {
    Fixture.Flow flow = fx.start();
    String value =
        fx.respond(flow)
            .with(
                Attack.afterSigning(
                    x ->
                        x.replace(
                            "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>",
                            "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\">"
                                + "<samlp:StatusCode"
                                + " Value=\"urn:oasis:names:tc:SAML:2.0:status:PartialLogout\"/>"
                                + "</samlp:StatusCode>")))
            .build();

    SamlValidationException e = rejection(flow, value);
    assertThat(e.code()).isEqualTo(ErrorCode.IDP_ERROR_STATUS);
    assertThat(e.failures().get(0).detail())
        .contains("status:Success' / 'urn:oasis:names:tc:SAML:2.0:status:PartialLogout'");
  }

  @Test
  void validateWhenEntraReportsAnErrorThenDetailCarriesCodesAndMessage() {
    Fixture.Flow flow = fx.start();
    String value = fx.respond(flow).errorStatus("AADSTS50105", "user not assigned").build();

    SamlValidationException e = rejection(flow, value);
    assertThat(e.code()).isEqualTo(ErrorCode.IDP_ERROR_STATUS);
    assertThat(e.failures().get(0).detail())
        .startsWith("status 'urn:oasis:names:tc:SAML:2.0:status:Requester'")
        .contains(" / ")
        .contains("AADSTS50105");
  }

  // --- 5. Issuer Format
  // ---------------------------------------------------------------------------

  @Test
  void validateWhenResponseIssuerHasTransientFormatThenRejectsWithInvalidIssuer() {
    Fixture.Flow flow = fx.start();
    String value =
        fx.respond(flow)
            .with(
                Attack.afterSigning(
                    x ->
                        x.replaceFirst(
                            "<Issuer xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">",
                            "<Issuer xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\""
                                + " Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:transient\">")))
            .build();

    assertThat(rejection(flow, value).code()).isEqualTo(ErrorCode.INVALID_ISSUER);
  }

  @Test
  void validateWhenResponseIssuerHasExplicitEntityFormatThenAccepts() throws Exception {
    Fixture.Flow flow = fx.start();
    String value =
        fx.respond(flow)
            .with(
                Attack.afterSigning(
                    x ->
                        x.replaceFirst(
                            "<Issuer xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">",
                            "<Issuer xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\""
                                + " Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:entity\">")))
            .build();

    assertThat(fx.sp.validate(value, flow.pending()).nameId()).isNotBlank();
  }

  // --- 4. InResponseTo: keep checking so that an admin sees every failure ---------------------

  @Test
  void validateWhenInResponseToIsUnknownAndDestinationWrongThenReportsBoth() {
    Fixture.Flow flow = fx.start();
    String value =
        fx.respond(flow)
            .inResponseTo("_someone-elses-request")
            .with(Attack.wrongDestination())
            .build();

    SamlValidationException e = rejection(flow, value);
    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_IN_RESPONSE_TO);
    assertThat(codes(e)).contains(ErrorCode.INVALID_DESTINATION);
  }

  // --- 7. Assertion count -----------------------------------------------------------------------

  @Test
  void validateWhenTwoAssertionsAndAnEncryptedOneThenRejectsWithInvalidAssertionCount() {
    Fixture.Flow flow = fx.start();
    String value =
        fx.respond(flow)
            .with(Attack.twoAssertions())
            .with(
                Attack.afterSigning(
                    x ->
                        x.replace(
                            "</samlp:Response>",
                            "<EncryptedAssertion xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">"
                                + "<xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\">"
                                + "<xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue>"
                                + "</xenc:CipherData></xenc:EncryptedData></EncryptedAssertion>"
                                + "</samlp:Response>")))
            .build();

    assertThat(rejection(flow, value).code()).isEqualTo(ErrorCode.INVALID_ASSERTION_COUNT);
  }

  // --- 11. SubjectConfirmation ------------------------------------------------------------------

  @Test
  void validateWhenSubjectConfirmationDataNotBeforeIsInTheFutureThenRejects() {
    Fixture.Flow flow = fx.start();
    String value =
        fx.respond(flow)
            .with(
                Attack.beforeSigning(
                    x ->
                        x.replaceFirst(
                            "<SubjectConfirmationData ",
                            "<SubjectConfirmationData NotBefore=\""
                                + NOW.plus(Duration.ofMinutes(30))
                                + "\" ")))
            .build();

    SamlValidationException e = rejection(flow, value);
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SUBJECT_CONFIRMATION);
    assertThat(e.failures().get(0).detail()).contains("NotBefore");
  }

  @Test
  void validateWhenSubjectConfirmationDataNotBeforeHasPassedThenAccepts() throws Exception {
    Fixture.Flow flow = fx.start();
    String value =
        fx.respond(flow)
            .with(
                Attack.beforeSigning(
                    x ->
                        x.replaceFirst(
                            "<SubjectConfirmationData ",
                            "<SubjectConfirmationData NotBefore=\""
                                + NOW.minus(Duration.ofMinutes(5))
                                + "\" ")))
            .build();

    assertThat(fx.sp.validate(value, flow.pending()).nameId()).isNotBlank();
  }

  @Test
  void validateWhenSubjectHasNoConfirmationThenSaysSo() {
    Fixture.Flow flow = fx.start();
    String value =
        fx.respond(flow)
            .with(
                Attack.beforeSigning(
                    x -> x.replaceFirst("<SubjectConfirmation .*?</SubjectConfirmation>", "")))
            .build();

    SamlValidationException e = rejection(flow, value);
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SUBJECT_CONFIRMATION);
    assertThat(e.failures().get(0).detail()).isEqualTo("no bearer SubjectConfirmation");
  }

  @Test
  void validateWhenConfirmationIsNotBearerThenGivesTheReason() {
    Fixture.Flow flow = fx.start();
    String value =
        fx.respond(flow)
            .with(Attack.subjectConfirmationMethod("urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"))
            .build();

    SamlValidationException e = rejection(flow, value);
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SUBJECT_CONFIRMATION);
    assertThat(e.failures().get(0).detail()).contains("holder-of-key").contains("not bearer");
  }

  // --- 13. Replay-cache lifetime: the later of the two expiries, plus skew ----------------------

  @Test
  void validateWhenSubjectConfirmationOutlivesConditionsThenRemembersTheIdUntilTheLater()
      throws Exception {
    List<Instant> remembered = new ArrayList<>();
    Fixture recording =
        new Fixture(
            fake.entra(),
            clock,
            b ->
                b.maxResponseAge(Duration.ofHours(1)) // so that the age bound comes later
                    .replayCache(
                        (partition, id, keepUntil) -> {
                          if (id.startsWith("assertion")) {
                            remembered.add(keepUntil);
                          }
                          return ReplayCache.Outcome.FIRST_USE;
                        }));
    Fixture.Flow flow = recording.start();
    Instant conditionsEnd = NOW.plus(Duration.ofMinutes(30));
    Instant confirmationEnd = NOW.plus(Duration.ofMinutes(50));

    recording.validate(
        flow,
        recording
            .respond(flow)
            .with(Attack.notOnOrAfter(conditionsEnd))
            .with(Attack.subjectConfirmationNotOnOrAfter(confirmationEnd)));

    assertThat(remembered).containsExactly(confirmationEnd.plus(recording.sp.clockSkew()));
  }

  @Test
  void validateWhenConditionsOutliveSubjectConfirmationThenRemembersTheIdUntilTheLater()
      throws Exception {
    List<Instant> remembered = new ArrayList<>();
    Fixture recording =
        new Fixture(
            fake.entra(),
            clock,
            b ->
                b.maxResponseAge(Duration.ofHours(1)) // so that the age bound comes later
                    .replayCache(
                        (partition, id, keepUntil) -> {
                          if (id.startsWith("assertion")) {
                            remembered.add(keepUntil);
                          }
                          return ReplayCache.Outcome.FIRST_USE;
                        }));
    Fixture.Flow flow = recording.start();
    Instant conditionsEnd = NOW.plus(Duration.ofMinutes(50));
    Instant confirmationEnd = NOW.plus(Duration.ofMinutes(30));

    recording.validate(
        flow,
        recording
            .respond(flow)
            .with(Attack.notOnOrAfter(conditionsEnd))
            .with(Attack.subjectConfirmationNotOnOrAfter(confirmationEnd)));

    assertThat(remembered).containsExactly(conditionsEnd.plus(recording.sp.clockSkew()));
  }

  // --- What a verified assertion exposes --------------------------------------------------------

  @Test
  void validateWhenAuthenticatedByPasswordThenExposesTheAuthnContextClass() throws Exception {
    Fixture.Flow flow = fx.start();

    VerifiedAssertion a = fx.validate(flow, fx.respond(flow));

    assertThat(a.authnContextClassRefs())
        .containsExactly("urn:oasis:names:tc:SAML:2.0:ac:classes:Password");
  }

  @Test
  void validateWhenAttributeValuesAreTypedOrStructuredThenReadsTheirText() throws Exception {
    Fixture.Flow flow = fx.start();
    String xsi = "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";
    String xs = "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"";
    String value =
        fx.respond(flow)
            .with(
                Attack.beforeSigning(
                    x ->
                        x.replace(
                            "</AttributeStatement>",
                            "<Attribute Name=\"typed\">"
                                + "<AttributeValue "
                                + xsi
                                + " "
                                + xs
                                + " xsi:type=\"xs:anyURI\">https://example.com/a</AttributeValue>"
                                + "<AttributeValue "
                                + xsi
                                + " "
                                + xs
                                + " xsi:type=\"xs:integer\">42</AttributeValue>"
                                + "<AttributeValue "
                                + xsi
                                + " "
                                + xs
                                + " xsi:type=\"xs:string\">plain</AttributeValue>"
                                + "</Attribute></AttributeStatement>")))
            .build();

    VerifiedAssertion a = fx.sp.validate(value, flow.pending());

    assertThat(a.attributes().get("typed")).containsExactly("https://example.com/a", "42", "plain");
  }
}
