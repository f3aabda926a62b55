package io.cloudsign.saml.core;

import static io.cloudsign.saml.core.internal.SamlDom.ASSERTION_NS;
import static io.cloudsign.saml.core.internal.SamlDom.DSIG_NS;
import static io.cloudsign.saml.core.internal.SamlDom.PROTOCOL_NS;
import static io.cloudsign.saml.core.internal.SamlDom.attribute;
import static io.cloudsign.saml.core.internal.SamlDom.dateTime;
import static io.cloudsign.saml.core.internal.SamlDom.firstElement;
import static io.cloudsign.saml.core.internal.SamlDom.is;
import static io.cloudsign.saml.core.internal.SamlDom.nextElement;
import static io.cloudsign.saml.core.internal.SamlDom.text;

import io.cloudsign.saml.core.internal.SamlDom;
import io.cloudsign.saml.core.internal.SecureXml.RejectedXmlException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Element;

/**
 * The parts of a parsed {@code samlp:Response} that the rules read, taken from the DOM of the one
 * parse in a single strict pass (SAML Core §3.2.2, §2.3.3). Each {@link Assertion} keeps its
 * element, and the validator reads identity data only from the assertion whose element the
 * signature check verified. Unknown elements are ignored as OpenSAML ignores them; an element that
 * may occur once but occurs twice, a malformed time or element content where text belongs is
 * rejected.
 */
record SamlResponse(
    Element element,
    String version,
    String destination,
    String inResponseTo,
    Instant issueInstant,
    Issuer issuer,
    Status status,
    List<Assertion> assertions,
    List<Element> encryptedAssertions) {

  /** A saml:Issuer. */
  record Issuer(String value, String format) {}

  /** samlp:Status: the StatusCode values, outermost first, and the StatusMessage. */
  record Status(List<String> codes, String message) {}

  record NameId(String value, String format) {}

  record ConfirmationData(
      String recipient, String inResponseTo, Instant notBefore, Instant notOnOrAfter) {}

  record Confirmation(String method, ConfirmationData data) {}

  /**
   * saml:Conditions: the audiences of each AudienceRestriction, and every condition element this
   * library does not understand (SAML Core §2.5.1: such an assertion is invalid).
   */
  record Conditions(
      Instant notBefore,
      Instant notOnOrAfter,
      List<List<String>> audienceRestrictions,
      List<Element> unknown) {}

  record AuthnStatement(
      Instant authnInstant, String sessionIndex, Instant sessionNotOnOrAfter, String classRef) {}

  /** A saml:Assertion; {@code element} is what its signature must cover. */
  record Assertion(
      Element element,
      String id,
      String version,
      Instant issueInstant,
      Issuer issuer,
      NameId nameId,
      List<Confirmation> confirmations,
      Conditions conditions,
      List<AuthnStatement> authnStatements,
      Map<String, List<String>> attributes) {
    boolean signed() {
      return signatureOf(element) != null;
    }
  }

  boolean signed() {
    return signatureOf(element) != null;
  }

  /** The first ds:Signature child of {@code e}, or {@code null}. */
  private static Element signatureOf(Element e) {
    for (Element c = firstElement(e); c != null; c = nextElement(c)) {
      if (is(c, DSIG_NS, "Signature")) {
        return c;
      }
    }
    return null;
  }

  /** Reads {@code root}, which the caller checked is a samlp:Response. */
  static SamlResponse read(Element root) throws RejectedXmlException {
    Issuer issuer = issuer(SamlDom.single(root, ASSERTION_NS, "Issuer"));
    Status status = status(SamlDom.single(root, PROTOCOL_NS, "Status"));
    List<Assertion> assertions = new ArrayList<>(1);
    List<Element> encrypted = new ArrayList<>(0);
    for (Element c = firstElement(root); c != null; c = nextElement(c)) {
      if (is(c, ASSERTION_NS, "Assertion")) {
        assertions.add(assertion(c));
      } else if (is(c, ASSERTION_NS, "EncryptedAssertion")) {
        encrypted.add(c);
      }
    }
    return new SamlResponse(
        root,
        attribute(root, "Version"),
        attribute(root, "Destination"),
        attribute(root, "InResponseTo"),
        dateTime(root, "IssueInstant"),
        issuer,
        status,
        assertions,
        encrypted);
  }

  private static Issuer issuer(Element e) throws RejectedXmlException {
    return e == null ? null : new Issuer(text(e), attribute(e, "Format"));
  }

  private static Status status(Element e) throws RejectedXmlException {
    if (e == null) {
      return null;
    }
    List<String> codes = new ArrayList<>(2);
    for (Element code = SamlDom.single(e, PROTOCOL_NS, "StatusCode");
        code != null;
        code = SamlDom.single(code, PROTOCOL_NS, "StatusCode")) {
      codes.add(attribute(code, "Value"));
    }
    Element message = SamlDom.single(e, PROTOCOL_NS, "StatusMessage");
    return new Status(codes, message == null ? null : text(message));
  }

  /**
   * Reads a saml:Assertion element: one of the Response's, or the one an EncryptedAssertion
   * decrypted to (in a document of its own).
   */
  static Assertion assertion(Element e) throws RejectedXmlException {
    Element subject = SamlDom.single(e, ASSERTION_NS, "Subject");
    NameId nameId = null;
    List<Confirmation> confirmations = new ArrayList<>(1);
    if (subject != null) {
      Element n = SamlDom.single(subject, ASSERTION_NS, "NameID");
      nameId = n == null ? null : new NameId(text(n), attribute(n, "Format"));
      for (Element c = firstElement(subject); c != null; c = nextElement(c)) {
        if (is(c, ASSERTION_NS, "SubjectConfirmation")) {
          Element d = SamlDom.single(c, ASSERTION_NS, "SubjectConfirmationData");
          confirmations.add(
              new Confirmation(
                  attribute(c, "Method"),
                  d == null
                      ? null
                      : new ConfirmationData(
                          attribute(d, "Recipient"),
                          attribute(d, "InResponseTo"),
                          dateTime(d, "NotBefore"),
                          dateTime(d, "NotOnOrAfter"))));
        }
      }
    }
    List<AuthnStatement> authn = new ArrayList<>(1);
    Map<String, List<String>> attributes = new LinkedHashMap<>();
    for (Element c = firstElement(e); c != null; c = nextElement(c)) {
      if (is(c, ASSERTION_NS, "AuthnStatement")) {
        authn.add(authnStatement(c));
      } else if (is(c, ASSERTION_NS, "AttributeStatement")) {
        attributes(c, attributes);
      }
    }
    return new Assertion(
        e,
        attribute(e, "ID"),
        attribute(e, "Version"),
        dateTime(e, "IssueInstant"),
        issuer(SamlDom.single(e, ASSERTION_NS, "Issuer")),
        nameId,
        confirmations,
        conditions(SamlDom.single(e, ASSERTION_NS, "Conditions")),
        authn,
        attributes);
  }

  private static Conditions conditions(Element e) throws RejectedXmlException {
    if (e == null) {
      return null;
    }
    List<List<String>> restrictions = new ArrayList<>(1);
    List<Element> unknown = new ArrayList<>(0);
    for (Element c = firstElement(e); c != null; c = nextElement(c)) {
      if (is(c, ASSERTION_NS, "AudienceRestriction")) {
        List<String> audiences = new ArrayList<>(1);
        for (Element a = firstElement(c); a != null; a = nextElement(a)) {
          if (is(a, ASSERTION_NS, "Audience")) {
            audiences.add(text(a));
          }
        }
        restrictions.add(audiences);
      } else if (!is(c, ASSERTION_NS, "OneTimeUse") && !is(c, ASSERTION_NS, "ProxyRestriction")) {
        unknown.add(c);
      }
    }
    return new Conditions(
        dateTime(e, "NotBefore"), dateTime(e, "NotOnOrAfter"), restrictions, unknown);
  }

  private static AuthnStatement authnStatement(Element e) throws RejectedXmlException {
    Element context = SamlDom.single(e, ASSERTION_NS, "AuthnContext");
    Element classRef =
        context == null ? null : SamlDom.single(context, ASSERTION_NS, "AuthnContextClassRef");
    return new AuthnStatement(
        dateTime(e, "AuthnInstant"),
        attribute(e, "SessionIndex"),
        dateTime(e, "SessionNotOnOrAfter"),
        classRef == null ? null : text(classRef));
  }

  /**
   * Adds each named Attribute's text values; a value without text (xsi:nil, empty) or with element
   * content is skipped, as before.
   */
  private static void attributes(Element statement, Map<String, List<String>> out) {
    for (Element a = firstElement(statement); a != null; a = nextElement(a)) {
      String name = is(a, ASSERTION_NS, "Attribute") ? attribute(a, "Name") : null;
      if (name == null) {
        continue;
      }
      List<String> values = out.computeIfAbsent(name, k -> new ArrayList<>(1));
      for (Element v = firstElement(a); v != null; v = nextElement(v)) {
        if (is(v, ASSERTION_NS, "AttributeValue")) {
          String text = SamlDom.textOrNull(v);
          if (text != null) {
            values.add(text);
          }
        }
      }
    }
  }
}
