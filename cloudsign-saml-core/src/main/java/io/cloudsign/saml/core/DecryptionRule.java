package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.AssertionDecrypter;
import io.cloudsign.saml.core.internal.SamlDom;
import io.cloudsign.saml.core.internal.SecureXml;
import io.cloudsign.saml.core.internal.XmlBounds;
import java.util.HashSet;
import java.util.Set;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

/**
 * The decryption rule (token encryption, opt-in per registration): the one EncryptedAssertion is
 * decrypted with the registration's keys and the Assertion it carries is parsed with the same
 * bounds as a Response (no DOCTYPE, no entities, size, depth and markup bounds) and read by the
 * same strict reader; every later rule, the signature rule first, then runs on it.
 *
 * <p>Where the Response is signed, its signature covers the EncryptedAssertion: it is verified
 * before anything is decrypted. Otherwise (Entra's default: the Assertion signed, then encrypted)
 * the ciphertext is not authenticated until the decrypted Assertion's signature verifies, and every
 * failure up to that point is {@link ErrorCode#DECRYPTION_FAILED} with one message, whatever the
 * step, so that altered ciphertexts teach a sender nothing about the plaintext (the XML Encryption
 * padding and parse oracles; Jager and Somorovsky, 2011).
 */
final class DecryptionRule {
  static final String UNIFORM_DETAIL =
      "the EncryptedAssertion could not be decrypted to an Assertion signed by the IdP with any"
          + " decryption key of this registration";

  private DecryptionRule() {}

  static void decrypt(Validation v) throws SamlValidationException {
    if (v.encryptedAssertion == null) {
      return;
    }
    if (v.response.signed()) {
      SignatureRule.responseBeforeDecryption(v);
      v.ciphertextAuthenticated = true;
    }
    try {
      byte[] plaintext =
          AssertionDecrypter.decrypt(
              v.encryptedAssertion,
              v.registration.decryptionKeys(),
              v.registration.acceptsAesCbc());
      Document doc = SecureXml.parse(plaintext, XmlBounds.RESPONSE);
      Element root = doc.getDocumentElement();
      if (!SamlDom.is(root, SamlDom.ASSERTION_NS, "Assertion")
          || SecureXml.duplicateId(root) != null
          || sharesAnId(root, v.response.element())) {
        throw uniform(v);
      }
      v.assertion = SamlResponse.assertion(root);
    } catch (AssertionDecrypter.Failure | SecureXml.RejectedXmlException e) {
      throw uniform(v);
    }
  }

  /**
   * The one failure of this rule (and of the signature rule over an unauthenticated decryption).
   */
  static SamlValidationException uniform(Validation v) {
    v.failFirst(ErrorCode.DECRYPTION_FAILED, FailureReason.NONE, UNIFORM_DETAIL);
    return v.stop();
  }

  /**
   * Whether an element of the decrypted Assertion has an ID that an element of the Response also
   * has: two elements sharing an ID is the shape of signature wrapping, wherever they sit.
   */
  private static boolean sharesAnId(Element assertion, Element response) {
    Set<String> outer = ids(response);
    for (String id : ids(assertion)) {
      if (outer.contains(id)) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> ids(Element root) {
    Set<String> ids = new HashSet<>();
    addIds(root, ids);
    NodeList all = root.getElementsByTagNameNS("*", "*");
    for (int i = 0; i < all.getLength(); i++) {
      addIds((Element) all.item(i), ids);
    }
    return ids;
  }

  private static void addIds(Element e, Set<String> ids) {
    NamedNodeMap attrs = e.getAttributes();
    for (int i = 0; i < attrs.getLength(); i++) {
      Attr a = (Attr) attrs.item(i);
      String name = a.getLocalName() != null ? a.getLocalName() : a.getName();
      if (name.equals("ID") || name.equals("Id") || name.equals("id")) {
        ids.add(a.getValue());
      }
    }
  }
}
