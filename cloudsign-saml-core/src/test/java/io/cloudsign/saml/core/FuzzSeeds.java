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
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

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
 */
final class FuzzSeeds {
  private FuzzSeeds() {}

  public static void main(String[] args) throws IOException {
    Path resources = Path.of(args[0]).resolve("io/cloudsign/saml/core");
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
