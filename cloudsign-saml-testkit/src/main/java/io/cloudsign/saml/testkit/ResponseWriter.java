package io.cloudsign.saml.testkit;

import io.cloudsign.saml.testkit.internal.Certificates;
import io.cloudsign.saml.testkit.internal.EnvelopedSigner;
import io.cloudsign.saml.testkit.internal.SamlTime;
import io.cloudsign.saml.testkit.internal.Tags;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes the unsigned Response text of a {@link Draft} in Entra's byte shape: one line, no XML
 * declaration, {@code samlp:} prefix on Response and Status, default namespaces on Issuer and
 * Assertion, signature skeletons where the draft signs.
 */
final class ResponseWriter {
  static final String PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
  static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
  static final String STATUS = "urn:oasis:names:tc:SAML:2.0:status:";
  private static final String PASSWORD_CLASS = "urn:oasis:names:tc:SAML:2.0:ac:classes:Password";
  private static final String BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

  private final Draft d;
  private final String keyInfoCertificate;
  private final Tags t = new Tags();

  private ResponseWriter(Draft d) {
    this.d = d;
    this.keyInfoCertificate = Certificates.base64(d.effectiveKeyInfoCertificate());
  }

  static String write(Draft draft) {
    return new ResponseWriter(draft).response();
  }

  private String response() {
    String responseId = d.ids.get();
    t.start("samlp:Response")
        .attr("ID", responseId)
        .attr("Version", "2.0")
        .attr("IssueInstant", SamlTime.format(d.issueInstant))
        .attr("Destination", d.destination)
        .attr("InResponseTo", d.inResponseTo)
        .attr("xmlns:samlp", PROTOCOL_NS);
    t.start("Issuer").attr("xmlns", ASSERTION_NS).text(d.responseIssuer).end("Issuer");
    if (d.signResponse) {
      t.raw(EnvelopedSigner.skeleton(responseId, d.algorithm, keyInfoCertificate));
    }
    if (d.isError()) {
      errorStatus(d.errorStatus);
    } else {
      t.start("samlp:Status")
          .start("samlp:StatusCode")
          .attr("Value", STATUS + "Success")
          .end("samlp:StatusCode")
          .end("samlp:Status");
      for (int i = 0; i < d.assertionCount; i++) {
        assertion(d.ids.get());
      }
    }
    t.end("samlp:Response");
    return t.toString();
  }

  private void errorStatus(Draft.ErrorStatus status) {
    t.start("samlp:Status").start("samlp:StatusCode").attr("Value", status.topLevelCode());
    if (status.nestedCode() != null) {
      t.start("samlp:StatusCode").attr("Value", status.nestedCode()).end("samlp:StatusCode");
    }
    t.end("samlp:StatusCode");
    String prefix = status.aadstsCode() != null ? status.aadstsCode() + ": " : "";
    String message =
        prefix
            + status.message()
            + "\r\nTrace ID: "
            + UUID.randomUUID()
            + "\r\nCorrelation ID: "
            + UUID.randomUUID()
            + "\r\nTimestamp: "
            + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
                .withZone(ZoneOffset.UTC)
                .format(d.issueInstant);
    t.element("samlp:StatusMessage", message).end("samlp:Status");
  }

  private void assertion(String id) {
    t.start("Assertion")
        .attr("ID", id)
        .attr("IssueInstant", SamlTime.format(d.issueInstant))
        .attr("Version", "2.0")
        .attr("xmlns", ASSERTION_NS);
    t.element("Issuer", d.assertionIssuer);
    if (d.signAssertion) {
      t.raw(EnvelopedSigner.skeleton(id, d.algorithm, keyInfoCertificate));
    }
    subject();
    t.start("Conditions")
        .attr("NotBefore", SamlTime.format(d.notBefore))
        .attr("NotOnOrAfter", SamlTime.format(d.notOnOrAfter));
    t.start("AudienceRestriction").element("Audience", d.audience).end("AudienceRestriction");
    t.end("Conditions");
    attributeStatement(d.attributes);
    Instant authn = d.authnInstant != null ? d.authnInstant : d.issueInstant.minusSeconds(2);
    t.start("AuthnStatement")
        .attr("AuthnInstant", SamlTime.format(authn))
        .attr("SessionIndex", id)
        .attr(
            "SessionNotOnOrAfter",
            d.sessionNotOnOrAfter == null ? null : SamlTime.format(d.sessionNotOnOrAfter));
    t.start("AuthnContext").element("AuthnContextClassRef", PASSWORD_CLASS).end("AuthnContext");
    t.end("AuthnStatement");
    t.end("Assertion");
  }

  private void subject() {
    t.start("Subject")
        .start("NameID")
        .attr("Format", d.nameIdFormat)
        .text(d.nameId != null ? d.nameId : d.user.nameId())
        .end("NameID");
    t.start("SubjectConfirmation").attr("Method", BEARER);
    t.start("SubjectConfirmationData")
        .attr("InResponseTo", d.inResponseTo)
        .attr("NotOnOrAfter", SamlTime.format(d.effectiveConfirmationNotOnOrAfter()))
        .attr("Recipient", d.recipient)
        .end("SubjectConfirmationData");
    t.end("SubjectConfirmation").end("Subject");
  }

  private void attributeStatement(Map<String, List<String>> attributes) {
    if (attributes.isEmpty()) {
      return;
    }
    t.start("AttributeStatement");
    attributes.forEach(
        (name, values) -> {
          t.start("Attribute").attr("Name", name);
          for (String v : values) {
            t.element("AttributeValue", v);
          }
          t.end("Attribute");
        });
    t.end("AttributeStatement");
  }
}
