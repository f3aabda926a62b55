package io.cloudsign.saml.core.internal;

import static io.cloudsign.saml.core.internal.EnvelopedRsaCheck.ENVELOPED;
import static io.cloudsign.saml.core.internal.EnvelopedRsaCheck.EXC_C14N;
import static io.cloudsign.saml.core.internal.SamlDom.DSIG_NS;
import static io.cloudsign.saml.core.internal.SamlDom.attribute;
import static io.cloudsign.saml.core.internal.SamlDom.firstElement;
import static io.cloudsign.saml.core.internal.SamlDom.is;
import static io.cloudsign.saml.core.internal.SamlDom.nextElement;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.signature.XMLSignatureException;
import org.w3c.dom.Element;

/**
 * Verifies the enveloped XML signature of one SAML element against a fixed set of trusted
 * certificates (from IdP metadata or a pinned certificate), reading the signature from the DOM.
 * Thread-safe. Not API.
 *
 * <p>KeyInfo in the message is never consulted: every trusted certificate is tried (Entra publishes
 * inactive ones too). Rules, in order:
 *
 * <ol>
 *   <li>Signature method and every digest method on the allowlist (RSA/ECDSA with SHA-2; SHA-1 only
 *       when explicitly allowed); OpenSAML 4.0.1 applies no algorithm policy by default.
 *   <li>Canonicalization is exclusive c14n (Entra's).
 *   <li>Exactly one Reference, whose URI is exactly {@code #<ID>} of the signed element (the SAML
 *       profile would also accept {@code URI=""}).
 *   <li>The signature element is the only {@code ds:Signature} child of the signed element.
 *   <li>The SAML signature profile (SAML Core §5.4), as OpenSAML's {@code
 *       SAMLSignatureProfileValidator} checks it: enveloped-signature and exclusive c14n transforms
 *       only, at most two; no {@code ds:Object}.
 *   <li>The signature value verifies with one trusted certificate's key: Entra's exact shape
 *       through {@link EnvelopedRsaCheck}, any other shape through Santuario's {@code XMLSignature}
 *       with secure validation.
 * </ol>
 */
public final class SignatureVerifier {
  /** Outcome of {@link #verify}: valid, or the kind of failure. */
  public enum Outcome {
    VALID,
    DISALLOWED_ALGORITHM,
    /** Well formed, but no trusted certificate's key verifies it. */
    NOT_VERIFIED,
    /** Not exactly one Reference, or its URI does not name the signed element. */
    REFERENCE_MISMATCH,
    /** More than one ds:Signature on the signed element. */
    DUPLICATE_SIGNATURE,
    /** Outside the SAML signature profile: transforms, c14n, ds:Object, content model. */
    PROFILE_VIOLATION,
    /** No SignedInfo to read, or a SignatureValue no key could verify (empty, not base64). */
    UNREADABLE
  }

  /** Outcome with a log-safe reason. */
  public record Result(Outcome outcome, String reason) {
    static final Result VALID = new Result(Outcome.VALID, "valid");
  }

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

  private static final String EXC_C14N_WITH_COMMENTS = EXC_C14N + "WithComments";

  private final List<PublicKey> keys;
  private final boolean allowSha1;

  /**
   * @param trusted the only certificates whose keys may verify a signature
   * @param allowSha1 INSECURE: also accept rsa-sha1 and sha1 digests
   */
  public SignatureVerifier(List<X509Certificate> trusted, boolean allowSha1) {
    if (trusted.isEmpty()) {
      throw new IllegalArgumentException("no trusted certificate");
    }
    this.keys = trusted.stream().map(X509Certificate::getPublicKey).toList();
    this.allowSha1 = allowSha1;
  }

  /**
   * Verifies the enveloped signature of {@code signed} (a SAML element whose {@code ID} attribute
   * the signature must reference), which the caller found to have a {@code ds:Signature} child.
   */
  public Result verify(Element signed) {
    Element signature = null;
    int signatures = 0;
    for (Element c = firstElement(signed); c != null; c = nextElement(c)) {
      if (is(c, DSIG_NS, "Signature")) {
        signatures++;
        signature = signature == null ? c : signature;
      }
    }
    Element signedInfo = firstElement(signature);
    Result unusable = signedInfoProblem(signedInfo);
    if (unusable != null) {
      return unusable;
    }
    // signedInfoProblem checked this shape: CanonicalizationMethod, SignatureMethod, one Reference.
    Element signatureMethod = nextElement(firstElement(signedInfo));
    Element reference = nextElement(signatureMethod);
    Element first = firstElement(reference);
    Element transforms = is(first, DSIG_NS, "Transforms") ? first : null;
    String id = attribute(signed, "ID");
    String uri = attribute(reference, "URI");
    if (id == null || id.isEmpty() || !uri(id).equals(uri)) {
      return new Result(
          Outcome.REFERENCE_MISMATCH,
          "Reference URI "
              + LogSafe.text(uri)
              + " does not name the signed element "
              + LogSafe.text(id == null ? null : uri(id)));
    }
    if (signatures != 1) {
      return new Result(
          Outcome.DUPLICATE_SIGNATURE, "more than one Signature on the signed element");
    }
    String profileViolation = profileViolation(signature, signedInfo, transforms);
    if (profileViolation != null) {
      return new Result(
          Outcome.PROFILE_VIOLATION, "violates the SAML signature profile: " + profileViolation);
    }
    if (nextElement(signedInfo).getTextContent().isBlank()) {
      // No key can verify nothing; Santuario's ECDSA path would throw on it (an index out of
      // bounds reading the empty r||s value), so it is refused before any key is tried.
      return new Result(Outcome.UNREADABLE, "the SignatureValue is empty");
    }
    Boolean fast = EnvelopedRsaCheck.verify(signed, signature, keys);
    if (fast != null) {
      return fast ? Result.VALID : notVerified();
    }
    return generalPath(signed, signature, attribute(signatureMethod, "Algorithm"));
  }

  /**
   * SignedInfo's shape and algorithms: CanonicalizationMethod and an allowed SignatureMethod first,
   * exclusive c14n, then exactly one Reference with an allowed DigestMethod and one DigestValue.
   * {@code null} when they hold.
   */
  private Result signedInfoProblem(Element signedInfo) {
    Element c14nMethod = firstElement(signedInfo);
    Element signatureMethodElement = nextElement(c14nMethod);
    if (!is(signedInfo, DSIG_NS, "SignedInfo")
        || !is(c14nMethod, DSIG_NS, "CanonicalizationMethod")
        || !is(signatureMethodElement, DSIG_NS, "SignatureMethod")) {
      return new Result(
          Outcome.UNREADABLE,
          "no usable signature: SignedInfo with CanonicalizationMethod and SignatureMethod first");
    }
    String signatureMethod = attribute(signatureMethodElement, "Algorithm");
    if (!allowedSignatureMethod(signatureMethod)) {
      return new Result(
          Outcome.DISALLOWED_ALGORITHM,
          "signature method " + LogSafe.text(signatureMethod) + " is not allowed");
    }
    String c14n = attribute(c14nMethod, "Algorithm");
    if (!EXC_C14N.equals(c14n)) {
      return new Result(
          Outcome.PROFILE_VIOLATION,
          "canonicalization " + LogSafe.text(c14n) + " is not exclusive c14n");
    }
    List<Element> references = new ArrayList<>(1);
    for (Element r = nextElement(signatureMethodElement); r != null; r = nextElement(r)) {
      if (!is(r, DSIG_NS, "Reference")) {
        return new Result(
            Outcome.PROFILE_VIOLATION,
            "unexpected " + LogSafe.text(r.getTagName()) + " in SignedInfo");
      }
      references.add(r);
    }
    if (references.size() != 1) {
      return new Result(
          Outcome.REFERENCE_MISMATCH, "expected exactly one Reference, found " + references.size());
    }
    Element first = firstElement(references.get(0));
    Element digestMethodElement = is(first, DSIG_NS, "Transforms") ? nextElement(first) : first;
    String digestMethod =
        is(digestMethodElement, DSIG_NS, "DigestMethod")
            ? attribute(digestMethodElement, "Algorithm")
            : null;
    if (!allowedDigestMethod(digestMethod)) {
      return new Result(
          Outcome.DISALLOWED_ALGORITHM,
          "digest method " + LogSafe.text(digestMethod) + " is not allowed");
    }
    Element digestValue = nextElement(digestMethodElement);
    if (!is(digestValue, DSIG_NS, "DigestValue") || nextElement(digestValue) != null) {
      return new Result(
          Outcome.PROFILE_VIOLATION, "the Reference has no single DigestValue after DigestMethod");
    }
    return null;
  }

  private static String uri(String id) {
    return "#" + id;
  }

  /**
   * SAML Core §5.4 as OpenSAML's {@code SAMLSignatureProfileValidator} checks it: at most two
   * transforms, the enveloped-signature transform among them, otherwise only exclusive c14n; no
   * ds:Object. Also the ds:Signature content model: SignedInfo, SignatureValue, optional KeyInfo.
   */
  private static String profileViolation(
      Element signature, Element signedInfo, Element transforms) {
    Element signatureValue = nextElement(signedInfo);
    if (!is(signatureValue, DSIG_NS, "SignatureValue")) {
      return "no SignatureValue after SignedInfo";
    }
    Element rest = nextElement(signatureValue);
    if (is(rest, DSIG_NS, "KeyInfo")) {
      rest = nextElement(rest);
    }
    if (rest != null) {
      return is(rest, DSIG_NS, "Object")
          ? "the signature has a ds:Object"
          : "unexpected " + LogSafe.text(rest.getTagName()) + " in the signature";
    }
    if (transforms == null) {
      return "no Transforms (the enveloped-signature transform is required)";
    }
    int count = 0;
    boolean enveloped = false;
    for (Element t = firstElement(transforms); t != null; t = nextElement(t)) {
      count++;
      String algorithm = is(t, DSIG_NS, "Transform") ? attribute(t, "Algorithm") : null;
      if (ENVELOPED.equals(algorithm)) {
        enveloped = true;
      } else if (!EXC_C14N.equals(algorithm) && !EXC_C14N_WITH_COMMENTS.equals(algorithm)) {
        return "transform " + LogSafe.text(algorithm) + " is not allowed";
      }
    }
    if (count > 2) {
      return count + " transforms (at most 2)";
    }
    return enveloped ? null : "no enveloped-signature transform";
  }

  /**
   * Santuario's full verification (secure validation on) with each trusted key of the signature
   * method's type in turn, for every signature shape the fast path does not take. The signed
   * element's ID is registered so that the Reference resolves to it; duplicate IDs were rejected
   * before. Each key gets a fresh {@code XMLSignature}: Santuario keeps the algorithm object of the
   * first check, and after a key of another type it no longer verified a genuine ECDSA signature
   * (an RSA certificate listed before the EC one made a genuine Response a reject).
   */
  private Result generalPath(Element signed, Element signature, String signatureMethod) {
    OpenSaml.xmlSecurity();
    signed.setIdAttributeNS(null, "ID", true);
    boolean ecdsa = signatureMethod.contains("ecdsa");
    RuntimeException unreadable = null;
    for (PublicKey key : keys) {
      // By type, not by getAlgorithm() text, which differs between providers.
      if (ecdsa ? !(key instanceof ECPublicKey) : !(key instanceof RSAPublicKey)) {
        continue;
      }
      XMLSignature xmlSignature;
      try {
        xmlSignature = new XMLSignature(signature, "", true);
      } catch (XMLSecurityException | RuntimeException e) {
        return new Result(
            Outcome.UNREADABLE, "unreadable signature: " + LogSafe.text(e.getMessage()));
      }
      try {
        if (xmlSignature.checkSignatureValue(key)) {
          return Result.VALID;
        }
      } catch (XMLSignatureException e) {
        // try the next trusted certificate
      } catch (RuntimeException e) {
        // Santuario decodes SignatureValue with java.util.Base64, which throws on bad input
        // (found by ResponseFuzzTest), and its ECDSA path converts r||s with array arithmetic that
        // throws on a value of the wrong length. The next trusted key is still tried.
        unreadable = e;
      }
    }
    if (unreadable != null) {
      return new Result(
          Outcome.UNREADABLE,
          "unreadable SignatureValue: " + LogSafe.text(unreadable.getMessage()));
    }
    return notVerified();
  }

  private Result notVerified() {
    return new Result(
        Outcome.NOT_VERIFIED,
        "does not verify with any of the " + keys.size() + " trusted certificate(s)");
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
