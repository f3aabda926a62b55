package io.cloudsign.saml.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Replaces a (signed) Assertion by an {@code EncryptedAssertion} as Entra's token encryption does:
 * by default AES-256-CBC content encryption and RSA-OAEP key transport ({@code rsa-oaep-mgf1p},
 * SHA-1 digest) to the SP's certificate, the {@code EncryptedKey} inside the {@code
 * EncryptedData}'s {@code KeyInfo} with the recipient's certificate. Other algorithms model other
 * IdPs or disallowed choices. Encryption is real (JCA); nothing is faked.
 */
public final class AssertionEncryptor {
  public static final String XENC_NS = "http://www.w3.org/2001/04/xmlenc#";
  public static final String XENC11_NS = "http://www.w3.org/2009/xmlenc11#";
  private static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Content encryption. */
  public enum Content {
    AES256_CBC(XENC_NS + "aes256-cbc", "AES", 32, "AES/CBC/PKCS5Padding", 16),
    AES128_CBC(XENC_NS + "aes128-cbc", "AES", 16, "AES/CBC/PKCS5Padding", 16),
    AES256_GCM(XENC11_NS + "aes256-gcm", "AES", 32, "AES/GCM/NoPadding", 12),
    AES128_GCM(XENC11_NS + "aes128-gcm", "AES", 16, "AES/GCM/NoPadding", 12),
    TRIPLEDES_CBC(XENC_NS + "tripledes-cbc", "DESede", 24, "DESede/CBC/PKCS5Padding", 8);

    public final String uri;
    final String keyAlgorithm;
    final int keyBytes;
    final String transformation;
    final int ivBytes;

    Content(String uri, String keyAlgorithm, int keyBytes, String transformation, int ivBytes) {
      this.uri = uri;
      this.keyAlgorithm = keyAlgorithm;
      this.keyBytes = keyBytes;
      this.transformation = transformation;
      this.ivBytes = ivBytes;
    }
  }

  /** Key transport. */
  public enum KeyTransport {
    /** {@code xmlenc#rsa-oaep-mgf1p} with a SHA-1 DigestMethod: Entra's. */
    RSA_OAEP_MGF1P(XENC_NS + "rsa-oaep-mgf1p"),
    /** {@code xmlenc11#rsa-oaep}, SHA-256 digest, MGF1 with SHA-256. */
    RSA_OAEP_SHA256(XENC11_NS + "rsa-oaep"),
    /** {@code xmlenc#rsa-1_5}: PKCS#1 v1.5, open to Bleichenbacher's attack. */
    RSA_1_5(XENC_NS + "rsa-1_5");

    public final String uri;

    KeyTransport(String uri) {
      this.uri = uri;
    }
  }

  private AssertionEncryptor() {}

  /** Encrypts {@code assertion} in place. */
  public static void encrypt(
      Element assertion, X509Certificate recipient, Content content, KeyTransport transport) {
    byte[] plaintext = Xml.serialize(assertion, Xml.Style.COMPACT).getBytes(StandardCharsets.UTF_8);
    try {
      byte[] keyBytes = new byte[content.keyBytes];
      RANDOM.nextBytes(keyBytes);
      SecretKey key = new SecretKeySpec(keyBytes, content.keyAlgorithm);
      byte[] iv = new byte[content.ivBytes];
      RANDOM.nextBytes(iv);
      Cipher c = Cipher.getInstance(content.transformation);
      if (content.ivBytes == 12) {
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      } else {
        c.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
      }
      byte[] data = concat(iv, c.doFinal(plaintext));
      byte[] wrapped = wrap(keyBytes, recipient, transport);

      Tags t = new Tags();
      t.start("EncryptedAssertion").attr("xmlns", ASSERTION_NS);
      t.start("xenc:EncryptedData").attr("Type", XENC_NS + "Element").attr("xmlns:xenc", XENC_NS);
      t.start("xenc:EncryptionMethod").attr("Algorithm", content.uri);
      t.end("xenc:EncryptionMethod");
      t.start("KeyInfo").attr("xmlns", EnvelopedSigner.DSIG_NS);
      t.start("xenc:EncryptedKey");
      t.start("xenc:EncryptionMethod").attr("Algorithm", transport.uri);
      if (transport == KeyTransport.RSA_OAEP_MGF1P) {
        t.start("DigestMethod").attr("Algorithm", "http://www.w3.org/2000/09/xmldsig#sha1");
        t.end("DigestMethod");
      } else if (transport == KeyTransport.RSA_OAEP_SHA256) {
        t.start("DigestMethod").attr("Algorithm", XENC_NS + "sha256").end("DigestMethod");
        t.start("xenc11:MGF")
            .attr("xmlns:xenc11", XENC11_NS)
            .attr("Algorithm", XENC11_NS + "mgf1sha256")
            .end("xenc11:MGF");
      }
      t.end("xenc:EncryptionMethod");
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

  private static byte[] wrap(byte[] key, X509Certificate recipient, KeyTransport transport)
      throws GeneralSecurityException {
    Cipher rsa;
    switch (transport) {
      case RSA_OAEP_MGF1P -> {
        rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
        rsa.init(
            Cipher.ENCRYPT_MODE,
            recipient.getPublicKey(),
            new OAEPParameterSpec(
                "SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT),
            RANDOM);
      }
      case RSA_OAEP_SHA256 -> {
        rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
        rsa.init(
            Cipher.ENCRYPT_MODE,
            recipient.getPublicKey(),
            new OAEPParameterSpec(
                "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT),
            RANDOM);
      }
      default -> {
        rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        rsa.init(Cipher.ENCRYPT_MODE, recipient.getPublicKey(), RANDOM);
      }
    }
    return rsa.doFinal(key);
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
