package io.cloudsign.saml.interop;

import io.cloudsign.saml.interop.SimpleSamlPhp.RemoteSp;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Keycloak IdP for tests: the distribution zip that the build unpacks into {@code target/}
 * ({@code -Dkeycloak.home}), started with {@code bin/kc.sh start-dev} on free loopback ports (HTTP
 * and management) and a JDK 21+ ({@code -Dkeycloak.java.home}, else the running JDK when it is 21+,
 * else the newest under {@code /usr/lib/jvm}). Each start has its own Keycloak home in a temporary
 * directory ({@code bin} and {@code conf} copied, {@code lib}, {@code providers} and {@code themes}
 * linked), so a fresh {@code data} directory (dev H2 database) holding one realm JSON in {@code
 * data/import}, read by {@code --import-realm}. The realm has one user with a password and one SAML
 * client per {@link RemoteSp}: client ID = the SP's entity ID, NameID = the user's email (format
 * emailAddress, forced), front-channel logout, what Keycloak signs per {@link
 * SimpleSamlPhp.Signing} ({@code saml.server.signature} = "Sign documents", i.e. the Response and
 * logout messages; {@code saml.assertion.signature} = "Sign assertions") and, with a request
 * signer, {@code saml.client.signature} with the SP's certificate. The first start of an unpacked
 * distribution also runs Quarkus' re-augmentation (about 40 s on two busy cores).
 */
final class Keycloak implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(240);

  private final Path dir;
  private final Process process;
  private final String baseUrl;
  private final String realm;

  private Keycloak(Path dir, Process process, String baseUrl, String realm) {
    this.dir = dir;
    this.process = process;
    this.baseUrl = baseUrl;
    this.realm = realm;
  }

  /**
   * Writes the realm and starts Keycloak; returns once the realm's SAML descriptor is served. The
   * user {@code username}/{@code password} has the email {@code email} and a first and last name
   * (so that Keycloak asks for no profile update at the first sign-in).
   */
  static Keycloak start(
      String realm, String username, String password, String email, List<RemoteSp> sps)
      throws Exception {
    Path dist = Path.of(System.getProperty("keycloak.home", "target/keycloak"));
    if (!Files.isRegularFile(dist.resolve("bin/kc.sh"))) {
      throw new IllegalStateException(
          "Keycloak not found at " + dist + " (the build unpacks it: mvn verify in this module)");
    }
    Path javaHome = javaHome();
    Path dir = Files.createTempDirectory("cloudsign-keycloak");
    Path home = Files.createDirectories(dir.resolve("home"));
    for (String copied : List.of("bin", "conf")) {
      copyTree(dist.resolve(copied), home.resolve(copied));
    }
    for (String linked : List.of("lib", "providers", "themes")) {
      Files.createSymbolicLink(home.resolve(linked), dist.resolve(linked).toAbsolutePath());
    }
    Path kcsh = home.resolve("bin/kc.sh");
    kcsh.toFile().setExecutable(true);
    Path imports = Files.createDirectories(home.resolve("data/import"));
    Files.writeString(
        imports.resolve(realm + "-realm.json"), realmJson(realm, username, password, email, sps));
    int port = SimpleSamlPhp.freePort();
    ProcessBuilder server =
        new ProcessBuilder(
                kcsh.toString(),
                "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + port,
                "--http-management-port=" + SimpleSamlPhp.freePort(),
                "--import-realm")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("keycloak.log").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .directory(home.toFile());
    server.environment().put("JAVA_HOME", javaHome.toString());
    server.environment().remove("JAVA_OPTS");
    Keycloak idp = new Keycloak(dir, server.start(), "http://127.0.0.1:" + port, realm);
    Runtime.getRuntime().addShutdownHook(new Thread(idp::stopQuietly));
    idp.awaitDescriptor();
    return idp;
  }

  /** The realm's URL, which is also Keycloak's entity ID as an IdP. */
  String entityId() {
    return baseUrl + "/realms/" + realm;
  }

  /** The realm's SAML endpoint: SingleSignOnService and SingleLogoutService, all bindings. */
  String samlEndpoint() {
    return entityId() + "/protocol/saml";
  }

  /** The realm's SAML 2.0 IdP metadata. */
  String metadataUrl() {
    return samlEndpoint() + "/descriptor";
  }

  /** The end of Keycloak's log, for failure messages. */
  String logs() {
    try {
      String s = Files.readString(dir.resolve("keycloak.log"), StandardCharsets.UTF_8);
      return "== keycloak.log ==\n" + (s.length() > 8000 ? s.substring(s.length() - 8000) : s);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** How many characters Keycloak has logged so far: a mark for {@link #logSince}. */
  int logMark() {
    return logSince(0).length();
  }

  /** What Keycloak logged after {@code mark} ({@link #logMark}). */
  String logSince(int mark) {
    try {
      return Files.readString(dir.resolve("keycloak.log"), StandardCharsets.UTF_8).substring(mark);
    } catch (IOException e) {
      return e.toString();
    }
  }

  static String realmJson(
      String realm, String username, String password, String email, List<RemoteSp> sps) {
    return "{\"realm\": "
        + json(realm)
        + ", \"enabled\": true, \"sslRequired\": \"none\",\n"
        + " \"users\": [{\"username\": "
        + json(username)
        + ", \"email\": "
        + json(email)
        + ", \"emailVerified\": true, \"enabled\": true,"
        + " \"firstName\": \"Alice\", \"lastName\": \"Example\","
        + " \"credentials\": [{\"type\": \"password\", \"value\": "
        + json(password)
        + ", \"temporary\": false}]}],\n"
        + " \"clients\": [\n"
        + sps.stream().map(Keycloak::clientJson).collect(Collectors.joining(",\n"))
        + "]}\n";
  }

  private static String clientJson(RemoteSp sp) {
    List<String> attributes = new ArrayList<>();
    attributes.add(
        attribute("saml_assertion_consumer_url_post", sp.baseUrl() + "/saml2/idpresponse"));
    attributes.add(
        attribute("saml_single_logout_service_url_redirect", sp.baseUrl() + "/saml2/logout"));
    attributes.add(attribute("saml_name_id_format", "email"));
    attributes.add(attribute("saml_force_name_id_format", "true"));
    attributes.add(attribute("saml.authnstatement", "true"));
    // the Response always by HTTP-POST (else Keycloak answers in the AuthnRequest's binding,
    // Redirect); the LogoutResponse still by Redirect, as no POST logout URL is set
    attributes.add(attribute("saml.force.post.binding", "true"));
    attributes.add(attribute("saml.signature.algorithm", "RSA_SHA256"));
    attributes.add(attribute("saml.server.signature", String.valueOf(sp.signing().response)));
    attributes.add(attribute("saml.assertion.signature", String.valueOf(sp.signing().assertion)));
    attributes.add(attribute("saml.encrypt", "false"));
    attributes.add(attribute("saml.client.signature", String.valueOf(sp.requestSigner() != null)));
    if (sp.requestSigner() != null) {
      try {
        attributes.add(
            attribute(
                "saml.signing.certificate",
                Base64.getEncoder().encodeToString(sp.requestSigner().getEncoded())));
      } catch (CertificateEncodingException e) {
        throw new IllegalArgumentException(e);
      }
    }
    return "  {\"clientId\": "
        + json(sp.entityId())
        + ", \"protocol\": \"saml\", \"enabled\": true, \"frontchannelLogout\": true,"
        + " \"redirectUris\": ["
        + json(sp.baseUrl() + "/*")
        + "], \"attributes\": {"
        + String.join(", ", attributes)
        + "}}";
  }

  private static String attribute(String name, String value) {
    return json(name) + ": " + json(value);
  }

  /** A JSON string literal. */
  private static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** A JDK 21+ for Keycloak 26 (the tests themselves run on 17). */
  private static Path javaHome() throws IOException {
    String configured = System.getProperty("keycloak.java.home");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    if (Runtime.version().feature() >= 21) {
      return Path.of(System.getProperty("java.home"));
    }
    Optional<Path> found = Optional.empty();
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> homes = Files.list(jvms)) {
        found =
            homes
                .filter(h -> javaFeature(h) >= 21 && Files.isExecutable(h.resolve("bin/java")))
                .max(Comparator.comparingInt(Keycloak::javaFeature));
      }
    }
    return found.orElseThrow(
        () ->
            new IllegalStateException(
                "Keycloak needs a JDK 21+: none under /usr/lib/jvm; set -Dkeycloak.java.home"));
  }

  /** The feature version in {@code home/release} (JAVA_VERSION="25.0.1"), or 0. */
  private static int javaFeature(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=\"")) {
          String v = line.substring("JAVA_VERSION=\"".length());
          return Integer.parseInt(v.split("[.\"]")[0]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private void awaitDescriptor() throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant started = Instant.now();
    Instant deadline = started.plus(START_TIMEOUT);
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("kc.sh exited with " + process.exitValue() + ": " + logs());
      }
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(URI.create(metadataUrl()))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("IDPSSODescriptor")) {
          System.out.println(
              "Keycloak served its descriptor after "
                  + Duration.between(started, Instant.now()).toMillis()
                  + " ms");
          return;
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    close();
    throw new IllegalStateException(
        "Keycloak did not serve " + metadataUrl() + " within " + START_TIMEOUT + ": " + last);
  }

  private void stopQuietly() {
    try {
      close();
    } catch (Exception e) {
      // shutting down
    }
  }

  /** Stops kc.sh and its java processes (TERM, then KILL after 20 s), then deletes the home. */
  @Override
  public void close() throws Exception {
    List<ProcessHandle> tree = new ArrayList<>();
    process.descendants().forEach(tree::add);
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle p : tree) {
      try {
        p.onExit().get(20, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        p.destroyForcibly();
      }
    }
    process.waitFor(10, TimeUnit.SECONDS);
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        files
            .sorted(Comparator.reverseOrder())
            .forEach(
                f -> {
                  try {
                    Files.deleteIfExists(f);
                  } catch (IOException e) {
                    // best effort
                  }
                });
      }
    }
  }
}
