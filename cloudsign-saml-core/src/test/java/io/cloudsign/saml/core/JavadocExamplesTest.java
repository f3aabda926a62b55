package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraExtension;
import io.cloudsign.saml.testkit.FakeEntraServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The javadoc examples of core's public types, compiled and run here: each {@code <pre>{@code …}}
 * block of a main source must appear, line by line, in this file's region for its class ({@code //
 * javadoc: Name} … {@code // end javadoc}). Copy from here into the javadoc.
 */
class JavadocExamplesTest {
  @RegisterExtension static FakeEntraExtension fake = FakeEntraExtension.create();

  @TempDir Path dir;

  @Test
  void examplesCompileAndRun() throws Exception {
    Path metadataFile = dir.resolve("CloudSign.xml");
    Files.writeString(metadataFile, fake.entra().metadataXml());
    // javadoc: IdentityProvider
    IdentityProvider entra = IdentityProvider.fromMetadata(metadataFile); // "CloudSign.xml"
    // end javadoc

    // javadoc: Registration
    Registration contoso =
        Registration.builder("contoso")
            .entityId("urn:amazon:cognito:sp:ap-northeast-1_EXAMPLE") // Identifier (Entity ID)
            .replyUrl(
                "https://cloudsign-EXAMPLE.auth.ap-northeast-1.amazoncognito.com/saml2/idpresponse")
            .signOnUrl("https://www.cloudsign.jp/login") // Sign on URL
            .identityProvider(entra)
            .build();
    // end javadoc

    // javadoc: ClaimMapping
    ClaimMapping mapping = ClaimMapping.entraDefaults().with(EntraClaim.EMAIL, "mail");
    // end javadoc
    assertThat(mapping.attributeName(EntraClaim.EMAIL)).isEqualTo("mail");
    assertThat(entra.entityId()).isEqualTo(fake.entra().entityId());

    // javadoc: ServiceProvider
    ServiceProvider sp = ServiceProvider.builder().registration(contoso).build();
    SignInRequest request = sp.startSignIn("contoso", "/inbox");
    // remember request.pending() for this browser, redirect to request.redirectUrl()
    // ... later, at the Reply URL:
    // end javadoc
    PendingRequest pending = request.pending();
    String samlResponseFormValue =
        fake.entra()
            .respondTo(fake.entra().parseRedirect(request.redirectUrl().toString()))
            .build();
    // javadoc: ServiceProvider
    VerifiedAssertion user = sp.validate(samlResponseFormValue, pending);
    // end javadoc
    VerifiedAssertion verified = user;
    Users users = new Users(Map.of(verified.entraObjectKey().orElseThrow(), "u1"));
    // javadoc: VerifiedAssertion
    User u = users.findBySamlKey(verified.entraObjectKey().orElse(verified.subjectKey()));
    // end javadoc
    assertThat(u).isEqualTo(new User("u1"));
  }

  @Test
  void federationMetadataUrlExampleRuns() throws Exception {
    try (FakeEntraServer server = FakeEntraServer.start(FakeEntra.builder())) {
      String appFederationMetadataUrl = server.metadataUrl();
      Path dataDir = dir;
      // javadoc: FederationMetadataUrl
      // Entra > Enterprise applications > (app) > Single sign-on > SAML Certificates:
      // "App Federation Metadata Url", e.g. https://login.microsoftonline.com/<tenant id>/
      //   federationmetadata/2007-06/federationmetadata.xml?appid=<application id>
      FederationMetadataUrl entraMetadata =
          FederationMetadataUrl.builder(appFederationMetadataUrl)
              .cacheFile(dataDir.resolve("entra-metadata.xml")) // start even while Entra is down
              .start();
      Registration tenant =
          Registration.builder("contoso")
              .entityId("urn:amazon:cognito:sp:ap-northeast-1_EXAMPLE")
              .replyUrl(
                  "https://cloudsign-EXAMPLE.auth.ap-northeast-1.amazoncognito.com/saml2/idpresponse")
              .identityProvider(entraMetadata.identityProvider())
              .build();
      // health check: entraMetadata.status().stale(), .lastFailureReason(), .certificates()
      // end javadoc
      try (entraMetadata) {
        assertThat(tenant.identityProvider().entityId()).isEqualTo(server.entra().entityId());
        assertThat(entraMetadata.status().stale()).isFalse();
        assertThat(dataDir.resolve("entra-metadata.xml")).exists();
      }
    }
  }

  @Test
  void tenantRegistrationsExampleSignsAuthnRequestsOfEveryTenant() throws Exception {
    InMemoryRegistrationRepository repository = new InMemoryRegistrationRepository();
    repository.put(
        RegistrationRecord.withMetadataXml(
            "contoso",
            "urn:amazon:cognito:sp:ap-northeast-1_EXAMPLE",
            "https://cloudsign-EXAMPLE.auth.ap-northeast-1.amazoncognito.com/saml2/idpresponse",
            null,
            fake.entra().metadataXml()));
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    java.security.KeyPair keys = generator.generateKeyPair();
    java.security.PrivateKey spKey = keys.getPrivate();
    java.security.cert.X509Certificate spCertificate =
        TestCertificates.selfSigned(keys, "CN=cloudsign-sp");
    ReplayCache shared = new InMemoryReplayCache(1000, java.time.Clock.systemUTC());
    // javadoc: TenantRegistrations
    TenantRegistrations tenants =
        TenantRegistrations.builder(repository) // e.g. new JdbcRegistrationRepository(dataSource)
            .customize((row, registration) -> registration.requestSigningKey(spKey, spCertificate))
            .build();
    ServiceProvider sp = ServiceProvider.builder().tenants(tenants).replayCache(shared).build();
    // end javadoc
    assertThat(sp.startSignIn("contoso", null).redirectUrl().getRawQuery()).contains("Signature=");
  }

  @Test
  void everyJavadocExampleOfCoreIsInThisFile() throws IOException {
    String self = Files.readString(source("src/test/java", JavadocExamplesTest.class));
    List<String> missing = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String name = file.getFileName().toString().replace(".java", "");
        for (List<String> block : blocks(Files.readString(file))) {
          if (block.get(0).startsWith("CREATE ")) {
            continue; // SQL, checked by JdbcReplayCacheTest and PostgresReplayCacheTest
          }
          if (!normalized(region(self, name)).containsAll(block)
              || !inOrder(normalized(region(self, name)), block)) {
            missing.add(name + ": " + block);
          }
        }
      }
    }
    assertThat(missing).as("javadoc examples not compiled here").isEmpty();
  }

  private static Path source(String root, Class<?> type) {
    return Path.of(root, type.getName().replace('.', '/') + ".java");
  }

  /** The lines of every {@code <pre>{@code …}</pre>} block, without the comment margin. */
  static List<List<String>> blocks(String source) {
    List<List<String>> out = new ArrayList<>();
    Matcher m =
        Pattern.compile("<pre>\\{@code\\n(.*?)\\n\\s*\\* \\}</pre>", Pattern.DOTALL)
            .matcher(source);
    while (m.find()) {
      List<String> lines = new ArrayList<>();
      for (String line : m.group(1).split("\n")) {
        String l = line.replaceFirst("^\\s*\\*", "").strip();
        if (!l.isEmpty()) {
          lines.add(l.replaceAll("\\s+", " "));
        }
      }
      out.add(lines);
    }
    return out;
  }

  private static String region(String self, String name) {
    StringBuilder sb = new StringBuilder();
    Matcher m =
        Pattern.compile("// javadoc: " + name + "\\n(.*?)// end javadoc", Pattern.DOTALL)
            .matcher(self);
    while (m.find()) {
      sb.append(m.group(1));
    }
    return sb.toString();
  }

  private static List<String> normalized(String code) {
    List<String> lines = new ArrayList<>();
    for (String line : code.split("\n")) {
      String l = line.strip().replaceAll("\\s+", " ");
      if (!l.isEmpty()) {
        lines.add(l);
      }
    }
    return lines;
  }

  private static boolean inOrder(List<String> region, List<String> block) {
    int at = 0;
    for (String line : region) {
      if (at < block.size() && line.equals(block.get(at))) {
        at++;
      }
    }
    return at == block.size();
  }

  /** The application's user store of the VerifiedAssertion example. */
  private record User(String id) {}

  private static final class Users {
    private final Map<String, String> byKey;

    Users(Map<String, String> byKey) {
      this.byKey = byKey;
    }

    User findBySamlKey(String key) {
      return Optional.ofNullable(byKey.get(key)).map(User::new).orElse(null);
    }
  }
}
