package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.xml.security.transforms.params.InclusiveNamespaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a fresh JVM, where nothing has initialised Santuario (the testkit's signer does, so this can
 * only be seen outside the test JVM): Entra's metadata and Entra-shaped Responses validate without
 * Santuario's registries (the cold start does not pay for them), and the first Response that needs
 * them — a signature of another shape (the general path) or an encrypted Assertion — initialises
 * them and validates, so the laziness never turns a genuine Response into a reject.
 */
class FreshJvmTest {
  private static KeyPair idpKeys;
  private static X509Certificate idpCertificate;
  private static KeyPair spKeys;
  private static X509Certificate spCertificate;

  @TempDir Path dir;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    idpKeys = generator.generateKeyPair();
    idpCertificate = TestCertificates.selfSigned(idpKeys, "CN=Fake Entra fresh JVM");
    spKeys = generator.generateKeyPair();
    spCertificate = TestCertificates.selfSigned(spKeys, "CN=cloudsign-sp fresh JVM");
  }

  @Test
  void validateWhenTheGeneralSignaturePathIsFirstNeededThenSantuarioIsInitialisedForIt()
      throws Exception {
    List<String> out = child(fixture(this::generalPathResponse));

    assertThat(out)
        .containsExactly(
            "entra-shape B.Simon@contoso.com santuario=false",
            "second B.Simon@contoso.com santuario=true");
  }

  @Test
  void validateWhenAnEncryptedAssertionIsFirstNeededThenSantuarioIsInitialisedForIt()
      throws Exception {
    List<String> out =
        child(
            fixture(
                fx -> {
                  lastFlow = fx.start();
                  return fx.respond(lastFlow).encryptedAssertion(spCertificate).build();
                }));

    assertThat(out)
        .containsExactly(
            "entra-shape B.Simon@contoso.com santuario=false",
            "second B.Simon@contoso.com santuario=true");
  }

  /** The second Response, for a flow it starts and leaves in {@link #lastFlow}. */
  interface Second {
    String build(Fixture fx) throws Exception;
  }

  private Path fixture(Second second) throws Exception {
    TestClock clock = TestClock.atNow();
    FakeEntra entra =
        FakeEntra.builder().clock(clock).signingKey(idpKeys.getPrivate(), idpCertificate).build();
    Fixture fx = new Fixture(entra, clock);
    Files.writeString(dir.resolve("metadata.xml"), entra.metadataXml(), StandardCharsets.UTF_8);
    Files.write(dir.resolve("idp.cer"), idpCertificate.getEncoded());
    Files.write(dir.resolve("sp.cer"), spCertificate.getEncoded());
    Files.write(dir.resolve("sp.key"), spKeys.getPrivate().getEncoded());
    Properties p = new Properties();
    p.setProperty("now", clock.instant().toString());
    Fixture.Flow first = fx.start();
    put(p, "first", first.pending(), fx.respond(first).build());
    String response = second.build(fx);
    put(p, "second", lastFlow.pending(), response);
    try (OutputStream o = Files.newOutputStream(dir.resolve("fixture.properties"))) {
      p.store(o, null);
    }
    return dir;
  }

  private Fixture.Flow lastFlow;

  private String generalPathResponse(Fixture fx) throws Exception {
    lastFlow = fx.start();
    SantuarioSigner signer =
        SantuarioSigner.assertionOf(fx.respond(lastFlow).with(Attack.unsigned()).buildXml());
    signer.transforms(
        t -> {
          try {
            t.addTransform(
                SantuarioSigner.EXC_C14N,
                new InclusiveNamespaces(signer.document(), "xs").getElement());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    return signer.sign(idpKeys.getPrivate()).formValue();
  }

  private static void put(Properties p, String name, PendingRequest pending, String response) {
    p.setProperty(name + ".requestId", pending.requestId());
    p.setProperty(name + ".issuedAt", pending.issuedAt().toString());
    p.setProperty(name + ".expiresAt", pending.expiresAt().toString());
    p.setProperty(name + ".relayState", pending.relayState().orElse(""));
    p.setProperty(name + ".response", response);
  }

  private static List<String> child(Path dir) throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Child.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    List<String> lines = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (line.startsWith("entra-shape ") || line.startsWith("second ")) {
        lines.add(line.strip());
      }
    }
    return lines;
  }

  /** The fresh JVM: only core's public API and Santuario's own flag. */
  public static final class Child {
    private Child() {}

    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(dir.resolve("fixture.properties"))) {
        p.load(in);
      }
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      X509Certificate idp = certificate(x509, dir.resolve("idp.cer"));
      X509Certificate sp = certificate(x509, dir.resolve("sp.cer"));
      PrivateKey spKey =
          KeyFactory.getInstance("RSA")
              .generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(dir.resolve("sp.key"))));
      String metadata = Files.readString(dir.resolve("metadata.xml"), StandardCharsets.UTF_8);
      Registration registration =
          Registration.builder("contoso")
              .entityId(Fixture.ENTITY_ID)
              .replyUrl(Fixture.REPLY_URL)
              .signOnUrl(Fixture.SIGN_ON_URL)
              .identityProvider(IdentityProvider.fromMetadata(metadata))
              .decryptionKey(spKey, sp)
              .build();
      if (!registration.identityProvider().signingCertificates().contains(idp)) {
        throw new IllegalStateException("the metadata does not carry the IdP certificate");
      }
      ServiceProvider serviceProvider =
          ServiceProvider.builder()
              .registration(registration)
              .clock(Clock.fixed(Instant.parse(p.getProperty("now")), ZoneOffset.UTC))
              .build();
      for (String name : new String[] {"first", "second"}) {
        VerifiedAssertion user =
            serviceProvider.validate(p.getProperty(name + ".response"), pending(p, name));
        System.out.println(
            (name.equals("first") ? "entra-shape" : "second")
                + " "
                + user.nameId()
                + " santuario="
                + org.apache.xml.security.Init.isInitialized());
      }
    }

    private static X509Certificate certificate(CertificateFactory x509, Path file)
        throws IOException, java.security.cert.CertificateException {
      try (InputStream in = Files.newInputStream(file)) {
        return (X509Certificate) x509.generateCertificate(in);
      }
    }

    private static PendingRequest pending(Properties p, String name) {
      String relay = p.getProperty(name + ".relayState");
      return PendingRequest.of(
          "contoso",
          p.getProperty(name + ".requestId"),
          Instant.parse(p.getProperty(name + ".issuedAt")),
          Instant.parse(p.getProperty(name + ".expiresAt")),
          relay.isEmpty() ? null : relay);
    }
  }
}
