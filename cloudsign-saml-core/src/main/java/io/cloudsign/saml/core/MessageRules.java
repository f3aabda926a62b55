package io.cloudsign.saml.core;

import io.cloudsign.saml.core.SamlResponse.Issuer;
import io.cloudsign.saml.core.SamlResponse.Status;
import io.cloudsign.saml.core.internal.LogSafe;
import io.cloudsign.saml.core.internal.SamlDom;
import io.cloudsign.saml.core.internal.SecureXml;
import io.cloudsign.saml.core.internal.XmlBounds;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The rules on the Response message, before any signature is checked: its size and shape, the
 * request it answers (and so the registration), where it was sent, who sent it, its status and what
 * it carries. See {@link ResponseRules#ORDER}.
 */
final class MessageRules {
  static final String ENTITY = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";
  private static final String SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";

  private MessageRules() {}

  /** Size, before decoding anything: a bounded form value costs bounded work. */
  static void size(Validation v) throws SamlValidationException {
    String value = v.samlResponse;
    if (value == null || value.isEmpty()) {
      throw new SamlValidationException(
          ErrorCode.MALFORMED_RESPONSE, FailureReason.EMPTY, "no SAMLResponse value");
    }
    int limit = v.policy.maxResponseChars();
    if (value.length() > limit) {
      throw new SamlValidationException(
          ErrorCode.RESPONSE_TOO_LARGE,
          "SAMLResponse has "
              + value.length()
              + " characters; the limit (maxResponseChars) is "
              + limit);
    }
  }

  /** One secure parse; exactly one samlp:Response root, version 2.0, no repeated ID. */
  static void parse(Validation v) throws SamlValidationException {
    byte[] xml;
    try {
      xml = FormValues.decodeBase64(v.samlResponse);
    } catch (IllegalArgumentException e) {
      throw new SamlValidationException(
          ErrorCode.MALFORMED_RESPONSE, FailureReason.NOT_BASE64, "SAMLResponse is not base64");
    }
    try {
      Document doc = SecureXml.parse(xml, XmlBounds.RESPONSE);
      Element root = doc.getDocumentElement();
      if (!SamlDom.is(root, SamlDom.PROTOCOL_NS, "Response")) {
        throw new SamlValidationException(
            ErrorCode.MALFORMED_RESPONSE,
            FailureReason.NOT_A_RESPONSE,
            "the root element is " + LogSafe.text(root.getTagName()) + ", not samlp:Response");
      }
      // Before reading anything: a repeated ID is the shape of signature wrapping.
      String duplicate = SecureXml.duplicateId(root);
      if (duplicate != null) {
        throw new SamlValidationException(
            ErrorCode.DUPLICATE_ID, "the ID " + LogSafe.text(duplicate) + " occurs twice");
      }
      SamlResponse response = SamlResponse.read(root);
      if (!"2.0".equals(response.version())) {
        throw new SamlValidationException(
            ErrorCode.MALFORMED_RESPONSE, FailureReason.NOT_SAML_2, "Response Version is not 2.0");
      }
      v.response = response;
    } catch (SecureXml.RejectedXmlException e) {
      FailureReason reason =
          switch (e.kind()) {
            case NOT_XML -> FailureReason.NOT_XML;
            case BOUNDS -> FailureReason.PARSE_BOUNDS;
            case STRUCTURE -> FailureReason.STRUCTURE;
          };
      throw new SamlValidationException(ErrorCode.MALFORMED_RESPONSE, reason, e.getMessage());
    }
  }

  /**
   * InResponseTo names a pending request of this browser (SAML Profiles §4.1.4.3; unsolicited
   * Responses are refused), which selects the registration. Without a match the checks go on
   * against the browser's only registration, so that an admin sees every misconfiguration; the
   * Response is rejected either way.
   */
  static void inResponseTo(Validation v) throws SamlValidationException {
    String inResponseTo = v.response.inResponseTo();
    if (inResponseTo == null || inResponseTo.isEmpty()) {
      v.fail(
          ErrorCode.UNSOLICITED_RESPONSE,
          "the Response has no InResponseTo (IdP-initiated sign-in is not accepted)");
    } else {
      for (PendingRequest p : v.pending) {
        if (p.requestId().equals(inResponseTo)) {
          v.request = p;
        }
      }
      if (v.request == null) {
        v.fail(
            ErrorCode.UNKNOWN_IN_RESPONSE_TO,
            "InResponseTo "
                + LogSafe.text(inResponseTo)
                + " matches none of this browser's "
                + v.pending.size()
                + " pending request(s)");
      } else if (!v.now.isBefore(v.request.expiresAt())) {
        v.fail(
            ErrorCode.PENDING_REQUEST_EXPIRED,
            "the request " + v.request.requestId() + " expired at " + v.request.expiresAt());
      }
    }
    String registrationId = registrationToCheck(v);
    try {
      v.registration =
          registrationId == null ? null : v.registrations.apply(registrationId).orElse(null);
    } catch (RegistrationUnavailableException e) {
      v.fail(ErrorCode.REGISTRATION_UNAVAILABLE, e.getMessage());
      throw v.stop();
    }
    if (v.registration == null) {
      if (registrationId != null) {
        v.fail(
            ErrorCode.UNKNOWN_REGISTRATION,
            "registration " + LogSafe.text(registrationId) + " is not configured");
      }
      throw v.stop();
    }
  }

  private static String registrationToCheck(Validation v) {
    if (v.request != null) {
      return v.request.registrationId();
    }
    boolean one = v.pending.stream().map(PendingRequest::registrationId).distinct().count() == 1;
    return one ? v.pending.get(0).registrationId() : null;
  }

  /** Destination is the configured Reply URL, never one derived from the Host header. */
  static void destination(Validation v) {
    String replyUrl = v.replyUrl();
    if (!replyUrl.equals(v.response.destination())) {
      v.fail(
          ErrorCode.INVALID_DESTINATION,
          "Destination is "
              + LogSafe.text(v.response.destination())
              + ", expected the Reply URL "
              + LogSafe.text(replyUrl));
    }
  }

  /** The Response Issuer, which SAML makes optional, is the IdP when present. */
  static void responseIssuer(Validation v) {
    if (v.response.issuer() != null) {
      checkIssuer(v, "Response", v.response.issuer());
    }
  }

  /** Issuer Format (when given) is entity and the value is the registration's IdP entity ID. */
  static void checkIssuer(Validation v, String where, Issuer issuer) {
    if (issuer.format() != null && !ENTITY.equals(issuer.format())) {
      v.fail(
          ErrorCode.INVALID_ISSUER,
          where + " Issuer Format is " + LogSafe.text(issuer.format()) + ", not entity");
    } else if (!v.idpEntityId().equals(issuer.value())) {
      v.fail(
          ErrorCode.INVALID_ISSUER,
          where
              + " Issuer is "
              + LogSafe.text(issuer.value())
              + ", expected the IdP entity ID "
              + LogSafe.text(v.idpEntityId()));
    }
  }

  /** Status is Success; otherwise Entra's codes and AADSTS message go to the log, and we stop. */
  static void status(Validation v) throws SamlValidationException {
    String problem = statusProblem(v.response.status());
    if (problem != null) {
      v.fail(ErrorCode.IDP_ERROR_STATUS, problem);
      throw v.stop();
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

  /**
   * Exactly one Assertion or one EncryptedAssertion (SAML Profiles §4.1.4.2): nothing else is read
   * or counts. An EncryptedAssertion needs a decryption key; the decryption rule reads it.
   */
  static void assertionCount(Validation v) throws SamlValidationException {
    int plain = v.response.assertions().size();
    int encrypted = v.response.encryptedAssertions().size();
    if (encrypted == 1 && plain == 0) {
      if (v.registration.decryptionKeys().isEmpty()) {
        v.fail(
            ErrorCode.ENCRYPTED_ASSERTION_NOT_SUPPORTED,
            "the assertion is encrypted but registration "
                + v.registration.id()
                + " has no decryption key: turn off Token encryption in Entra, or configure the"
                + " key whose certificate is imported there (Registration.Builder#decryptionKey)");
        throw v.stop();
      }
      v.encryptedAssertion = v.response.encryptedAssertions().get(0);
      return;
    }
    if (plain + encrypted != 1) {
      v.fail(
          ErrorCode.INVALID_ASSERTION_COUNT,
          "found " + plain + " Assertion(s) and " + encrypted + " EncryptedAssertion(s)");
      throw v.stop();
    }
    v.assertion = v.response.assertions().get(0);
  }
}
