package io.cloudsign.saml.core;

import io.cloudsign.saml.core.SamlResponse.Assertion;
import io.cloudsign.saml.core.SamlResponse.AuthnStatement;
import io.cloudsign.saml.core.SamlResponse.Conditions;
import io.cloudsign.saml.core.SamlResponse.Confirmation;
import io.cloudsign.saml.core.SamlResponse.ConfirmationData;
import io.cloudsign.saml.core.SamlResponse.Issuer;
import io.cloudsign.saml.core.SamlResponse.NameId;
import io.cloudsign.saml.core.SamlResponse.Status;
import io.cloudsign.saml.core.internal.LogSafe;
import io.cloudsign.saml.core.internal.OpenSaml;
import io.cloudsign.saml.core.internal.SamlDom;
import io.cloudsign.saml.core.internal.SecureXml;
import io.cloudsign.saml.core.internal.SignatureVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Validates a Response by the rules of DESIGN §4, in order, on one parse. Identity data is read
 * only from the Assertion element whose covering signature verified ({@link SamlResponse} keeps
 * each assertion's element). Thread-safe.
 */
final class ResponseValidator {
  private static final String ENTITY = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";
  private static final String SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
  private static final String BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

  private final ServiceProvider sp;
  private final Map<String, SignatureVerifier> verifiers = new HashMap<>();

  ResponseValidator(ServiceProvider sp) {
    OpenSaml.get(); // fail at start-up, not at the first login, if OpenSAML cannot initialise
    this.sp = sp;
    for (Registration r : sp.registrations()) {
      verifiers.put(
          r.id(),
          new SignatureVerifier(
              r.identityProvider().signingCertificates(), sp.allowsInsecureSha1Signatures()));
    }
  }

  VerifiedAssertion validate(String samlResponse, List<PendingRequest> pending)
      throws SamlValidationException {
    Instant now = sp.clock().instant();
    Duration skew = sp.clockSkew();

    // 1. Size, before decoding anything.
    if (samlResponse == null || samlResponse.isEmpty()) {
      throw new SamlValidationException(ErrorCode.MALFORMED_RESPONSE, "no SAMLResponse value");
    }
    if (samlResponse.length() > sp.maxResponseBytes()) {
      throw new SamlValidationException(
          ErrorCode.RESPONSE_TOO_LARGE,
          "SAMLResponse has "
              + samlResponse.length()
              + " characters; the limit (maxResponseBytes) is "
              + sp.maxResponseBytes());
    }

    // 2. One parse; exactly one samlp:Response root, Version 2.0.
    SamlResponse response = parse(samlResponse);
    List<ValidationFailure> failures = new ArrayList<>();

    // 4. InResponseTo selects this browser's pending request (and so the registration).
    PendingRequest request = null;
    String inResponseTo = response.inResponseTo();
    if (inResponseTo == null || inResponseTo.isEmpty()) {
      failures.add(
          new ValidationFailure(
              ErrorCode.UNSOLICITED_RESPONSE,
              "the Response has no InResponseTo (IdP-initiated sign-in is not accepted)"));
    } else {
      for (PendingRequest p : pending) {
        if (p.requestId().equals(inResponseTo)) {
          request = p;
        }
      }
      if (request == null) {
        failures.add(
            new ValidationFailure(
                ErrorCode.UNKNOWN_IN_RESPONSE_TO,
                "InResponseTo "
                    + LogSafe.text(inResponseTo)
                    + " matches none of this browser's "
                    + pending.size()
                    + " pending request(s)"));
      } else if (!now.isBefore(request.expiresAt())) {
        failures.add(
            new ValidationFailure(
                ErrorCode.PENDING_REQUEST_EXPIRED,
                "the request " + request.requestId() + " expired at " + request.expiresAt()));
      }
    }
    // Without a match, keep checking against the browser's only registration so that an admin sees
    // every misconfiguration; the Response is rejected either way.
    String registrationId =
        request != null
            ? request.registrationId()
            : pending.stream().map(PendingRequest::registrationId).distinct().count() == 1
                ? pending.get(0).registrationId()
                : null;
    Registration registration =
        registrationId == null ? null : sp.registration(registrationId).orElse(null);
    if (registration == null) {
      if (registrationId != null) {
        failures.add(
            new ValidationFailure(
                ErrorCode.UNKNOWN_REGISTRATION,
                "registration " + LogSafe.text(registrationId) + " is not configured"));
      }
      throw new SamlValidationException(failures);
    }
    String idpEntityId = registration.identityProvider().entityId();
    String replyUrl = registration.replyUrl().toString();

    // 3. Destination is the configured Reply URL (never the Host header).
    if (!replyUrl.equals(response.destination())) {
      failures.add(
          new ValidationFailure(
              ErrorCode.INVALID_DESTINATION,
              "Destination is "
                  + LogSafe.text(response.destination())
                  + ", expected the Reply URL "
                  + LogSafe.text(replyUrl)));
    }

    // 5. Response Issuer, when present.
    if (response.issuer() != null) {
      checkIssuer("Response", response.issuer(), idpEntityId, failures);
    }

    // 6. Status Success; otherwise Entra's AADSTS message goes to the log.
    String statusProblem = statusProblem(response.status());
    if (statusProblem != null) {
      failures.add(new ValidationFailure(ErrorCode.IDP_ERROR_STATUS, statusProblem));
      throw new SamlValidationException(failures);
    }

    // 7. Exactly one Assertion, no EncryptedAssertion.
    int plain = response.assertions().size();
    int encrypted = response.encryptedAssertions();
    if (encrypted > 0 && plain == 0 && encrypted == 1) {
      failures.add(
          new ValidationFailure(
              ErrorCode.ENCRYPTED_ASSERTION_NOT_SUPPORTED,
              "the assertion is encrypted; turn off token encryption in Entra"));
      throw new SamlValidationException(failures);
    }
    if (plain + encrypted != 1) {
      failures.add(
          new ValidationFailure(
              ErrorCode.INVALID_ASSERTION_COUNT,
              "found " + plain + " Assertion(s) and " + encrypted + " EncryptedAssertion(s)"));
      throw new SamlValidationException(failures);
    }
    Assertion assertion = response.assertions().get(0);

    // 8. Signatures: every present signature must verify; one must cover the assertion. A failure
    // here stops processing and leads the report.
    ValidationFailure signatureFailure = checkSignatures(response, assertion, registration);
    if (signatureFailure != null) {
      failures.add(0, signatureFailure);
      throw new SamlValidationException(failures);
    }

    // From here on the assertion is authentic; check what it says.
    if (!"2.0".equals(assertion.version())) {
      failures.add(
          new ValidationFailure(ErrorCode.MALFORMED_RESPONSE, "Assertion Version is not 2.0"));
    }
    // 5. Assertion Issuer is required.
    if (assertion.issuer() == null) {
      failures.add(new ValidationFailure(ErrorCode.INVALID_ISSUER, "the Assertion has no Issuer"));
    } else {
      checkIssuer("Assertion", assertion.issuer(), idpEntityId, failures);
    }

    // 12. Freshness of both IssueInstants (OpenSAML 4.0.1 does not check it).
    checkIssueInstant("Response", response.issueInstant(), now, skew, failures);
    checkIssueInstant("Assertion", assertion.issueInstant(), now, skew, failures);

    // 10. Conditions: time window, audience, nothing unknown.
    Instant notOnOrAfter =
        checkConditions(assertion.conditions(), registration, now, skew, failures);

    // 11. Subject: NameID and a bearer confirmation for this request at this Reply URL.
    NameId nameId = nameId(assertion.nameId(), failures);
    Instant confirmationExpiry =
        checkSubjectConfirmation(
            assertion.confirmations(), replyUrl, inResponseTo, now, skew, failures);

    // 14. AuthnStatement.
    AuthnStatement authn = null;
    if (assertion.authnStatements().isEmpty()) {
      failures.add(
          new ValidationFailure(
              ErrorCode.MISSING_AUTHN_STATEMENT, "the Assertion has no AuthnStatement"));
    } else {
      authn = assertion.authnStatements().get(0);
      Instant sessionEnd = authn.sessionNotOnOrAfter();
      if (sessionEnd != null && !now.minus(skew).isBefore(sessionEnd)) {
        failures.add(
            new ValidationFailure(
                ErrorCode.EXPIRED,
                "AuthnStatement SessionNotOnOrAfter " + sessionEnd + " has passed"));
      }
    }

    if (!failures.isEmpty()) {
      throw new SamlValidationException(failures);
    }

    // 13. Replay: last, so that a rejected Response never consumes its assertion ID.
    Instant keepUntil =
        (confirmationExpiry.isAfter(notOnOrAfter) ? confirmationExpiry : notOnOrAfter).plus(skew);
    if (!sp.replayCache().putIfAbsent(idpEntityId + "\n" + assertion.id(), keepUntil)) {
      throw new SamlValidationException(
          ErrorCode.REPLAYED_ASSERTION,
          "assertion " + LogSafe.text(assertion.id()) + " was already used");
    }

    return new VerifiedAssertion(
        registration.id(),
        idpEntityId,
        assertion.id(),
        nameId.value(),
        nameId.format(),
        assertion.attributes(),
        authn.sessionIndex(),
        authn.authnInstant(),
        authn.sessionNotOnOrAfter(),
        notOnOrAfter,
        authnContextClassRefs(assertion),
        request.requestId(),
        request.relayState(),
        registration.claimMapping());
  }

  private static SamlResponse parse(String samlResponse) throws SamlValidationException {
    byte[] xml;
    try {
      xml = decodeBase64(samlResponse);
    } catch (IllegalArgumentException e) {
      throw new SamlValidationException(ErrorCode.MALFORMED_RESPONSE, "SAMLResponse is not base64");
    }
    try {
      Document doc = SecureXml.parse(xml);
      Element root = doc.getDocumentElement();
      if (!SamlDom.is(root, SamlDom.PROTOCOL_NS, "Response")) {
        throw new SamlValidationException(
            ErrorCode.MALFORMED_RESPONSE,
            "the root element is " + LogSafe.text(root.getTagName()) + ", not samlp:Response");
      }
      String duplicate = SecureXml.duplicateId(root);
      if (duplicate != null) {
        throw new SamlValidationException(
            ErrorCode.DUPLICATE_ID, "the ID " + LogSafe.text(duplicate) + " occurs twice");
      }
      SamlResponse response = SamlResponse.read(root);
      if (!"2.0".equals(response.version())) {
        throw new SamlValidationException(
            ErrorCode.MALFORMED_RESPONSE, "Response Version is not 2.0");
      }
      return response;
    } catch (SecureXml.RejectedXmlException e) {
      throw new SamlValidationException(ErrorCode.MALFORMED_RESPONSE, e.getMessage());
    }
  }

  /**
   * Base64 in a form field may be wrapped; anything else that is not base64 is rejected. Fast path
   * (performance): browsers post one unwrapped line, which the strict basic decoder takes as is. It
   * accepts only input that the checked path below accepts too, with the same bytes; everything
   * else (line breaks, junk) goes the checked path, so results and errors are unchanged.
   */
  private static byte[] decodeBase64(String s) {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException notPlainBase64) {
      return Base64.getMimeDecoder().decode(stripWhitespace(s));
    }
  }

  /** Base64 in a form field may be wrapped; anything else that is not base64 is rejected. */
  private static String stripWhitespace(String s) {
    boolean clean = true;
    for (int i = 0; i < s.length() && clean; i++) {
      clean = !Character.isWhitespace(s.charAt(i));
    }
    if (clean) {
      return validBase64(s);
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isWhitespace(c)) {
        sb.append(c);
      }
    }
    return validBase64(sb.toString());
  }

  /** The MIME decoder skips illegal characters; we do not. */
  private static String validBase64(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '+'
              || c == '/'
              || c == '=';
      if (!ok) {
        throw new IllegalArgumentException("not base64");
      }
    }
    return s;
  }

  private static void checkIssuer(
      String where, Issuer issuer, String expected, List<ValidationFailure> failures) {
    if (issuer.format() != null && !ENTITY.equals(issuer.format())) {
      failures.add(
          new ValidationFailure(
              ErrorCode.INVALID_ISSUER,
              where + " Issuer Format is " + LogSafe.text(issuer.format()) + ", not entity"));
    } else if (!expected.equals(issuer.value())) {
      failures.add(
          new ValidationFailure(
              ErrorCode.INVALID_ISSUER,
              where
                  + " Issuer is "
                  + LogSafe.text(issuer.value())
                  + ", expected the IdP entity ID "
                  + LogSafe.text(expected)));
    }
  }

  private static String statusProblem(Status status) {
    if (status == null || status.codes().isEmpty()) {
      return "the Response has no Status";
    }
    if (status.codes().size() == 1 && SUCCESS.equals(status.codes().get(0))) {
      return null;
    }
    StringBuilder sb = new StringBuilder("status ");
    for (int i = 0; i < status.codes().size(); i++) {
      sb.append(i == 0 ? "" : " / ").append(LogSafe.text(status.codes().get(i)));
    }
    if (status.message() != null) {
      sb.append(", message ").append(LogSafe.text(status.message()));
    }
    return sb.toString();
  }

  private ValidationFailure checkSignatures(
      SamlResponse response, Assertion assertion, Registration registration) {
    boolean responseSigned = response.signed();
    boolean assertionSigned = assertion.signed();
    if (!responseSigned && !assertionSigned) {
      return new ValidationFailure(
          ErrorCode.MISSING_SIGNATURE, "neither the Response nor the Assertion is signed");
    }
    SignatureVerifier verifier = verifiers.get(registration.id());
    if (responseSigned) {
      ValidationFailure f = signatureFailure("Response", verifier.verify(response.element()));
      if (f != null) {
        return f;
      }
    }
    if (assertionSigned) {
      return signatureFailure("Assertion", verifier.verify(assertion.element()));
    }
    return null;
  }

  private static ValidationFailure signatureFailure(String where, SignatureVerifier.Result r) {
    return switch (r.outcome()) {
      case VALID -> null;
      case DISALLOWED_ALGORITHM ->
          new ValidationFailure(
              ErrorCode.DISALLOWED_SIGNATURE_ALGORITHM, where + " signature: " + r.reason());
      case INVALID ->
          new ValidationFailure(ErrorCode.INVALID_SIGNATURE, where + " signature: " + r.reason());
    };
  }

  private void checkIssueInstant(
      String where, Instant issued, Instant now, Duration skew, List<ValidationFailure> failures) {
    if (issued == null) {
      failures.add(
          new ValidationFailure(ErrorCode.MALFORMED_RESPONSE, where + " has no IssueInstant"));
    } else if (issued.isAfter(now.plus(skew))) {
      failures.add(
          new ValidationFailure(
              ErrorCode.NOT_YET_VALID,
              where + " IssueInstant " + issued + " is in the future (now " + now + ")"));
    } else if (issued.isBefore(now.minus(sp.maxResponseAge()).minus(skew))) {
      failures.add(
          new ValidationFailure(
              ErrorCode.STALE_RESPONSE,
              where
                  + " IssueInstant "
                  + issued
                  + " is older than maxResponseAge "
                  + sp.maxResponseAge()
                  + " (now "
                  + now
                  + ")"));
    }
  }

  /** Returns the Conditions NotOnOrAfter (or now when absent/invalid, as a replay-cache bound). */
  private static Instant checkConditions(
      Conditions conditions,
      Registration registration,
      Instant now,
      Duration skew,
      List<ValidationFailure> failures) {
    if (conditions == null) {
      failures.add(
          new ValidationFailure(
              ErrorCode.INVALID_AUDIENCE,
              "the Assertion has no Conditions, so no AudienceRestriction"));
      return now;
    }
    Instant notBefore = conditions.notBefore();
    if (notBefore != null && notBefore.isAfter(now.plus(skew))) {
      failures.add(
          new ValidationFailure(
              ErrorCode.NOT_YET_VALID,
              "Conditions NotBefore " + notBefore + " is in the future (now " + now + ")"));
    }
    Instant notOnOrAfter = conditions.notOnOrAfter();
    if (notOnOrAfter == null) {
      failures.add(new ValidationFailure(ErrorCode.EXPIRED, "Conditions has no NotOnOrAfter"));
    } else if (!now.minus(skew).isBefore(notOnOrAfter)) {
      failures.add(
          new ValidationFailure(
              ErrorCode.EXPIRED,
              "Conditions NotOnOrAfter " + notOnOrAfter + " has passed (now " + now + ")"));
    }
    // SAML Core §2.5.1: a condition the SP does not understand makes the assertion invalid.
    for (Element c : conditions.unknown()) {
      failures.add(
          new ValidationFailure(
              ErrorCode.UNSUPPORTED_CONDITION,
              "unknown condition "
                  + LogSafe.text(c.getTagName())
                  + " "
                  + LogSafe.text(
                      c.getAttributeNS("http://www.w3.org/2001/XMLSchema-instance", "type"))));
    }
    List<List<String>> restrictions = conditions.audienceRestrictions();
    if (restrictions.isEmpty()) {
      failures.add(
          new ValidationFailure(
              ErrorCode.INVALID_AUDIENCE, "the Assertion has no AudienceRestriction"));
    }
    // SAML Core §2.5.1.4: every AudienceRestriction must be satisfied.
    for (List<String> audiences : restrictions) {
      if (!audiences.contains(registration.entityId())) {
        failures.add(
            new ValidationFailure(
                ErrorCode.INVALID_AUDIENCE,
                "Audience is "
                    + LogSafe.text(
                        String.join(", ", audiences.stream().map(String::valueOf).toList()))
                    + ", expected the Identifier (Entity ID) "
                    + LogSafe.text(registration.entityId())));
      }
    }
    return notOnOrAfter != null ? notOnOrAfter : now;
  }

  private static NameId nameId(NameId nameId, List<ValidationFailure> failures) {
    if (nameId == null || nameId.value() == null || nameId.value().isBlank()) {
      failures.add(
          new ValidationFailure(
              ErrorCode.MISSING_NAME_ID, "the Assertion's Subject has no (plain) NameID"));
      return null;
    }
    return nameId;
  }

  /**
   * SAML Profiles §4.1.4.2-3: at least one bearer SubjectConfirmation whose data names the Reply
   * URL as Recipient, answers this request and has not expired. Returns its NotOnOrAfter.
   */
  private static Instant checkSubjectConfirmation(
      List<Confirmation> confirmations,
      String replyUrl,
      String inResponseTo,
      Instant now,
      Duration skew,
      List<ValidationFailure> failures) {
    List<String> reasons = new ArrayList<>();
    for (Confirmation sc : confirmations) {
      if (!BEARER.equals(sc.method())) {
        reasons.add("method " + LogSafe.text(sc.method()) + " is not bearer");
        continue;
      }
      ConfirmationData data = sc.data();
      if (data == null) {
        reasons.add("bearer confirmation without SubjectConfirmationData");
      } else if (!replyUrl.equals(data.recipient())) {
        reasons.add(
            "Recipient is "
                + LogSafe.text(data.recipient())
                + ", expected the Reply URL "
                + LogSafe.text(replyUrl));
      } else if (inResponseTo == null || !inResponseTo.equals(data.inResponseTo())) {
        reasons.add(
            "InResponseTo is "
                + LogSafe.text(data.inResponseTo())
                + ", expected "
                + LogSafe.text(inResponseTo));
      } else if (data.notOnOrAfter() == null) {
        reasons.add("no NotOnOrAfter");
      } else if (!now.minus(skew).isBefore(data.notOnOrAfter())) {
        reasons.add("NotOnOrAfter " + data.notOnOrAfter() + " has passed (now " + now + ")");
      } else if (data.notBefore() != null && data.notBefore().isAfter(now.plus(skew))) {
        reasons.add("NotBefore " + data.notBefore() + " is in the future");
      } else {
        return data.notOnOrAfter();
      }
    }
    failures.add(
        new ValidationFailure(
            ErrorCode.INVALID_SUBJECT_CONFIRMATION,
            reasons.isEmpty()
                ? "no bearer SubjectConfirmation"
                : "no usable bearer SubjectConfirmation: " + String.join("; ", reasons)));
    return now;
  }

  private static List<String> authnContextClassRefs(Assertion assertion) {
    List<String> refs = new ArrayList<>(1);
    for (AuthnStatement s : assertion.authnStatements()) {
      if (s.classRef() != null) {
        refs.add(s.classRef());
      }
    }
    return refs;
  }
}
