package io.cloudsign.saml.testkit.internal;

import java.util.Base64;
import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Hostile changes to an EncryptedAssertion after encryption (the 2022 encrypted-XML advisory's
 * references, key-count and ciphertext defects). Not API.
 */
public final class EncryptionSurgery {
  private static final String XENC_NS = AssertionEncryptor.XENC_NS;
  private static final String DSIG_NS = EnvelopedSigner.DSIG_NS;

  private EncryptionSurgery() {}

  /** The Response's EncryptedAssertion's EncryptedData. */
  public static Element encryptedData(Document doc) {
    List<Element> encrypted =
        Xml.children(doc.getDocumentElement(), Attacks.ASSERTION_NS, "EncryptedAssertion");
    if (encrypted.isEmpty()) {
      throw new IllegalStateException(
          "the Response has no EncryptedAssertion: choose encryptedAssertion(spCertificate)");
    }
    return Attacks.child(encrypted.get(0), XENC_NS, "EncryptedData");
  }

  private static Element encryptedKey(Document doc) {
    Element keyInfo = Attacks.child(encryptedData(doc), DSIG_NS, "KeyInfo");
    return Attacks.child(keyInfo, XENC_NS, "EncryptedKey");
  }

  /** The EncryptedData's CipherValue becomes a CipherReference to {@code url}. */
  public static void cipherReference(Document doc, String url) {
    Element cipherData = Attacks.child(encryptedData(doc), XENC_NS, "CipherData");
    Element value = Attacks.child(cipherData, XENC_NS, "CipherValue");
    Element reference = doc.createElementNS(XENC_NS, "xenc:CipherReference");
    reference.setAttributeNS(null, "URI", url);
    cipherData.replaceChild(reference, value);
  }

  /**
   * A RetrievalMethod for an EncryptedKey at {@code url}, with a base64 Transform, first in the
   * EncryptedData's KeyInfo (the genuine EncryptedKey stays).
   */
  public static void retrievalMethodWithTransforms(Document doc, String url) {
    Element keyInfo = Attacks.child(encryptedData(doc), DSIG_NS, "KeyInfo");
    Element method =
        Attacks.fragment(
            doc,
            "<RetrievalMethod xmlns=\""
                + DSIG_NS
                + "\" URI=\""
                + Xml.escape(url)
                + "\" Type=\""
                + XENC_NS
                + "EncryptedKey\"><Transforms><Transform Algorithm=\""
                + DSIG_NS
                + "base64\"/></Transforms></RetrievalMethod>");
    keyInfo.insertBefore(method, keyInfo.getFirstChild());
  }

  /** A copy of the EncryptedKey after it, in the same KeyInfo. */
  public static void twoEncryptedKeys(Document doc) {
    Element key = encryptedKey(doc);
    key.getParentNode().insertBefore(key.cloneNode(true), key.getNextSibling());
  }

  /** The EncryptedKey is replaced by a KeyName: the content key would have to be pre-shared. */
  public static void withoutEncryptedKey(Document doc) {
    Element key = encryptedKey(doc);
    Element name = doc.createElementNS(DSIG_NS, "KeyName");
    name.setTextContent("sp-decryption-key");
    key.getParentNode().replaceChild(name, key);
  }

  /** One bit of the content ciphertext, in its middle, is flipped. */
  public static void tamperedCiphertext(Document doc) {
    Element cipherData = Attacks.child(encryptedData(doc), XENC_NS, "CipherData");
    Element value = Attacks.child(cipherData, XENC_NS, "CipherValue");
    byte[] bytes = Base64.getDecoder().decode(value.getTextContent().strip());
    bytes[bytes.length / 2] ^= 0x01;
    value.setTextContent(Base64.getEncoder().encodeToString(bytes));
  }
}
