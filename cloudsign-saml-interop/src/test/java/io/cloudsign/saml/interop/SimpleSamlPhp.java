package io.cloudsign.saml.interop;

import java.io.File;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A real SimpleSAMLphp 1.19 IdP for tests: the Debian package's code ({@code
 * /usr/share/simplesamlphp}, or {@code -Dsimplesamlphp.home}) with a private configuration written
 * into a temporary directory and selected by {@code SIMPLESAMLPHP_CONFIG_DIR} (read by {@code
 * SimpleSAML\Utils\Config::getConfigDir}), served by {@code php -S} on a free loopback port. The
 * IdP has a fresh RSA 2048 key and self-signed certificate, one {@code exampleauth:UserPass} user
 * and one {@code saml20-sp-remote} entry per {@link RemoteSp}. php is {@code -Dphp.bin} (default
 * {@code php} on the PATH). When php, its DOM extension (Debian's {@code php-xml}, which the
 * simplesamlphp package does not pull) or SimpleSAMLphp is missing the test fails (CI installs
 * them), it is not skipped. Not thread-safe; one instance serves a test class.
 */
final class SimpleSamlPhp implements AutoCloseable {
  static final String POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
  static final String REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
  static final String EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

  private static final String INSTALL =
      " (install the Debian packages simplesamlphp and php-xml: apt-get install simplesamlphp"
          + " php-xml, as .ci/run does)";

  /** What SimpleSAMLphp signs in its Response to one SP. */
  enum Signing {
    RESPONSE(true, false),
    ASSERTION(false, true),
    BOTH(true, true);

    final boolean response;
    final boolean assertion;

    Signing(boolean response, boolean assertion) {
      this.response = response;
      this.assertion = assertion;
    }
  }

  /**
   * One service provider known to the IdP: its entity ID, its base URL (Reply URL {@code
   * /saml2/idpresponse}, HTTP-POST; logout URL {@code /saml2/logout}, HTTP-Redirect), what the IdP
   * signs, and, when not null, the certificate its AuthnRequests and LogoutRequests must be signed
   * with ({@code validate.authnrequest}, {@code validate.logout}); the IdP then also signs its
   * LogoutResponse ({@code sign.logout}; SimpleSAMLphp 1.19 does not by default). With {@code
   * postLogout} the logout URL's binding is HTTP-POST: the IdP posts its LogoutRequests and
   * LogoutResponses there, enveloped-signed ({@code sign.logout}).
   */
  record RemoteSp(
      String entityId,
      String baseUrl,
      Signing signing,
      X509Certificate requestSigner,
      boolean postLogout) {
    RemoteSp(String entityId, String baseUrl, Signing signing, X509Certificate requestSigner) {
      this(entityId, baseUrl, signing, requestSigner, false);
    }
  }

  private final Path dir;
  private final Process process;
  private final String baseUrl;

  private SimpleSamlPhp(Path dir, Process process, String baseUrl) {
    this.dir = dir;
    this.process = process;
    this.baseUrl = baseUrl;
  }

  /**
   * Writes the configuration and starts the IdP; returns once its metadata is served. The user
   * {@code username}/{@code password} has the attributes {@code attributes}; its {@code email}
   * attribute is the NameID (format emailAddress).
   */
  static SimpleSamlPhp start(
      String username, String password, Map<String, String> attributes, List<RemoteSp> sps)
      throws Exception {
    Path home = Path.of(System.getProperty("simplesamlphp.home", "/usr/share/simplesamlphp"));
    String php = findPhp(System.getProperty("php.bin", "php"));
    if (!Files.isRegularFile(home.resolve("www/_include.php"))) {
      throw new IllegalStateException("SimpleSAMLphp not found at " + home + INSTALL);
    }
    Path dir = Files.createTempDirectory("cloudsign-simplesamlphp");
    int port = freePort();
    String base = "http://127.0.0.1:" + port + "/";
    writeConfig(dir, base, username, password, attributes, sps);
    ProcessBuilder server =
        new ProcessBuilder(php, "-S", "127.0.0.1:" + port, "-t", home.resolve("www").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("php-server.log").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .directory(dir.toFile());
    server.environment().put("SIMPLESAMLPHP_CONFIG_DIR", dir.resolve("config").toString());
    SimpleSamlPhp idp = new SimpleSamlPhp(dir, server.start(), base);
    Runtime.getRuntime().addShutdownHook(new Thread(idp::stopQuietly));
    idp.awaitMetadata();
    return idp;
  }

  /** The IdP's entity ID, which is also its metadata URL. */
  String entityId() {
    return metadataUrl();
  }

  /** {@code saml2/idp/metadata.php}: the IdP's SAML 2.0 metadata. */
  String metadataUrl() {
    return baseUrl + "saml2/idp/metadata.php";
  }

  /** SimpleSAMLphp's own log (level debug) and the php server's, for failure messages. */
  String logs() {
    StringBuilder sb = new StringBuilder();
    for (String name : List.of("simplesamlphp.log", "php-server.log")) {
      try {
        Path f = dir.resolve(name);
        if (Files.exists(f)) {
          String s = Files.readString(f, StandardCharsets.UTF_8);
          sb.append("== ")
              .append(name)
              .append(" ==\n")
              .append(s.length() > 8000 ? s.substring(s.length() - 8000) : s);
        }
      } catch (IOException e) {
        sb.append(e);
      }
    }
    return sb.toString();
  }

  /** {@code php} if it runs and has the DOM extension; else fails saying what to install. */
  static String findPhp(String php) throws InterruptedException {
    try {
      Process check =
          new ProcessBuilder(php, "-r", "exit(class_exists('DOMDocument') ? 0 : 3);")
              .redirectErrorStream(true)
              .start();
      check.getInputStream().readAllBytes();
      if (!check.waitFor(30, TimeUnit.SECONDS)) {
        check.destroyForcibly();
        throw new IllegalStateException(php + " -r did not answer within 30 s");
      }
      if (check.exitValue() == 3) {
        throw new IllegalStateException("php has no DOM extension" + INSTALL);
      }
      if (check.exitValue() != 0) {
        throw new IllegalStateException(php + " -r exited with " + check.exitValue() + INSTALL);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          php + " not found (-Dphp.bin, default php on the PATH)" + INSTALL, e);
    }
    return php;
  }

  private static void writeConfig(
      Path dir,
      String base,
      String username,
      String password,
      Map<String, String> attributes,
      List<RemoteSp> sps)
      throws Exception {
    Path config = Files.createDirectories(dir.resolve("config"));
    Path metadata = Files.createDirectories(dir.resolve("metadata"));
    Path cert = Files.createDirectories(dir.resolve("cert"));
    Files.createDirectories(dir.resolve("sessions"));
    Files.createDirectories(dir.resolve("tmp"));
    KeyPair idpKeys = rsaKeys();
    Files.writeString(
        cert.resolve("idp.key"), pem("PRIVATE KEY", idpKeys.getPrivate().getEncoded()));
    Files.writeString(
        cert.resolve("idp.crt"),
        pem("CERTIFICATE", selfSigned(idpKeys, "CN=simplesamlphp-idp").getEncoded()));
    Files.writeString(config.resolve("config.php"), configPhp(dir, base, metadata, cert, sps));
    StringBuilder attrs = new StringBuilder();
    attributes.forEach((k, v) -> attrs.append(php(k)).append(" => [").append(php(v)).append("], "));
    Files.writeString(
        config.resolve("authsources.php"),
        String.join(
            "\n",
            "<?php",
            "$config = [",
            "  'test-users' => ['exampleauth:UserPass',",
            "    " + php(username + ":" + password) + " => [" + attrs + "],",
            "  ],",
            "];",
            ""));
    Files.writeString(
        metadata.resolve("saml20-idp-hosted.php"),
        String.join(
            "\n",
            "<?php",
            "$metadata[" + php(base + "saml2/idp/metadata.php") + "] = [",
            "  'host' => '__DEFAULT__',",
            "  'privatekey' => 'idp.key',",
            "  'certificate' => 'idp.crt',",
            "  'auth' => 'test-users',",
            "];",
            ""));
    Files.writeString(
        metadata.resolve("saml20-sp-remote.php"),
        "<?php\n" + sps.stream().map(SimpleSamlPhp::spRemote).collect(Collectors.joining()));
  }

  /**
   * config.php: every path inside {@code dir}, a random secret salt, the IdP on, PHP sessions, the
   * SPs' hosts trusted as {@code ReturnTo} targets (an IdP-initiated logout returns there).
   */
  private static String configPhp(
      Path dir, String base, Path metadata, Path cert, List<RemoteSp> sps) {
    String trusted =
        sps.stream()
            .map(sp -> php(URI.create(sp.baseUrl()).getRawAuthority()))
            .collect(Collectors.joining(", "));
    SecureRandom random = new SecureRandom();
    byte[] salt = new byte[24];
    random.nextBytes(salt);
    byte[] admin = new byte[16];
    random.nextBytes(admin);
    return String.join(
        "\n",
        "<?php",
        "$config = [",
        "  'baseurlpath' => " + php(base) + ",",
        "  'trusted.url.domains' => [" + trusted + "],",
        "  'certdir' => " + php(cert + "/") + ",",
        "  'loggingdir' => " + php(dir + "/") + ",",
        "  'datadir' => " + php(dir + "/") + ",",
        "  'tempdir' => " + php(dir.resolve("tmp").toString()) + ",",
        "  'metadatadir' => " + php(metadata + "/") + ",",
        "  'metadata.sources' => [['type' => 'flatfile', 'directory' => "
            + php(metadata.toString())
            + "]],",
        "  'secretsalt' => " + php(HexFormat.of().formatHex(salt)) + ",",
        "  'auth.adminpassword' => " + php(HexFormat.of().formatHex(admin)) + ",",
        "  'technicalcontact_email' => 'na@example.org',",
        "  'timezone' => 'UTC',",
        "  'enable.saml20-idp' => true,",
        "  'store.type' => 'phpsession',",
        "  'session.phpsession.savepath' => " + php(dir.resolve("sessions").toString()) + ",",
        "  'session.cookie.secure' => false,",
        "  'logging.handler' => 'file',",
        "  'logging.logfile' => 'simplesamlphp.log',",
        "  'logging.level' => 7,",
        "  'module.enable' => ['exampleauth' => true, 'core' => true, 'saml' => true],",
        "  'language.default' => 'en',",
        "];",
        "");
  }

  private static String spRemote(RemoteSp sp) {
    StringBuilder s = new StringBuilder();
    s.append("$metadata[").append(php(sp.entityId())).append("] = [\n");
    s.append("  'AssertionConsumerService' => [['Binding' => ")
        .append(php(POST))
        .append(", 'Location' => ")
        .append(php(sp.baseUrl() + "/saml2/idpresponse"))
        .append("]],\n");
    s.append("  'SingleLogoutService' => [['Binding' => ")
        .append(php(sp.postLogout() ? POST : REDIRECT))
        .append(", 'Location' => ")
        .append(php(sp.baseUrl() + "/saml2/logout"))
        .append("]],\n");
    s.append("  'NameIDFormat' => ").append(php(EMAIL)).append(",\n");
    s.append("  'simplesaml.nameidattribute' => 'email',\n");
    s.append("  'saml20.sign.response' => ").append(sp.signing().response).append(",\n");
    s.append("  'saml20.sign.assertion' => ").append(sp.signing().assertion).append(",\n");
    if (sp.postLogout()) {
      s.append("  'sign.logout' => true,\n"); // its LogoutRequests: the app requires signed ones
    }
    if (sp.requestSigner() != null) {
      s.append("  'validate.authnrequest' => true,\n");
      s.append("  'validate.logout' => true,\n");
      s.append("  'sign.logout' => true,\n");
      try {
        s.append("  'certData' => ")
            .append(php(Base64.getEncoder().encodeToString(sp.requestSigner().getEncoded())))
            .append(",\n");
      } catch (CertificateEncodingException e) {
        throw new IllegalArgumentException(e);
      }
    }
    s.append("];\n");
    return s.toString();
  }

  /** A PHP single-quoted string literal. */
  private static String php(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  static KeyPair rsaKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  static X509Certificate selfSigned(KeyPair keys, String dn) throws Exception {
    Instant now = Instant.now();
    X500Name name = new X500Name(dn);
    return new JcaX509CertificateConverter()
        .getCertificate(
            new JcaX509v3CertificateBuilder(
                    name,
                    BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(30))),
                    name,
                    keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void awaitMetadata() throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("php -S exited: " + logs());
      }
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(URI.create(metadataUrl()))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("IDPSSODescriptor")) {
          return;
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "SimpleSAMLphp did not serve its metadata within 30 s: " + last + "\n" + logs());
  }

  private void stopQuietly() {
    try {
      close();
    } catch (Exception e) {
      // shutting down
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
