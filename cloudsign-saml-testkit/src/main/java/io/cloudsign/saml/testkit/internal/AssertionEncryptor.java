package io.cloudsign.saml.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Replaces a (signed) Assertion by an {@code EncryptedAssertion}: AES-256 content encryption, key
 * transport with RSA-OAEP (MGF1, SHA-1 digest: {@code rsa-oaep-mgf1p}) to the SP's certificate, the
 * {@code EncryptedKey} inside the {@code EncryptedData}'s {@code KeyInfo}, as Entra's token
 * encryption does.
 */
public final class AssertionEncryptor {
  public static final String XENC_NS = "http://www.w3.org/2001/04/xmlenc#";
  public static final String AES256_GCM = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
  public static final String AES256_CBC = "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
  public static final String RSA_OAEP_MGF1P = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
  private static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
  private static final SecureRandom RANDOM = new SecureRandom();

  private AssertionEncryptor() {}

  /** Encrypts {@code assertion} in place. */
  public static void encrypt(Element assertion, X509Certificate recipient, boolean gcm) {
    byte[] plaintext = Xml.serialize(assertion, Xml.Style.COMPACT).getBytes(StandardCharsets.UTF_8);
    try {
      KeyGenerator kg = KeyGenerator.getInstance("AES");
      kg.init(256, RANDOM);
      SecretKey key = kg.generateKey();
      byte[] data;
      if (gcm) {
        byte[] iv = new byte[12];
        RANDOM.nextBytes(iv);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        data = concat(iv, c.doFinal(plaintext));
      } else {
        byte[] iv = new byte[16];
        RANDOM.nextBytes(iv);
        Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
        c.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
        data = concat(iv, c.doFinal(plaintext));
      }
      Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
      rsa.init(Cipher.ENCRYPT_MODE, recipient.getPublicKey(), RANDOM);
      byte[] wrapped = rsa.doFinal(key.getEncoded());

      Tags t = new Tags();
      t.start("EncryptedAssertion").attr("xmlns", ASSERTION_NS);
      t.start("xenc:EncryptedData")
          .attr("Type", "http://www.w3.org/2001/04/xmlenc#Element")
          .attr("xmlns:xenc", XENC_NS);
      t.start("xenc:EncryptionMethod").attr("Algorithm", gcm ? AES256_GCM : AES256_CBC);
      t.end("xenc:EncryptionMethod");
      t.start("KeyInfo").attr("xmlns", EnvelopedSigner.DSIG_NS);
      t.start("xenc:EncryptedKey");
      t.start("xenc:EncryptionMethod").attr("Algorithm", RSA_OAEP_MGF1P);
      t.start("DigestMethod").attr("Algorithm", "http://www.w3.org/2000/09/xmldsig#sha1");
      t.end("DigestMethod").end("xenc:EncryptionMethod");
      t.start("KeyInfo")
          .start("X509Data")
          .element("X509Certificate", Certificates.base64(recipient))
          .end("X509Data")
          .end("KeyInfo");
      cipherData(t, wrapped);
      t.end("xenc:EncryptedKey").end("KeyInfo");
      cipherData(t, data);
      t.end("xenc:EncryptedData").end("EncryptedAssertion");

      Document doc = assertion.getOwnerDocument();
      Document fragment = Xml.parseKeepingOrder(t.toString());
      Element encrypted = (Element) doc.importNode(fragment.getDocumentElement(), true);
      assertion.getParentNode().replaceChild(encrypted, assertion);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encrypt the assertion: " + e.getMessage(), e);
    }
  }

  private static void cipherData(Tags t, byte[] value) {
    t.start("xenc:CipherData")
        .element("xenc:CipherValue", Base64.getEncoder().encodeToString(value))
        .end("xenc:CipherData");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
