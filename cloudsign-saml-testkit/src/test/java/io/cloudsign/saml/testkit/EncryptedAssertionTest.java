package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.internal.Certificates;
import io.cloudsign.saml.testkit.internal.SigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class EncryptedAssertionTest {
  private static final String XENC = "http://www.w3.org/2001/04/xmlenc#";
  private static final FakeEntra ENTRA = FakeEntra.create();
  private static final SigningKey SP = Certificates.generate("CN=sp", Instant.now());

  private static ResponseBuilder genuine() {
    return ENTRA
        .response()
        .inResponseTo("_r")
        .destination("https://sp.example.com/acs")
        .audience("urn:sp");
  }

  /** Decrypts as an SP would, with JCA only, and returns the decrypted Assertion element. */
  private static Element decrypt(Document doc) throws Exception {
    Element encData = Dsig.first(doc, XENC, "EncryptedData");
    Element encKey = Dsig.first(encData, XENC, "EncryptedKey");
    assertThat(encKey.getParentNode().getLocalName()).isEqualTo("KeyInfo");
    assertThat(Dsig.first(encKey, XENC, "EncryptionMethod").getAttribute("Algorithm"))
        .isEqualTo(XENC + "rsa-oaep-mgf1p");
    Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
    rsa.init(Cipher.DECRYPT_MODE, SP.privateKey());
    byte[] aesKey =
        rsa.doFinal(
            Base64.getDecoder().decode(Dsig.first(encKey, XENC, "CipherValue").getTextContent()));
    Element dataCipher = (Element) encData.getLastChild().getFirstChild();
    byte[] data = Base64.getDecoder().decode(dataCipher.getTextContent());
    String alg = ((Element) encData.getFirstChild()).getAttribute("Algorithm");
    byte[] plain;
    if (alg.endsWith("aes256-gcm")) {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(aesKey, "AES"),
          new GCMParameterSpec(128, data, 0, 12));
      plain = c.doFinal(data, 12, data.length - 12);
    } else {
      Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
      c.init(
          Cipher.DECRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new IvParameterSpec(data, 0, 16));
      byte[] padded = c.doFinal(data, 16, data.length - 16);
      plain = Arrays.copyOf(padded, padded.length - padded[padded.length - 1]);
    }
    return Dsig.parse(new String(plain, StandardCharsets.UTF_8)).getDocumentElement();
  }

  @Test
  void encryptedAssertionHasMicrosoftsShapeAndDecryptsToAGenuinelySignedOne() throws Exception {
    String xml = genuine().encryptedAssertion(SP.certificate()).buildXml();
    assertThat(xml)
        .doesNotContain("B.Simon")
        .contains("<EncryptedAssertion xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">");
    Document doc = Dsig.parse(xml);
    assertThat(Dsig.children(Dsig.response(doc), Dsig.SAML_NS, "Assertion")).isEmpty();
    assertThat(Dsig.first(doc, XENC, "EncryptionMethod").getAttribute("Algorithm"))
        .isEqualTo(XENC + "aes256-cbc");
    Element assertion = decrypt(doc);
    assertThat(Dsig.first(assertion, Dsig.SAML_NS, "NameID").getTextContent())
        .isEqualTo("B.Simon@contoso.com");
    assertThat(Dsig.verifies(assertion, ENTRA.signingCertificate())).isTrue();
  }

  @Test
  void aesGcmVariantUsesAes256Gcm() throws Exception {
    Document doc = Dsig.parse(genuine().encryptedAssertionAesGcm(SP.certificate()).buildXml());
    assertThat(Dsig.first(doc, XENC, "EncryptionMethod").getAttribute("Algorithm"))
        .isEqualTo("http://www.w3.org/2009/xmlenc11#aes256-gcm");
    assertThat(Dsig.verifies(decrypt(doc), ENTRA.signingCertificate())).isTrue();
  }

  @Test
  void responseSignatureCoversTheEncryptedAssertion() throws Exception {
    Document doc =
        Dsig.parse(genuine().signResponse().encryptedAssertion(SP.certificate()).buildXml());
    assertThat(Dsig.verifies(Dsig.response(doc), ENTRA.signingCertificate())).isTrue();
    assertThat(Dsig.signatureOf(decrypt(doc))).isNull();
  }

  @Test
  void encryptionCannotBeCombinedWithTampering() {
    assertThatThrownBy(
            () ->
                genuine()
                    .encryptedAssertion(SP.certificate())
                    .with(Attack.tamperedAfterSigning())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot be combined");
  }

  @Test
  void hostileEncryptionVariantsChangeTheEncryptedAssertionAsNamed() throws Exception {
    String canary = "http://127.0.0.1:9/canary";
    assertThat(encrypted(Attack.cipherReference(canary)))
        .contains("<xenc:CipherReference URI=\"" + canary + "\"/>");
    assertThat(encrypted(Attack.retrievalMethodWithTransforms(canary)))
        .contains("<RetrievalMethod ", "URI=\"" + canary + "\"", "<Transforms>");
    assertThat(encrypted(Attack.twoEncryptedKeys()).split("<xenc:EncryptedKey>", -1)).hasSize(3);
    assertThat(encrypted(Attack.withoutEncryptedKey()))
        .doesNotContain("EncryptedKey")
        .contains("<KeyName>");
    assertThat(encrypted(Attack.disallowedEncryption(Attack.DisallowedEncryption.TRIPLEDES_CBC)))
        .contains(XENC + "tripledes-cbc");
    assertThat(encrypted(Attack.disallowedEncryption(Attack.DisallowedEncryption.RSA_1_5)))
        .contains(XENC + "rsa-1_5");
    Document unsigned = Dsig.parse(encrypted(Attack.unsignedEncryptedAssertion()));
    assertThat(Dsig.signatureOf(decrypt(unsigned))).isNull();
  }

  @Test
  void tamperedCiphertextNoLongerDecryptsToTheSignedAssertion() throws Exception {
    Document doc = Dsig.parse(encrypted(Attack.tamperedCiphertext()));
    boolean stillGenuine;
    try {
      stillGenuine = Dsig.verifies(decrypt(doc), ENTRA.signingCertificate());
    } catch (Exception | AssertionError e) {
      stillGenuine = false; // garbled XML or padding
    }
    assertThat(stillGenuine).isFalse();
  }

  @Test
  void encryptedForAnotherSpCannotBeDecryptedWithTheSpKey() {
    Document doc = Dsig.parse(encrypted(Attack.encryptedForAnotherSp()));
    assertThatThrownBy(() -> decrypt(doc)).isInstanceOf(Exception.class);
  }

  @Test
  void encryptionAttacksNeedAnEncryptedResponse() {
    assertThatThrownBy(() -> genuine().with(Attack.twoEncryptedKeys()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("encryptedAssertion(spCertificate)");
    assertThatThrownBy(() -> genuine().with(Attack.encryptedForAnotherSp()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("encryptedAssertion(spCertificate)");
  }

  private static String encrypted(Attack attack) {
    return genuine().encryptedAssertion(SP.certificate()).with(attack).buildXml();
  }

  @Test
  void tokenEncryptionSettingEncryptsEveryResponseOfTheFake() throws Exception {
    FakeEntra encrypting = FakeEntra.builder().tokenEncryption(SP.certificate()).build();
    assertThat(encrypting.tokenEncryptionCertificate()).contains(SP.certificate());
    String xml =
        encrypting
            .response()
            .inResponseTo("_r")
            .destination("https://sp.example.com/acs")
            .audience("urn:sp")
            .buildXml();
    Element assertion = decrypt(Dsig.parse(xml));
    assertThat(Dsig.verifies(assertion, encrypting.signingCertificate())).isTrue();
  }
}
