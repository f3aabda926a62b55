package io.cloudsign.saml.core.internal;

import static io.cloudsign.saml.core.internal.SamlDom.DSIG_NS;
import static io.cloudsign.saml.core.internal.SamlDom.firstElement;
import static io.cloudsign.saml.core.internal.SamlDom.is;
import static io.cloudsign.saml.core.internal.SamlDom.nextElement;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.xml.security.c14n.implementations.Canonicalizer20010315ExclOmitComments;
import org.w3c.dom.Element;

/**
 * Performance path of {@link SignatureVerifier} for the one signature shape Entra produces: RSA
 * over exclusive c14n of SignedInfo, one Reference with exactly the transforms enveloped-signature
 * then exclusive c14n (no InclusiveNamespaces), a SHA digest. It computes what Santuario's {@code
 * XMLSignature#checkSignatureValue} computes for that shape, with the same canonicalizer, but once
 * for all trusted keys and without Santuario's per-call transform, resolver and buffer machinery
 * (profiled: about a quarter of the signature cost and 16 KB per Response). Both canonicalizations
 * are {@link ExclusiveC14n}'s when the fast path is on and it does not decline, Santuario's
 * otherwise; the two write the same bytes ({@code ExclusiveC14nDifferentialTest}).
 *
 * <p>Only called after {@link SignatureVerifier} has checked everything else (algorithm allowlist,
 * one Reference whose URI is {@code #ID} of the signed element, the signature a child of that
 * element, the SAML signature profile); duplicate IDs were rejected right after the parse, which is
 * what Santuario's resolver checks for a {@code #ID} reference. Any other shape, or anything
 * unexpected (such as base64 with characters Santuario's lenient decoder would skip), returns
 * {@code null} and the caller takes Santuario's general path, so outcomes are unchanged. Not API.
 */
final class EnvelopedRsaCheck {
  static final String EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
  static final String ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

  /** Signature methods this path handles (RSA PKCS#1 v1.5) and their JCA names. */
  private static final Map<String, String> RSA =
      Map.of(
          "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "SHA256withRSA",
          "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", "SHA384withRSA",
          "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "SHA512withRSA",
          "http://www.w3.org/2000/09/xmldsig#rsa-sha1", "SHA1withRSA");

  private static final Map<String, String> DIGESTS =
      Map.of(
          "http://www.w3.org/2001/04/xmlenc#sha256", "SHA-256",
          "http://www.w3.org/2001/04/xmldsig-more#sha384", "SHA-384",
          "http://www.w3.org/2001/04/xmlenc#sha512", "SHA-512",
          "http://www.w3.org/2000/09/xmldsig#sha1", "SHA-1");

  private EnvelopedRsaCheck() {}

  /**
   * Whether the signature verifies with one of {@code keys}, or {@code null} if this path does not
   * handle the signature's shape.
   *
   * @param signed the signed element (its ID is the Reference target)
   * @param signature the ds:Signature element, a child of {@code signed}
   */
  static Boolean verify(Element signed, Element signature, List<PublicKey> keys) {
    Shape shape = shape(signature);
    return shape == null ? null : check(signed, signature, shape, keys);
  }

  /** The parts of Entra's signature shape the check reads, and the JCA names of its algorithms. */
  private record Shape(
      Element signedInfo,
      Element digestValue,
      Element signatureValue,
      String jcaSignature,
      String jcaDigest) {}

  /** The signature's parts if it has exactly Entra's shape, else {@code null}. */
  private static Shape shape(Element signature) {
    Element signedInfo = firstElement(signature);
    if (!is(signedInfo, DSIG_NS, "SignedInfo")) {
      return null;
    }
    Element c14nMethod = firstElement(signedInfo);
    Element signatureMethod = nextElement(c14nMethod);
    Element referenceElement = nextElement(signatureMethod);
    if (!is(c14nMethod, DSIG_NS, "CanonicalizationMethod")
        || !EXC_C14N.equals(c14nMethod.getAttributeNS(null, "Algorithm"))
        || firstElement(c14nMethod) != null
        || !is(signatureMethod, DSIG_NS, "SignatureMethod")
        || firstElement(signatureMethod) != null
        || !is(referenceElement, DSIG_NS, "Reference")
        || nextElement(referenceElement) != null) {
      return null;
    }
    String jcaSignature = RSA.get(signatureMethod.getAttributeNS(null, "Algorithm"));
    Element transforms = firstElement(referenceElement);
    Element digestMethod = nextElement(transforms);
    Element digestValue = nextElement(digestMethod);
    Element signatureValue = nextElement(signedInfo);
    if (jcaSignature == null
        || !is(transforms, DSIG_NS, "Transforms")
        || !is(digestMethod, DSIG_NS, "DigestMethod")
        || firstElement(digestMethod) != null
        || !is(digestValue, DSIG_NS, "DigestValue")
        || nextElement(digestValue) != null
        || !is(signatureValue, DSIG_NS, "SignatureValue")) {
      return null;
    }
    String jcaDigest = DIGESTS.get(digestMethod.getAttributeNS(null, "Algorithm"));
    Element enveloped = firstElement(transforms);
    Element c14n = nextElement(enveloped);
    if (jcaDigest == null
        || !isTransform(enveloped, ENVELOPED)
        || !isTransform(c14n, EXC_C14N)
        || nextElement(c14n) != null) {
      return null;
    }
    return new Shape(signedInfo, digestValue, signatureValue, jcaSignature, jcaDigest);
  }

  private static Boolean check(
      Element signed, Element signature, Shape shape, List<PublicKey> keys) {
    Element signedInfo = shape.signedInfo();
    String jcaSignature = shape.jcaSignature();
    try {
      byte[] expectedDigest = base64(shape.digestValue());
      byte[] signatureBytes = base64(shape.signatureValue());
      if (expectedDigest == null || signatureBytes == null) {
        return null;
      }
      // One buffer: it collects SignedInfo, then feeds the Reference's bytes to the digest.
      ExclusiveC14n.Out out = new ExclusiveC14n.Out(null);
      if (!fast(signedInfo, null, out)) {
        new Canonicalizer20010315ExclOmitComments().engineCanonicalizeSubTree(signedInfo, out);
      }
      boolean signatureValid = false;
      for (PublicKey key : keys) {
        if (rsaVerifies(jcaSignature, key, out, signatureBytes)) {
          signatureValid = true;
          break;
        }
      }
      if (!signatureValid) {
        return false;
      }
      // The Reference: the signed element without this signature, exclusive c14n, digested.
      MessageDigest md = MessageDigest.getInstance(shape.jcaDigest());
      out.digestInto(md);
      if (!fast(signed, signature, out)) {
        new Canonicalizer20010315ExclOmitComments()
            .engineCanonicalizeSubTree(signed, (String) null, signature, out);
      }
      out.flush();
      return MessageDigest.isEqual(md.digest(), expectedDigest);
    } catch (Exception e) {
      return null; // let the general path decide and report
    }
  }

  /**
   * The base64 text of {@code e} (XML whitespace between the characters allowed, nothing else), or
   * {@code null}: anything unusual is left to Santuario's general path.
   */
  private static byte[] base64(Element e) {
    if (firstElement(e) != null) {
      return null;
    }
    String text = e.getTextContent();
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
      if (space && sb == null) {
        sb = new StringBuilder(text.length()).append(text, 0, i);
      } else if (!space && sb != null) {
        sb.append(c);
      }
    }
    try {
      return Base64.getDecoder().decode(sb == null ? text : sb.toString());
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }

  private static boolean rsaVerifies(
      String algorithm, PublicKey key, ExclusiveC14n.Out signedInfo, byte[] signatureValue) {
    try {
      java.security.Signature s = java.security.Signature.getInstance(algorithm);
      s.initVerify(key);
      s.update(signedInfo.bytes(), 0, signedInfo.length());
      return s.verify(signatureValue);
    } catch (GeneralSecurityException e) {
      return false; // wrong key type or malformed value: this key does not verify it
    }
  }

  private static boolean isTransform(Element e, String algorithm) {
    return is(e, DSIG_NS, "Transform")
        && algorithm.equals(e.getAttributeNS(null, "Algorithm"))
        && firstElement(e) == null;
  }

  /**
   * Our exclusive c14n of {@code apex} without {@code excluded} into {@code out}, when the fast
   * path is on and the canonicalizer does not decline; otherwise {@code out} is left empty (its
   * digest reset) for Santuario's canonicalizer.
   */
  private static boolean fast(Element apex, Element excluded, ExclusiveC14n.Out out) {
    if (FastPath.ENABLED && ExclusiveC14n.canonicalize(apex, excluded, out)) {
      return true;
    }
    out.reset();
    return false;
  }
}
