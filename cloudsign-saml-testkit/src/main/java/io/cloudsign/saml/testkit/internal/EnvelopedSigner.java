package io.cloudsign.saml.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import org.apache.xml.security.c14n.CanonicalizationException;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.c14n.InvalidCanonicalizerException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Fills in a {@code Signature} skeleton that our templates place inside the element to sign:
 * enveloped-signature + exclusive c14n, one Reference to {@code #ID}, as Entra signs.
 *
 * <p>We sign "by hand" (digest of the exc-c14n of the element without its signature, then RSA over
 * the exc-c14n of {@code SignedInfo}) instead of using Santuario's {@code XMLSignature}, because
 * that class only writes a {@code ds:} prefix unless a JVM-global default is changed, and Entra
 * writes {@code <Signature xmlns="http://www.w3.org/2000/09/xmldsig#">}.
 */
public final class EnvelopedSigner {
  public static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
  public static final String EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
  public static final String ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

  static {
    org.apache.xml.security.Init.init();
  }

  private EnvelopedSigner() {}

  /** The skeleton our templates put where Entra puts its Signature. */
  public static String skeleton(String referencedId, SignatureAlgorithm alg, String certBase64) {
    return "<Signature xmlns=\""
        + DSIG_NS
        + "\"><SignedInfo><CanonicalizationMethod Algorithm=\""
        + EXC_C14N
        + "\"/><SignatureMethod Algorithm=\""
        + alg.signatureUri
        + "\"/><Reference URI=\"#"
        + Xml.escape(referencedId)
        + "\"><Transforms><Transform Algorithm=\""
        + ENVELOPED
        + "\"/><Transform Algorithm=\""
        + EXC_C14N
        + "\"/></Transforms><DigestMethod Algorithm=\""
        + alg.digestUri
        + "\"/><DigestValue></DigestValue></Reference></SignedInfo><SignatureValue></SignatureValue>"
        + "<KeyInfo><X509Data><X509Certificate>"
        + certBase64
        + "</X509Certificate></X509Data></KeyInfo></Signature>";
  }

  /**
   * Signs {@code signed}, which must have exactly one direct {@code Signature} child built by
   * {@link #skeleton}.
   */
  public static void sign(Element signed, SignatureAlgorithm alg, PrivateKey key) {
    List<Element> sigs = Xml.children(signed, DSIG_NS, "Signature");
    if (sigs.size() != 1) {
      throw new IllegalStateException(
          signed.getLocalName() + " must have one Signature skeleton, has " + sigs.size());
    }
    Element sig = sigs.get(0);
    try {
      // Enveloped-signature transform: the digest covers the element without its own Signature.
      Node next = sig.getNextSibling();
      signed.removeChild(sig);
      byte[] content = excC14n(signed);
      signed.insertBefore(sig, next);
      byte[] digest = MessageDigest.getInstance(alg.jcaDigest).digest(content);
      Element signedInfo = Xml.children(sig, DSIG_NS, "SignedInfo").get(0);
      Element reference = Xml.children(signedInfo, DSIG_NS, "Reference").get(0);
      Element digestValue = Xml.children(reference, DSIG_NS, "DigestValue").get(0);
      digestValue.setTextContent(Base64.getEncoder().encodeToString(digest));

      Signature rsa = Signature.getInstance(alg.jcaSignature);
      rsa.initSign(key);
      rsa.update(excC14n(signedInfo));
      Element signatureValue = Xml.children(sig, DSIG_NS, "SignatureValue").get(0);
      signatureValue.setTextContent(Base64.getEncoder().encodeToString(rsa.sign()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing failed: " + e.getMessage(), e);
    }
  }

  /** Exclusive canonicalisation without comments of a subtree, in its document context. */
  public static byte[] excC14n(Node node) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Canonicalizer.getInstance(Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS)
          .canonicalizeSubtree(node, out);
      return out.toByteArray();
    } catch (InvalidCanonicalizerException | CanonicalizationException e) {
      throw new IllegalStateException("canonicalisation failed: " + e.getMessage(), e);
    }
  }
}
