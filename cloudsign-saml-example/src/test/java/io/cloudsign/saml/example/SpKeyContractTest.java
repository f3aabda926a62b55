package io.cloudsign.saml.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.examplecontract.ExampleAppContract;
import io.cloudsign.saml.examplecontract.ExampleProcess;
import io.cloudsign.saml.examplecontract.TestBrowser;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --sp-key PEM_FILE --sp-cert PEM_FILE} (issue 12, item 7): signed AuthnRequests and
 * decryption on, both certificates in {@code /saml2/metadata}; the embedded fake Entra then
 * requires signed requests and encrypts every assertion, so a sign-in proves both over real HTTP. A
 * bad PEM is a one-line usage error naming the option (exit 2).
 */
class SpKeyContractTest {
  @TempDir static Path dir;
  static Path keyPem;
  static Path certPem;
  static X509Certificate cert;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair keys = g.generateKeyPair();
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=cloudsign-example-sp");
    cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        name,
                        BigInteger.valueOf(now.toEpochMilli()),
                        Date.from(now.minus(Duration.ofDays(1))),
                        Date.from(now.plus(Duration.ofDays(365))),
                        name,
                        keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    keyPem = dir.resolve("sp-key.pem");
    certPem = dir.resolve("sp-cert.pem");
    Files.writeString(keyPem, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  @Test
  void helpListsSpKeyAndSpCert() throws Exception {
    try (ExampleProcess p = ExampleProcess.mainClass(ExampleApp.class.getName(), "--help")) {
      String out = p.allOutput(Duration.ofSeconds(60));
      assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
      assertThat(out).contains("--sp-key PEM_FILE").contains("--sp-cert PEM_FILE");
    }
  }

  @Test
  void badPemExitsWithAOneLineUsageErrorNamingTheOption() throws Exception {
    Path junk = dir.resolve("junk.pem");
    Files.writeString(junk, "not a key\n");
    try (ExampleProcess p =
        ExampleProcess.mainClass(
            ExampleApp.class.getName(),
            "--sp-key",
            junk.toString(),
            "--sp-cert",
            certPem.toString())) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      String err = p.stderr().strip();
      assertThat(err).contains("--sp-key").contains(junk.toString()).doesNotContain("\n");
    }
    try (ExampleProcess p =
        ExampleProcess.mainClass(
            ExampleApp.class.getName(),
            "--sp-key",
            keyPem.toString(),
            "--sp-cert",
            keyPem.toString())) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(p.stderr().strip()).contains("--sp-cert").doesNotContain("\n");
    }
  }

  @Test
  void keyWithoutCertificateExitsWithUsageError() throws Exception {
    try (ExampleProcess p =
        ExampleProcess.mainClass(ExampleApp.class.getName(), "--sp-key", keyPem.toString())) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(p.stderr()).contains("--sp-key needs --sp-cert");
    }
  }

  @Test
  void withSpKeyMetadataListsItAndSignInIsSignedAndEncrypted() throws Exception {
    try (ExampleProcess app =
        ExampleProcess.mainClass(
            ExampleApp.class.getName(),
            "--port",
            "0",
            "--sp-key",
            keyPem.toString(),
            "--sp-cert",
            certPem.toString())) {
      URI base = app.awaitListening();
      String b64 = Base64.getEncoder().encodeToString(cert.getEncoded());
      String metadata = new TestBrowser().get(base.resolve("/saml2/metadata")).body();
      assertThat(metadata)
          .contains("AuthnRequestsSigned=\"true\"")
          .contains("<md:KeyDescriptor use=\"signing\">")
          .contains("<md:KeyDescriptor use=\"encryption\">");
      assertThat(metadata.split(Pattern.quote(b64), -1))
          .as("the certificate, for signing and for encryption")
          .hasSize(3);

      TestBrowser b = new TestBrowser();
      String location = b.get(base.resolve("/me")).headers().firstValue("Location").orElseThrow();
      assertThat(location).contains("&SigAlg=", "&Signature=");
      HttpResponse<String> acs = ExampleAppContract.signInAt(b, location, "0");
      assertThat(acs.statusCode()).as(acs.body()).isIn(302, 303);
      HttpResponse<String> me = b.get(base.resolve("/me"));
      assertThat(me.statusCode()).isEqualTo(200);
      assertThat(me.body()).startsWith("{\"nameId\": \"B.Simon@contoso.com\"");
    }
  }
}
