package io.cloudsign.saml.core.internal;

import static io.cloudsign.saml.core.internal.SamlDom.DSIG_NS;
import static io.cloudsign.saml.core.internal.SamlDom.attribute;
import static io.cloudsign.saml.core.internal.SamlDom.firstElement;
import static io.cloudsign.saml.core.internal.SamlDom.is;
import static io.cloudsign.saml.core.internal.SamlDom.nextElement;

import java.security.Key;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;
import org.apache.xml.security.encryption.EncryptedKey;
import org.apache.xml.security.encryption.XMLCipher;
import org.apache.xml.security.encryption.XMLEncryptionException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Decrypts one {@code saml:EncryptedAssertion} (XML Encryption 1.1) to the bytes of the Assertion
 * it carries, with Santuario's {@code XMLCipher}, after a structural check of our own. Thread-safe
 * (a new cipher per call). Not API.
 *
 * <p>Why not OpenSAML's {@code Decrypter}: it parses the plaintext with its own parser pool, so the
 * decrypted Assertion would skip the parse bounds every other input goes through; it needs the
 * encryption object model and the global security initialisers this library does not load; and
 * OpenSAML 4.0.1 predates the 2022 fix for its handling of references in encrypted XML. Santuario
 * gives back the plaintext octets, which the caller parses like any other untrusted input.
 *
 * <p>Checked before any key is used (each refusal is the same {@link Failure}):
 *
 * <ul>
 *   <li>no {@code xenc:CipherReference} anywhere (Santuario before 2.3.0 fetched its URI; the SAML
 *       profile never needs it), no {@code ds:RetrievalMethod} with {@code Transforms} (the 2022
 *       advisory's other case: transforms run over attacker data); nothing is ever dereferenced;
 *   <li>exactly one {@code xenc:EncryptedData} of {@code Type} Element, and exactly one {@code
 *       xenc:EncryptedKey} in the whole EncryptedAssertion (in its KeyInfo, as Entra puts it, or
 *       beside it): a pre-shared key or a choice of keys is not accepted;
 *   <li>key transport RSA-OAEP only ({@code xmlenc#rsa-oaep-mgf1p}, or {@code xmlenc11#rsa-oaep}
 *       with an allowlisted digest and MGF), no {@code OAEPparams}; content encryption AES-GCM
 *       (128, 256), AES-CBC (128, 256) only when the caller allows it; each CipherData one
 *       CipherValue.
 * </ul>
 *
 * <p>Then each configured key is tried on the EncryptedKey. When none unwraps it, the data is
 * decrypted with a random key of the right length (as Santuario's streaming decrypter does), so a
 * wrong key and a tampered ciphertext fail the same way, at the same step.
 */
public final class AssertionDecrypter {
  static final String XENC_NS = "http://www.w3.org/2001/04/xmlenc#";
  static final String XENC11_NS = "http://www.w3.org/2009/xmlenc11#";

  public static final String AES128_GCM = XENC11_NS + "aes128-gcm";
  public static final String AES256_GCM = XENC11_NS + "aes256-gcm";
  public static final String AES128_CBC = XENC_NS + "aes128-cbc";
  public static final String AES256_CBC = XENC_NS + "aes256-cbc";
  public static final String RSA_OAEP_MGF1P = XENC_NS + "rsa-oaep-mgf1p";
  public static final String RSA_OAEP = XENC11_NS + "rsa-oaep";

  private static final Map<String, Integer> GCM_KEY_BYTES = Map.of(AES128_GCM, 16, AES256_GCM, 32);
  private static final Map<String, Integer> CBC_KEY_BYTES = Map.of(AES128_CBC, 16, AES256_CBC, 32);
  private static final Set<String> OAEP_DIGESTS =
      Set.of(
          "http://www.w3.org/2000/09/xmldsig#sha1",
          "http://www.w3.org/2001/04/xmlenc#sha256",
          "http://www.w3.org/2001/04/xmldsig-more#sha384",
          "http://www.w3.org/2001/04/xmlenc#sha512");
  private static final Set<String> OAEP_MGFS =
      Set.of(
          XENC11_NS + "mgf1sha1",
          XENC11_NS + "mgf1sha256",
          XENC11_NS + "mgf1sha384",
          XENC11_NS + "mgf1sha512");
  private static final SecureRandom RANDOM = new SecureRandom();

  private AssertionDecrypter() {}

  /** Any refusal or failure; deliberately without detail (see the class comment). */
  public static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure() {
      super("the EncryptedAssertion could not be decrypted", null, false, false);
    }
  }

  /**
   * The plaintext octets of {@code encryptedAssertion}.
   *
   * @param keys the registration's decryption keys, tried in order
   * @param allowAesCbc whether AES-CBC content encryption is accepted
   * @throws Failure on any refusal or failure, always the same
   */
  public static byte[] decrypt(
      Element encryptedAssertion, List<PrivateKey> keys, boolean allowAesCbc) throws Failure {
    OpenSaml.xmlSecurity(); // Santuario's algorithm registry, which XMLCipher reads
    Shape shape = check(encryptedAssertion, allowAesCbc);
    Key contentKey = unwrap(shape, keys);
    try {
      XMLCipher cipher = XMLCipher.getInstance();
      cipher.setSecureValidation(true);
      cipher.init(XMLCipher.DECRYPT_MODE, contentKey);
      return cipher.decryptToByteArray(shape.data());
    } catch (XMLEncryptionException | RuntimeException e) {
      throw new Failure();
    }
  }

  /** What the structural check found. */
  private record Shape(Element data, Element key, String dataAlgorithm, int keyBytes) {}

  private static Shape check(Element encryptedAssertion, boolean allowAesCbc) throws Failure {
    Element data = null;
    Element encryptedKey = null;
    int encryptedKeys = 0;
    for (Node n = encryptedAssertion.getFirstChild(); n != null; n = next(n, encryptedAssertion)) {
      if (n.getNodeType() != Node.ELEMENT_NODE) {
        continue;
      }
      Element e = (Element) n;
      if (is(e, XENC_NS, "CipherReference")
          || is(e, XENC_NS, "AgreementMethod")
          || (is(e, DSIG_NS, "RetrievalMethod") && firstElement(e) != null)) {
        throw new Failure();
      }
      if (is(e, XENC_NS, "EncryptedKey")) {
        encryptedKeys++;
        encryptedKey = e;
      }
      if (is(e, XENC_NS, "EncryptedData")) {
        if (data != null || e.getParentNode() != encryptedAssertion) {
          throw new Failure();
        }
        data = e;
      }
    }
    if (data == null || encryptedKeys != 1) {
      throw new Failure();
    }
    String type = attribute(data, "Type");
    if (type != null && !type.equals(XENC_NS + "Element")) {
      throw new Failure();
    }
    String dataAlgorithm = algorithm(data);
    Integer keyBytes = GCM_KEY_BYTES.get(dataAlgorithm);
    if (keyBytes == null && allowAesCbc) {
      keyBytes = CBC_KEY_BYTES.get(dataAlgorithm);
    }
    if (keyBytes == null) {
      throw new Failure();
    }
    checkKeyTransport(encryptedKey);
    checkCipherData(data);
    checkCipherData(encryptedKey);
    return new Shape(data, encryptedKey, dataAlgorithm, keyBytes);
  }

  /** RSA-OAEP with allowlisted parameters; no OAEPparams. */
  private static void checkKeyTransport(Element encryptedKey) throws Failure {
    String algorithm = algorithm(encryptedKey);
    boolean mgf1p = RSA_OAEP_MGF1P.equals(algorithm);
    if (!mgf1p && !RSA_OAEP.equals(algorithm)) {
      throw new Failure();
    }
    Element method = child(encryptedKey, XENC_NS, "EncryptionMethod");
    for (Element p = firstElement(method); p != null; p = nextElement(p)) {
      String value = attribute(p, "Algorithm");
      boolean allowed =
          (is(p, DSIG_NS, "DigestMethod") && OAEP_DIGESTS.contains(value))
              || (!mgf1p && is(p, XENC11_NS, "MGF") && OAEP_MGFS.contains(value));
      if (!allowed) {
        throw new Failure();
      }
    }
  }

  /** The Algorithm of the single EncryptionMethod child (required). */
  private static String algorithm(Element encrypted) throws Failure {
    String algorithm = attribute(child(encrypted, XENC_NS, "EncryptionMethod"), "Algorithm");
    if (algorithm == null) {
      throw new Failure();
    }
    return algorithm;
  }

  /** CipherData holds exactly one CipherValue (never a CipherReference). */
  private static void checkCipherData(Element encrypted) throws Failure {
    Element cipherData = child(encrypted, XENC_NS, "CipherData");
    Element value = firstElement(cipherData);
    if (!is(value, XENC_NS, "CipherValue") || nextElement(value) != null) {
      throw new Failure();
    }
  }

  /** The one child {@code {ns}local} of {@code parent}; none or several is a failure. */
  private static Element child(Element parent, String ns, String local) throws Failure {
    Element found = null;
    for (Element c = firstElement(parent); c != null; c = nextElement(c)) {
      if (is(c, ns, local)) {
        if (found != null) {
          throw new Failure();
        }
        found = c;
      }
    }
    if (found == null) {
      throw new Failure();
    }
    return found;
  }

  /**
   * The content-encryption key from the first configured key that unwraps it, or a random key of
   * the same length when none does: the failure then comes from the content decryption, as it does
   * for a tampered ciphertext, and never says which step failed.
   */
  private static Key unwrap(Shape shape, List<PrivateKey> keys) {
    for (PrivateKey key : keys) {
      try {
        XMLCipher cipher = XMLCipher.getInstance();
        cipher.setSecureValidation(true);
        cipher.init(XMLCipher.UNWRAP_MODE, key);
        EncryptedKey encryptedKey =
            cipher.loadEncryptedKey(shape.key().getOwnerDocument(), shape.key());
        Key unwrapped = cipher.decryptKey(encryptedKey, shape.dataAlgorithm());
        byte[] encoded = unwrapped == null ? null : unwrapped.getEncoded();
        if (encoded != null && encoded.length == shape.keyBytes()) {
          return unwrapped;
        }
      } catch (XMLEncryptionException | RuntimeException e) {
        // try the next key; a failure is never reported on its own
      }
    }
    byte[] random = new byte[shape.keyBytes()];
    RANDOM.nextBytes(random);
    return new SecretKeySpec(random, "AES");
  }

  /** Pre-order successor of {@code node} within {@code root}, without recursion. */
  private static Node next(Node node, Node root) {
    if (node.getFirstChild() != null) {
      return node.getFirstChild();
    }
    while (node != null && node != root) {
      if (node.getNextSibling() != null) {
        return node.getNextSibling();
      }
      node = node.getParentNode();
    }
    return null;
  }
}
