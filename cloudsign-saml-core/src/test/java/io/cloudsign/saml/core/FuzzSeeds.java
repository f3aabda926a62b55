package io.cloudsign.saml.core;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.ResponseBuilder;
import io.cloudsign.saml.testkit.TestClock;
import io.cloudsign.saml.testkit.TestUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.xml.security.signature.XMLSignature;

/**
 * Writes the fuzz targets' seed corpus and the metadata {@link FuzzFixture} loads. Not a test: run
 * it by hand when the seeds must be regenerated (a new fake Entra key invalidates every seed, and
 * the inputs found by fuzzing too):
 *
 * <pre>
 * mvn -o -q test-compile -pl cloudsign-saml-core
 * java -cp "$(cat cp.txt):cloudsign-saml-core/target/test-classes:cloudsign-saml-core/target/classes" \
 *     io.cloudsign.saml.core.FuzzSeeds cloudsign-saml-core/src/test/resources
 * </pre>
 *
 * <p>With a second argument {@code ec}, writes only the ECDSA seeds and the EC certificate {@link
 * FuzzFixture} trusts, for the tenant of the stored metadata, leaving every other seed and the
 * stored corpus as they are.
 */
final class FuzzSeeds {
  private FuzzSeeds() {}

  public static void main(String[] args) throws Exception {
    Path resources = Path.of(args[0]).resolve("io/cloudsign/saml/core");
    if (args.length > 1 && args[1].equals("ec")) {
      writeEcSeeds(resources);
      return;
    }
    TestClock clock = TestClock.at(Instant.parse(FuzzFixture.ISSUED_AT));
    FakeEntra entra = FakeEntra.builder().clock(clock).build();
    write(resources.resolve("fuzz/entra-metadata.xml"), entra.metadataXml());

    Map<String, ResponseBuilder> responses = new LinkedHashMap<>();
    responses.put("assertion-signed", respond(entra));
    responses.put("response-signed", respond(entra).signResponse());
    responses.put("response-and-assertion-signed", respond(entra).signResponseAndAssertion());
    responses.put(
        "groups-and-roles",
        respond(entra)
            .user(
                TestUser.builder()
                    .nameId("alice@contoso.com")
                    .groups("g-1", "g-2")
                    .roles("Admin")
                    .build()));
    responses.put("error-status", respond(entra).errorStatus("AADSTS50105", "not assigned"));
    responses.put("two-assertions", respond(entra).with(Attack.twoAssertions()));
    responses.put("sha1", respond(entra).signingAlgorithm(ResponseBuilder.SigningAlgorithm.SHA1));
    responses.put("unknown-condition", respond(entra).with(Attack.unknownCondition()));
    responses.put("unsigned", respond(entra).with(Attack.unsigned()));
    responses.put(
        "tampered", respond(entra).with(Attack.tamperedAfterSigning("mallory@contoso.com")));
    responses.put("expired", respond(entra).with(Attack.expired()));
    responses.put("encrypted", respond(entra).encryptedAssertion());
    Path xmlSeeds = resources.resolve("ResponseFuzzTestInputs/validateXml");
    Path formSeeds = resources.resolve("ResponseFuzzTestInputs/validateFormValue");
    for (Map.Entry<String, ResponseBuilder> e : responses.entrySet()) {
      String xml = e.getValue().buildXml();
      write(xmlSeeds.resolve(e.getKey() + ".xml"), xml);
      if (e.getKey().endsWith("-signed")) {
        write(
            formSeeds.resolve(e.getKey() + ".b64"),
            Base64.getMimeEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8)));
      }
    }

    Path metadataSeeds = resources.resolve("MetadataFuzzTestInputs/parseMetadata");
    write(metadataSeeds.resolve("entra-signed.xml"), entra.metadataXml());
    write(metadataSeeds.resolve("entra-unsigned.xml"), entra.metadata().unsigned().xml());
    Files.write(metadataSeeds.resolve("entra-bom.xml"), entra.metadata().withBom().bytes());
    FakeEntra rolled =
        FakeEntra.builder()
            .clock(clock)
            .signingCertificateCount(2)
            .activeCertificateIndex(1)
            .build();
    write(metadataSeeds.resolve("two-certificates.xml"), rolled.metadataXml());
  }

  /**
   * Responses of the stored tenant with the Assertion signed by a fresh P-256 key: genuine, with an
   * empty SignatureValue, and with one of the wrong length (the shapes that made Santuario's ECDSA
   * path throw).
   */
  private static void writeEcSeeds(Path resources) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = generator.generateKeyPair();
    X509Certificate certificate = TestCertificates.selfSigned(keys, "CN=EC IdP", "SHA256withECDSA");
    write(
        resources.resolve("fuzz/ec-signer.pem"),
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded())
            + "\n-----END CERTIFICATE-----\n");
    // Not FuzzFixture.IDP: FuzzFixture loads the certificate being written here.
    String entityId =
        IdentityProvider.fromMetadata(resources.resolve("fuzz/entra-metadata.xml")).entityId();
    String tenant = entityId.substring("https://sts.windows.net/".length(), entityId.length() - 1);
    TestClock clock = TestClock.at(Instant.parse(FuzzFixture.ISSUED_AT));
    FakeEntra entra = FakeEntra.builder().clock(clock).tenantId(tenant).build();
    Path xmlSeeds = resources.resolve("ResponseFuzzTestInputs/validateXml");
    Map<String, String> values = new LinkedHashMap<>();
    values.put("ec-assertion-signed", null);
    values.put("ec-empty-signature-value", "");
    values.put("ec-short-signature-value", "AAECAwQFBgcICQ==");
    for (Map.Entry<String, String> e : values.entrySet()) {
      SantuarioSigner signed =
          SantuarioSigner.assertionOf(respond(entra).with(Attack.unsigned()).buildXml())
              .signatureMethod(XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256)
              .sign(keys.getPrivate());
      if (e.getValue() != null) {
        signed.signatureValue().setTextContent(e.getValue());
      }
      write(xmlSeeds.resolve(e.getKey() + ".xml"), signed.xml());
    }
  }

  private static ResponseBuilder respond(FakeEntra entra) {
    return entra
        .response()
        .inResponseTo(FuzzFixture.REQUEST_ID)
        .destination(Fixture.REPLY_URL)
        .audience(Fixture.ENTITY_ID);
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
