package io.cloudsign.saml.core;

import static io.cloudsign.saml.core.LogoutMessages.fail;

import io.cloudsign.saml.core.internal.LogSafe;
import io.cloudsign.saml.core.internal.SamlDom;
import io.cloudsign.saml.core.internal.SecureXml;
import io.cloudsign.saml.core.internal.SignatureVerifier;
import io.cloudsign.saml.core.internal.XmlBounds;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The HTTP-POST binding of logout messages (SAML Bindings §3.5), as IdPs other than Entra send them
 * (Keycloak, SimpleSAMLphp, Shibboleth): base64 of the XML (no DEFLATE) in a {@code SAMLRequest} or
 * {@code SAMLResponse} form value, signed by an enveloped XML Signature on the message's root.
 *
 * <p>The value is bounded before it is decoded, parsed once by {@link SecureXml} within {@link
 * XmlBounds#RESPONSE} (no DOCTYPE), and refused when an ID occurs twice or a {@code ds:Signature}
 * sits anywhere but directly on the root (the shapes of signature wrapping). The signature is
 * verified by the same {@link SignatureVerifier} as a Response's (its Reference exactly {@code
 * #<root ID>}, one signature, the algorithm allowlist, the trusted keys of the registration only;
 * KeyInfo never trusted). What is checked after that is {@link LogoutMessages}', as for
 * HTTP-Redirect.
 */
final class LogoutPost {
  /** A logout message is a few KiB even signed with a certificate in KeyInfo. */
  static final int MAX_CHARS = 64 * 1024;

  private LogoutPost() {}

  /**
   * The root {@code samlp:<rootName>} of the posted base64 {@code value}, after the size, parse,
   * duplicate-ID and stray-signature checks.
   */
  static Element parse(String value, String rootName) throws LogoutException {
    if (value == null || value.isEmpty()) {
      throw fail(LogoutErrorCode.MALFORMED, "no " + rootName + " in the form");
    }
    if (value.length() > MAX_CHARS) {
      throw fail(
          LogoutErrorCode.MALFORMED,
          "the posted " + rootName + " has " + value.length() + " chars, over " + MAX_CHARS);
    }
    byte[] xml;
    try {
      xml = FormValues.decodeBase64(value);
    } catch (IllegalArgumentException e) {
      throw fail(LogoutErrorCode.MALFORMED, "the posted " + rootName + " is not base64");
    }
    Document doc;
    try {
      doc = SecureXml.parse(xml, XmlBounds.RESPONSE);
    } catch (SecureXml.RejectedXmlException e) {
      throw fail(LogoutErrorCode.MALFORMED, rootName + ": " + e.getMessage());
    }
    Element root = LogoutMessages.root(doc, rootName);
    String duplicate = SecureXml.duplicateId(root);
    if (duplicate != null) {
      throw fail(
          LogoutErrorCode.MALFORMED,
          "the ID " + LogSafe.text(duplicate) + " occurs twice (the shape of signature wrapping)");
    }
    strayedSignatures(root);
    return root;
  }

  /** Whether the root carries a signature (a direct {@code ds:Signature} child). */
  static boolean signed(Element root) {
    for (Element c = SamlDom.firstElement(root); c != null; c = SamlDom.nextElement(c)) {
      if (SamlDom.is(c, SamlDom.DSIG_NS, "Signature")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The root's enveloped signature verifies with a certificate {@code r}'s key source trusts now
   * (after one refresh when no trusted key verifies it: the IdP may have rolled its key over).
   */
  static void verify(Element root, Registration r, boolean allowSha1) throws LogoutException {
    KeySource source = r.keySource();
    TrustedKeys trusted = source.current();
    SignatureVerifier.Result result = trusted.verifier(allowSha1).verify(root);
    if (result.outcome() == SignatureVerifier.Outcome.NOT_VERIFIED) {
      TrustedKeys fresh = source.refreshAfterUnknownKey(trusted);
      if (fresh != trusted) {
        result = fresh.verifier(allowSha1).verify(root);
      }
    }
    if (result.outcome() != SignatureVerifier.Outcome.VALID) {
      throw fail(
          LogoutErrorCode.INVALID_SIGNATURE,
          "the " + root.getLocalName() + "'s XML signature: " + result.reason());
    }
  }

  /**
   * A signature counts only as a direct child of the root; one anywhere else (a signed message
   * moved into an unsigned one's Extensions) is refused, so nothing can pass it off as the root's.
   */
  private static void strayedSignatures(Element root) throws LogoutException {
    NodeList all = root.getElementsByTagNameNS(SamlDom.DSIG_NS, "Signature");
    for (int i = 0; i < all.getLength(); i++) {
      Node parent = all.item(i).getParentNode();
      if (parent != root) {
        throw fail(
            LogoutErrorCode.INVALID_SIGNATURE,
            "a ds:Signature inside "
                + LogSafe.text(parent.getNodeName())
                + " (only the "
                + root.getLocalName()
                + " itself may be signed)");
      }
    }
  }
}
