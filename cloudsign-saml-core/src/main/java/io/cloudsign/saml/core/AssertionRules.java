package io.cloudsign.saml.core;

import io.cloudsign.saml.core.SamlResponse.AuthnStatement;
import io.cloudsign.saml.core.SamlResponse.Conditions;
import io.cloudsign.saml.core.SamlResponse.Confirmation;
import io.cloudsign.saml.core.SamlResponse.ConfirmationData;
import io.cloudsign.saml.core.SamlResponse.NameId;
import io.cloudsign.saml.core.internal.LogSafe;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;

/**
 * The rules on what the authenticated assertion says: they run only after the signature rule, on
 * the assertion element whose signature verified. See {@link ResponseRules#ORDER}.
 */
final class AssertionRules {
  private static final String BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
  private static final String XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";

  private AssertionRules() {}

  static void version(Validation v) {
    if (!"2.0".equals(v.assertion.version())) {
      v.fail(
          ErrorCode.MALFORMED_RESPONSE, FailureReason.NOT_SAML_2, "Assertion Version is not 2.0");
    }
  }

  /** The Assertion Issuer is required (SAML Profiles §4.1.4.2) and is the IdP. */
  static void issuer(Validation v) {
    if (v.assertion.issuer() == null) {
      v.fail(ErrorCode.INVALID_ISSUER, "the Assertion has no Issuer");
    } else {
      MessageRules.checkIssuer(v, "Assertion", v.assertion.issuer());
    }
  }

  /** Both IssueInstants are fresh (OpenSAML 4.0.1 does not check them). */
  static void issueInstants(Validation v) {
    issueInstant(v, "Response", v.response.issueInstant());
    issueInstant(v, "Assertion", v.assertion.issueInstant());
  }

  private static void issueInstant(Validation v, String where, Instant issued) {
    if (issued == null) {
      v.fail(ErrorCode.MALFORMED_RESPONSE, FailureReason.STRUCTURE, where + " has no IssueInstant");
    } else if (issued.isAfter(v.now.plus(v.skew))) {
      v.fail(
          ErrorCode.NOT_YET_VALID,
          where + " IssueInstant " + issued + " is in the future (now " + v.now + ")");
    } else if (issued.isBefore(v.now.minus(v.policy.maxResponseAge()).minus(v.skew))) {
      v.fail(
          ErrorCode.STALE_RESPONSE,
          where
              + " IssueInstant "
              + issued
              + " is older than maxResponseAge "
              + v.policy.maxResponseAge()
              + " (now "
              + v.now
              + ")");
    }
  }

  /** Conditions: the time window, an AudienceRestriction naming the Identifier, nothing unknown. */
  static void conditions(Validation v) {
    Conditions conditions = v.assertion.conditions();
    if (conditions == null) {
      v.fail(
          ErrorCode.INVALID_AUDIENCE, "the Assertion has no Conditions, so no AudienceRestriction");
      return;
    }
    Instant notBefore = conditions.notBefore();
    if (notBefore != null && notBefore.isAfter(v.now.plus(v.skew))) {
      v.fail(
          ErrorCode.NOT_YET_VALID,
          "Conditions NotBefore " + notBefore + " is in the future (now " + v.now + ")");
    }
    Instant notOnOrAfter = conditions.notOnOrAfter();
    if (notOnOrAfter == null) {
      v.fail(ErrorCode.EXPIRED, "Conditions has no NotOnOrAfter");
    } else {
      v.notOnOrAfter = notOnOrAfter;
      if (!v.now.minus(v.skew).isBefore(notOnOrAfter)) {
        v.fail(
            ErrorCode.EXPIRED,
            "Conditions NotOnOrAfter " + notOnOrAfter + " has passed (now " + v.now + ")");
      }
    }
    // SAML Core §2.5.1: a condition the SP does not understand makes the assertion invalid.
    for (Element c : conditions.unknown()) {
      v.fail(
          ErrorCode.UNSUPPORTED_CONDITION,
          "unknown condition "
              + LogSafe.text(c.getTagName())
              + " "
              + LogSafe.text(c.getAttributeNS(XSI_NS, "type")));
    }
    audience(v, conditions.audienceRestrictions());
  }

  /** SAML Core §2.5.1.4: every AudienceRestriction must name the Identifier. */
  private static void audience(Validation v, List<List<String>> restrictions) {
    if (restrictions.isEmpty()) {
      v.fail(ErrorCode.INVALID_AUDIENCE, "the Assertion has no AudienceRestriction");
    }
    String identifier = v.registration.entityId();
    for (List<String> audiences : restrictions) {
      if (!audiences.contains(identifier)) {
        v.fail(
            ErrorCode.INVALID_AUDIENCE,
            "Audience is "
                + LogSafe.text(String.join(", ", audiences.stream().map(String::valueOf).toList()))
                + ", expected the Identifier (Entity ID) "
                + LogSafe.text(identifier));
      }
    }
  }

  /** A plain NameID with a value (its whole text: comment-split values read as one). */
  static void nameId(Validation v) {
    NameId nameId = v.assertion.nameId();
    if (nameId == null || nameId.value() == null || nameId.value().isBlank()) {
      v.fail(ErrorCode.MISSING_NAME_ID, "the Assertion's Subject has no (plain) NameID");
    } else {
      v.nameId = nameId;
    }
  }

  /**
   * SAML Profiles §4.1.4.2-3: at least one bearer SubjectConfirmation whose data names the Reply
   * URL as Recipient, answers this request and has not expired.
   */
  static void subjectConfirmation(Validation v) {
    List<String> reasons = new ArrayList<>();
    for (Confirmation sc : v.assertion.confirmations()) {
      String problem = confirmationProblem(v, sc);
      if (problem == null) {
        v.confirmationExpiry = sc.data().notOnOrAfter();
        return;
      }
      reasons.add(problem);
    }
    v.fail(
        ErrorCode.INVALID_SUBJECT_CONFIRMATION,
        reasons.isEmpty()
            ? "no bearer SubjectConfirmation"
            : "no usable bearer SubjectConfirmation: " + String.join("; ", reasons));
  }

  private static String confirmationProblem(Validation v, Confirmation sc) {
    if (!BEARER.equals(sc.method())) {
      return "method " + LogSafe.text(sc.method()) + " is not bearer";
    }
    ConfirmationData data = sc.data();
    String replyUrl = v.replyUrl();
    String inResponseTo = v.response.inResponseTo();
    if (data == null) {
      return "bearer confirmation without SubjectConfirmationData";
    } else if (!replyUrl.equals(data.recipient())) {
      return "Recipient is "
          + LogSafe.text(data.recipient())
          + ", expected the Reply URL "
          + LogSafe.text(replyUrl);
    } else if (inResponseTo == null || !inResponseTo.equals(data.inResponseTo())) {
      return "InResponseTo is "
          + LogSafe.text(data.inResponseTo())
          + ", expected "
          + LogSafe.text(inResponseTo);
    } else if (data.notOnOrAfter() == null) {
      return "no NotOnOrAfter";
    } else if (!v.now.minus(v.skew).isBefore(data.notOnOrAfter())) {
      return "NotOnOrAfter " + data.notOnOrAfter() + " has passed (now " + v.now + ")";
    } else if (data.notBefore() != null && data.notBefore().isAfter(v.now.plus(v.skew))) {
      return "NotBefore " + data.notBefore() + " is in the future";
    }
    return null;
  }

  /** An AuthnStatement; its SessionNotOnOrAfter, when given, has not passed. */
  static void authnStatement(Validation v) {
    if (v.assertion.authnStatements().isEmpty()) {
      v.fail(ErrorCode.MISSING_AUTHN_STATEMENT, "the Assertion has no AuthnStatement");
      return;
    }
    AuthnStatement authn = v.assertion.authnStatements().get(0);
    v.authn = authn;
    Instant sessionEnd = authn.sessionNotOnOrAfter();
    if (sessionEnd != null && !v.now.minus(v.skew).isBefore(sessionEnd)) {
      v.fail(ErrorCode.EXPIRED, "AuthnStatement SessionNotOnOrAfter " + sessionEnd + " has passed");
    }
  }

  /**
   * For an Entra IdP ({@code https://sts.windows.net/<tenant>/}), a {@code tenantid} claim names
   * that tenant: an assertion for one customer's registration never speaks for another tenant.
   */
  static void tenantId(Validation v) {
    String tenant = EntraIssuer.tenantId(v.idpEntityId()).orElse(null);
    if (tenant == null) {
      return;
    }
    String claim = v.registration.claimMapping().attributeName(EntraClaim.TENANT_ID);
    for (String value : v.assertion.attributes().getOrDefault(claim, List.of())) {
      if (!tenant.equalsIgnoreCase(value)) {
        v.fail(
            ErrorCode.TENANT_MISMATCH,
            "the tenantid claim is "
                + LogSafe.text(value)
                + ", but the IdP "
                + LogSafe.text(v.idpEntityId())
                + " is tenant "
                + tenant);
      }
    }
  }

  /** Every failure found so far is reported together, before the replay cache is touched. */
  static void allPassed(Validation v) throws SamlValidationException {
    if (v.failed()) {
      throw v.stop();
    }
  }
}
