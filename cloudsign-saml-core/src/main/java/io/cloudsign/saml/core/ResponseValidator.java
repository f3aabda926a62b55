package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.LogSafe;
import io.cloudsign.saml.core.internal.OpenSaml;
import io.cloudsign.saml.core.internal.SecureXml;
import io.cloudsign.saml.core.internal.SignatureVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.schema.XSAny;
import org.opensaml.core.xml.schema.XSString;
import org.opensaml.core.xml.schema.XSURI;
import org.opensaml.saml.common.SAMLVersion;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Attribute;
import org.opensaml.saml.saml2.core.AttributeStatement;
import org.opensaml.saml.saml2.core.Audience;
import org.opensaml.saml.saml2.core.AudienceRestriction;
import org.opensaml.saml.saml2.core.AuthnStatement;
import org.opensaml.saml.saml2.core.Conditions;
import org.opensaml.saml.saml2.core.Issuer;
import org.opensaml.saml.saml2.core.NameID;
import org.opensaml.saml.saml2.core.NameIDType;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.saml2.core.Status;
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.saml.saml2.core.Subject;
import org.opensaml.saml.saml2.core.SubjectConfirmation;
import org.opensaml.saml.saml2.core.SubjectConfirmationData;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Validates a Response by the rules of DESIGN §4, in order, on one parse. Identity data is read
 * only from the Assertion object whose covering signature verified. Thread-safe.
 */
final class ResponseValidator {
  private static final String PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
  private static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
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
    Response response = parse(samlResponse);
    List<ValidationFailure> failures = new ArrayList<>();

    // 4. InResponseTo selects this browser's pending request (and so the registration).
    PendingRequest request = null;
    String inResponseTo = response.getInResponseTo();
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
    if (!replyUrl.equals(response.getDestination())) {
      failures.add(
          new ValidationFailure(
              ErrorCode.INVALID_DESTINATION,
              "Destination is "
                  + LogSafe.text(response.getDestination())
                  + ", expected the Reply URL "
                  + LogSafe.text(replyUrl)));
    }

    // 5. Response Issuer, when present.
    if (response.getIssuer() != null) {
      checkIssuer("Response", response.getIssuer(), idpEntityId, failures);
    }

    // 6. Status Success; otherwise Entra's AADSTS message goes to the log.
    String statusProblem = statusProblem(response.getStatus());
    if (statusProblem != null) {
      failures.add(new ValidationFailure(ErrorCode.IDP_ERROR_STATUS, statusProblem));
      throw new SamlValidationException(failures);
    }

    // 7. Exactly one Assertion, no EncryptedAssertion.
    int plain = response.getAssertions().size();
    int encrypted = response.getEncryptedAssertions().size();
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
    Assertion assertion = response.getAssertions().get(0);

    // 8. Signatures: every present signature must verify; one must cover the assertion. A failure
    // here stops processing and leads the report.
    ValidationFailure signatureFailure = checkSignatures(response, assertion, registration);
    if (signatureFailure != null) {
      failures.add(0, signatureFailure);
      throw new SamlValidationException(failures);
    }

    // From here on the assertion is authentic; check what it says.
    if (assertion.getVersion() != SAMLVersion.VERSION_20) {
      failures.add(
          new ValidationFailure(ErrorCode.MALFORMED_RESPONSE, "Assertion Version is not 2.0"));
    }
    // 5. Assertion Issuer is required.
    if (assertion.getIssuer() == null) {
      failures.add(new ValidationFailure(ErrorCode.INVALID_ISSUER, "the Assertion has no Issuer"));
    } else {
      checkIssuer("Assertion", assertion.getIssuer(), idpEntityId, failures);
    }

    // 12. Freshness of both IssueInstants (OpenSAML 4.0.1 does not check it).
    checkIssueInstant("Response", response.getIssueInstant(), now, skew, failures);
    checkIssueInstant("Assertion", assertion.getIssueInstant(), now, skew, failures);

    // 10. Conditions: time window, audience, nothing unknown.
    Instant notOnOrAfter =
        checkConditions(assertion.getConditions(), registration, now, skew, failures);

    // 11. Subject: NameID and a bearer confirmation for this request at this Reply URL.
    NameID nameId = nameId(assertion.getSubject(), failures);
    Instant confirmationExpiry =
        checkSubjectConfirmation(
            assertion.getSubject(), replyUrl, inResponseTo, now, skew, failures);

    // 14. AuthnStatement.
    AuthnStatement authn = null;
    if (assertion.getAuthnStatements().isEmpty()) {
      failures.add(
          new ValidationFailure(
              ErrorCode.MISSING_AUTHN_STATEMENT, "the Assertion has no AuthnStatement"));
    } else {
      authn = assertion.getAuthnStatements().get(0);
      Instant sessionEnd = authn.getSessionNotOnOrAfter();
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
    if (!sp.replayCache().putIfAbsent(idpEntityId + "\n" + assertion.getID(), keepUntil)) {
      throw new SamlValidationException(
          ErrorCode.REPLAYED_ASSERTION,
          "assertion " + LogSafe.text(assertion.getID()) + " was already used");
    }

    return new VerifiedAssertion(
        registration.id(),
        idpEntityId,
        assertion.getID(),
        nameId.getValue(),
        nameId.getFormat(),
        attributes(assertion),
        authn.getSessionIndex(),
        authn.getAuthnInstant(),
        authn.getSessionNotOnOrAfter(),
        notOnOrAfter,
        authnContextClassRefs(assertion),
        request.requestId(),
        request.relayState(),
        registration.claimMapping());
  }

  private static Response parse(String samlResponse) throws SamlValidationException {
    byte[] xml;
    try {
      xml = decodeBase64(samlResponse);
    } catch (IllegalArgumentException e) {
      throw new SamlValidationException(ErrorCode.MALFORMED_RESPONSE, "SAMLResponse is not base64");
    }
    try {
      Document doc = SecureXml.parse(xml);
      Element root = doc.getDocumentElement();
      if (!PROTOCOL_NS.equals(root.getNamespaceURI()) || !"Response".equals(root.getLocalName())) {
        throw new SamlValidationException(
            ErrorCode.MALFORMED_RESPONSE,
            "the root element is " + LogSafe.text(root.getTagName()) + ", not samlp:Response");
      }
      String duplicate = SecureXml.duplicateId(root);
      if (duplicate != null) {
        throw new SamlValidationException(
            ErrorCode.DUPLICATE_ID, "the ID " + LogSafe.text(duplicate) + " occurs twice");
      }
      XMLObject object = SecureXml.unmarshall(root);
      if (!(object instanceof Response response)) {
        throw new SamlValidationException(ErrorCode.MALFORMED_RESPONSE, "not a SAML 2.0 Response");
      }
      if (response.getVersion() != SAMLVersion.VERSION_20) {
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
    if (issuer.getFormat() != null && !NameIDType.ENTITY.equals(issuer.getFormat())) {
      failures.add(
          new ValidationFailure(
              ErrorCode.INVALID_ISSUER,
              where + " Issuer Format is " + LogSafe.text(issuer.getFormat()) + ", not entity"));
    } else if (!expected.equals(issuer.getValue())) {
      failures.add(
          new ValidationFailure(
              ErrorCode.INVALID_ISSUER,
              where
                  + " Issuer is "
                  + LogSafe.text(issuer.getValue())
                  + ", expected the IdP entity ID "
                  + LogSafe.text(expected)));
    }
  }

  private static String statusProblem(Status status) {
    if (status == null || status.getStatusCode() == null) {
      return "the Response has no Status";
    }
    StatusCode code = status.getStatusCode();
    if (StatusCode.SUCCESS.equals(code.getValue()) && code.getStatusCode() == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder("status ");
    for (StatusCode c = code; c != null; c = c.getStatusCode()) {
      sb.append(c == code ? "" : " / ").append(LogSafe.text(c.getValue()));
    }
    if (status.getStatusMessage() != null) {
      sb.append(", message ").append(LogSafe.text(status.getStatusMessage().getValue()));
    }
    return sb.toString();
  }

  private ValidationFailure checkSignatures(
      Response response, Assertion assertion, Registration registration) {
    boolean responseSigned = response.getSignature() != null;
    boolean assertionSigned = assertion.getSignature() != null;
    if (!responseSigned && !assertionSigned) {
      return new ValidationFailure(
          ErrorCode.MISSING_SIGNATURE, "neither the Response nor the Assertion is signed");
    }
    SignatureVerifier verifier = verifiers.get(registration.id());
    if (responseSigned) {
      ValidationFailure f = signatureFailure("Response", verifier.verify(response));
      if (f != null) {
        return f;
      }
    }
    if (assertionSigned) {
      return signatureFailure("Assertion", verifier.verify(assertion));
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
    Instant notBefore = conditions.getNotBefore();
    if (notBefore != null && notBefore.isAfter(now.plus(skew))) {
      failures.add(
          new ValidationFailure(
              ErrorCode.NOT_YET_VALID,
              "Conditions NotBefore " + notBefore + " is in the future (now " + now + ")"));
    }
    Instant notOnOrAfter = conditions.getNotOnOrAfter();
    if (notOnOrAfter == null) {
      failures.add(new ValidationFailure(ErrorCode.EXPIRED, "Conditions has no NotOnOrAfter"));
    } else if (!now.minus(skew).isBefore(notOnOrAfter)) {
      failures.add(
          new ValidationFailure(
              ErrorCode.EXPIRED,
              "Conditions NotOnOrAfter " + notOnOrAfter + " has passed (now " + now + ")"));
    }
    // SAML Core §2.5.1: a condition the SP does not understand makes the assertion invalid. The
    // DOM is read because OpenSAML drops a Condition of an unknown xsi:type during unmarshalling.
    for (Node c = conditions.getDOM().getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c.getNodeType() == Node.ELEMENT_NODE && !understood(c)) {
        failures.add(
            new ValidationFailure(
                ErrorCode.UNSUPPORTED_CONDITION,
                "unknown condition "
                    + LogSafe.text(((Element) c).getTagName())
                    + " "
                    + LogSafe.text(
                        ((Element) c)
                            .getAttributeNS("http://www.w3.org/2001/XMLSchema-instance", "type"))));
      }
    }
    List<AudienceRestriction> restrictions = conditions.getAudienceRestrictions();
    if (restrictions.isEmpty()) {
      failures.add(
          new ValidationFailure(
              ErrorCode.INVALID_AUDIENCE, "the Assertion has no AudienceRestriction"));
    }
    // SAML Core §2.5.1.4: every AudienceRestriction must be satisfied.
    for (AudienceRestriction r : restrictions) {
      boolean found = false;
      List<String> seen = new ArrayList<>();
      for (Audience a : r.getAudiences()) {
        seen.add(a.getURI());
        found |= registration.entityId().equals(a.getURI());
      }
      if (!found) {
        failures.add(
            new ValidationFailure(
                ErrorCode.INVALID_AUDIENCE,
                "Audience is "
                    + LogSafe.text(String.join(", ", seen.stream().map(String::valueOf).toList()))
                    + ", expected the Identifier (Entity ID) "
                    + LogSafe.text(registration.entityId())));
      }
    }
    return notOnOrAfter != null ? notOnOrAfter : now;
  }

  private static boolean understood(Node condition) {
    String name = condition.getLocalName();
    return ASSERTION_NS.equals(condition.getNamespaceURI())
        && (name.equals("AudienceRestriction")
            || name.equals("OneTimeUse")
            || name.equals("ProxyRestriction"));
  }

  private static NameID nameId(Subject subject, List<ValidationFailure> failures) {
    NameID nameId = subject == null ? null : subject.getNameID();
    if (nameId == null || nameId.getValue() == null || nameId.getValue().isBlank()) {
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
      Subject subject,
      String replyUrl,
      String inResponseTo,
      Instant now,
      Duration skew,
      List<ValidationFailure> failures) {
    List<String> reasons = new ArrayList<>();
    if (subject != null) {
      for (SubjectConfirmation sc : subject.getSubjectConfirmations()) {
        if (!BEARER.equals(sc.getMethod())) {
          reasons.add("method " + LogSafe.text(sc.getMethod()) + " is not bearer");
          continue;
        }
        SubjectConfirmationData data = sc.getSubjectConfirmationData();
        if (data == null) {
          reasons.add("bearer confirmation without SubjectConfirmationData");
        } else if (!replyUrl.equals(data.getRecipient())) {
          reasons.add(
              "Recipient is "
                  + LogSafe.text(data.getRecipient())
                  + ", expected the Reply URL "
                  + LogSafe.text(replyUrl));
        } else if (inResponseTo == null || !inResponseTo.equals(data.getInResponseTo())) {
          reasons.add(
              "InResponseTo is "
                  + LogSafe.text(data.getInResponseTo())
                  + ", expected "
                  + LogSafe.text(inResponseTo));
        } else if (data.getNotOnOrAfter() == null) {
          reasons.add("no NotOnOrAfter");
        } else if (!now.minus(skew).isBefore(data.getNotOnOrAfter())) {
          reasons.add("NotOnOrAfter " + data.getNotOnOrAfter() + " has passed (now " + now + ")");
        } else if (data.getNotBefore() != null && data.getNotBefore().isAfter(now.plus(skew))) {
          reasons.add("NotBefore " + data.getNotBefore() + " is in the future");
        } else {
          return data.getNotOnOrAfter();
        }
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

  private static Map<String, List<String>> attributes(Assertion assertion) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (AttributeStatement statement : assertion.getAttributeStatements()) {
      for (Attribute attribute : statement.getAttributes()) {
        if (attribute.getName() == null) {
          continue;
        }
        List<String> values = out.computeIfAbsent(attribute.getName(), k -> new ArrayList<>());
        for (XMLObject v : attribute.getAttributeValues()) {
          String text = text(v);
          if (text != null) {
            values.add(text);
          }
        }
      }
    }
    return out;
  }

  private static String text(XMLObject value) {
    if (value instanceof XSString s) {
      return s.getValue();
    }
    if (value instanceof XSAny a) {
      return a.getTextContent();
    }
    if (value instanceof XSURI u) {
      return u.getURI();
    }
    return value.getDOM() != null ? value.getDOM().getTextContent() : null;
  }

  private static List<String> authnContextClassRefs(Assertion assertion) {
    List<String> refs = new ArrayList<>();
    for (AuthnStatement s : assertion.getAuthnStatements()) {
      Optional.ofNullable(s.getAuthnContext())
          .map(c -> c.getAuthnContextClassRef())
          .map(r -> r.getURI())
          .ifPresent(refs::add);
    }
    return refs;
  }
}
