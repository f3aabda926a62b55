package io.cloudsign.saml.core.internal;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.Reference;
import org.apache.xml.security.signature.SignedInfo;
import org.apache.xml.security.signature.XMLSignature;
import org.opensaml.saml.common.SignableSAMLObject;
import org.opensaml.saml.security.impl.SAMLSignatureProfileValidator;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.impl.SignatureImpl;
import org.opensaml.xmlsec.signature.support.SignatureException;
import org.opensaml.xmlsec.signature.support.SignatureValidator;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Verifies the enveloped XML signature of one SAML object against a fixed set of trusted
 * certificates (from IdP metadata or a pinned certificate). Thread-safe. Not API.
 *
 * <p>KeyInfo in the message is never consulted: every trusted certificate is tried (Entra publishes
 * inactive ones too). Rules, in order:
 *
 * <ol>
 *   <li>Signature method and every digest method on the allowlist (RSA/ECDSA with SHA-2; SHA-1 only
 *       when explicitly allowed); OpenSAML 4.0.1 applies no algorithm policy by default.
 *   <li>Canonicalization is exclusive c14n (Entra's).
 *   <li>The signature element is the only {@code ds:Signature} child of the signed element.
 *   <li>{@link SAMLSignatureProfileValidator} (SAML Core §5.4: one Reference, enveloped + exc-c14n
 *       transforms only) — which accepts {@code URI=""}, so the Reference URI is also required to
 *       be exactly {@code #<ID>} of the signed element.
 *   <li>The signature value verifies with one trusted certificate's key.
 * </ol>
 */
public final class SignatureVerifier {
  /** Outcome of {@link #verify}. */
  public enum Outcome {
    VALID,
    DISALLOWED_ALGORITHM,
    INVALID
  }

  /** Outcome with a log-safe reason. */
  public record Result(Outcome outcome, String reason) {
    static final Result VALID = new Result(Outcome.VALID, "valid");
  }

  public static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
  private static final String EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";

  private static final Set<String> SECURE_SIGNATURE_METHODS =
      Set.of(
          "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
          "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
          "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
          "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
          "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
          "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512");
  private static final Set<String> SECURE_DIGEST_METHODS =
      Set.of(
          "http://www.w3.org/2001/04/xmlenc#sha256",
          "http://www.w3.org/2001/04/xmldsig-more#sha384",
          "http://www.w3.org/2001/04/xmlenc#sha512");
  private static final String RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
  private static final String SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1";

  private final List<BasicX509Credential> credentials;
  private final List<PublicKey> keys;
  private final boolean allowSha1;
  private final SAMLSignatureProfileValidator profileValidator =
      new SAMLSignatureProfileValidator();

  /**
   * @param trusted the only certificates whose keys may verify a signature
   * @param allowSha1 INSECURE: also accept rsa-sha1 and sha1 digests
   */
  public SignatureVerifier(List<X509Certificate> trusted, boolean allowSha1) {
    if (trusted.isEmpty()) {
      throw new IllegalArgumentException("no trusted certificate");
    }
    this.credentials = trusted.stream().map(BasicX509Credential::new).toList();
    this.keys = trusted.stream().map(X509Certificate::getPublicKey).toList();
    this.allowSha1 = allowSha1;
  }

  /** Verifies {@code signed}'s own signature, which must be present. */
  public Result verify(SignableSAMLObject signed) {
    Signature signature = signed.getSignature();
    if (!(signature instanceof SignatureImpl impl) || impl.getXMLSignature() == null) {
      return new Result(Outcome.INVALID, "no usable signature");
    }
    XMLSignature xmlSignature = impl.getXMLSignature();
    String signatureMethod = signature.getSignatureAlgorithm();
    if (!allowedSignatureMethod(signatureMethod)) {
      return new Result(
          Outcome.DISALLOWED_ALGORITHM,
          "signature method " + LogSafe.text(signatureMethod) + " is not allowed");
    }
    if (!EXC_C14N.equals(signature.getCanonicalizationAlgorithm())) {
      return new Result(
          Outcome.INVALID,
          "canonicalization "
              + LogSafe.text(signature.getCanonicalizationAlgorithm())
              + " is not exclusive c14n");
    }
    String expectedUri = "#" + signed.getSignatureReferenceID();
    try {
      SignedInfo signedInfo = xmlSignature.getSignedInfo();
      if (signedInfo.getLength() != 1) {
        return new Result(
            Outcome.INVALID, "expected exactly one Reference, found " + signedInfo.getLength());
      }
      Reference reference = signedInfo.item(0);
      // Santuario returns null when the Reference has no DigestMethod (found by ResponseFuzzTest).
      MessageDigestAlgorithm digest = reference.getMessageDigestAlgorithm();
      String digestMethod = digest == null ? null : digest.getAlgorithmURI();
      if (!allowedDigestMethod(digestMethod)) {
        return new Result(
            Outcome.DISALLOWED_ALGORITHM,
            "digest method " + LogSafe.text(digestMethod) + " is not allowed");
      }
      if (signed.getSignatureReferenceID() == null || !expectedUri.equals(reference.getURI())) {
        return new Result(
            Outcome.INVALID,
            "Reference URI "
                + LogSafe.text(reference.getURI())
                + " does not name the signed element "
                + LogSafe.text(expectedUri));
      }
    } catch (XMLSecurityException e) {
      return new Result(Outcome.INVALID, "unreadable SignedInfo: " + LogSafe.text(e.getMessage()));
    }
    Element parent = signed.getDOM();
    if (parent == null
        || signature.getDOM() == null
        || signature.getDOM().getParentNode() != parent) {
      return new Result(Outcome.INVALID, "signature is not a child of the signed element");
    }
    if (countSignatureChildren(parent) != 1) {
      return new Result(Outcome.INVALID, "more than one Signature on the signed element");
    }
    try {
      profileValidator.validate(signature);
    } catch (SignatureException e) {
      return new Result(
          Outcome.INVALID, "violates the SAML signature profile: " + LogSafe.text(e.getMessage()));
    }
    Boolean fast = fastPath(signed, signature, xmlSignature);
    if (fast != null) {
      return fast
          ? Result.VALID
          : new Result(
              Outcome.INVALID,
              "does not verify with any of the " + credentials.size() + " trusted certificate(s)");
    }
    for (BasicX509Credential credential : credentials) {
      try {
        SignatureValidator.validate(signature, credential);
        return Result.VALID;
      } catch (SignatureException e) {
        // try the next trusted certificate
      } catch (IllegalArgumentException e) {
        // Santuario decodes SignatureValue with java.util.Base64, which throws on bad input
        // (found by ResponseFuzzTest): no key can make that verify.
        return new Result(
            Outcome.INVALID, "unreadable SignatureValue: " + LogSafe.text(e.getMessage()));
      }
    }
    return new Result(
        Outcome.INVALID,
        "does not verify with any of the " + credentials.size() + " trusted certificate(s)");
  }

  /**
   * Performance: the shape Entra signs with (RSA, enveloped + exclusive c14n) is verified by {@link
   * EnvelopedRsaCheck} once for all trusted keys; {@code null} means "use the general path".
   */
  private Boolean fastPath(SignableSAMLObject signed, Signature signature, XMLSignature xml) {
    try {
      return EnvelopedRsaCheck.verify(
          signed.getDOM(), signature.getDOM(), xml, xml.getSignedInfo().item(0), keys);
    } catch (XMLSecurityException | RuntimeException e) {
      return null;
    }
  }

  private static int countSignatureChildren(Element parent) {
    int n = 0;
    for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c.getNodeType() == Node.ELEMENT_NODE
          && "Signature".equals(c.getLocalName())
          && DSIG_NS.equals(c.getNamespaceURI())) {
        n++;
      }
    }
    return n;
  }

  private boolean allowedSignatureMethod(String uri) {
    // Set.of(...).contains(null) throws: a missing Algorithm is simply not allowed.
    return uri != null
        && (SECURE_SIGNATURE_METHODS.contains(uri) || (allowSha1 && RSA_SHA1.equals(uri)));
  }

  private boolean allowedDigestMethod(String uri) {
    return uri != null && (SECURE_DIGEST_METHODS.contains(uri) || (allowSha1 && SHA1.equals(uri)));
  }
}
