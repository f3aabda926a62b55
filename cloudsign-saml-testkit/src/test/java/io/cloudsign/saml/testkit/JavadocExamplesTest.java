package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The javadoc examples of the testkit's public types, compiled and run here: each {@code
 * <pre>{@code …}} block of a main source must appear, line by line, in this file's region for its
 * class ({@code // javadoc: Name} … {@code // end javadoc}). Copy from here into the javadoc (after
 * a build, so that the formatter has laid the lines out). The SP under test is stood in for by
 * {@link #redirectUrlOfTheSp()} and {@link #configureSp}: the testkit cannot depend on
 * cloudsign-saml-core.
 */
class JavadocExamplesTest {
  private static final Instant START = Instant.parse("2026-01-05T09:00:00Z");

  /** Where an SP under test would send the browser: an HTTP-Redirect AuthnRequest. */
  private static String redirectUrlOfTheSp() {
    return "https://login.microsoftonline.com/tenant/saml2?SAMLRequest="
        + AuthnRequestParsingTest.encodedForRedirect(AuthnRequestParsingTest.request("", ""));
  }

  private final List<String> configuredMetadataUrls = new ArrayList<>();

  private void configureSp(String metadataUrl) {
    configuredMetadataUrls.add(metadataUrl);
  }

  @Test
  void fakeEntraAndResponseBuilderExamplesRun() {
    TestClock clock = TestClock.at(START);
    String redirectUrl = redirectUrlOfTheSp();
    // javadoc: FakeEntra
    FakeEntra entra = FakeEntra.builder().clock(clock).signingCertificateCount(2).build();
    String metadataXml = entra.metadataXml(); // configure the SP under test with it
    AuthnRequestInfo req = entra.parseRedirect(redirectUrl); // where the SP sends the browser
    String samlResponse = entra.respondTo(req).build(); // the SAMLResponse form value
    // end javadoc
    assertThat(metadataXml).contains("EntityDescriptor");
    assertThat(Dsig.decode(samlResponse)).contains("InResponseTo=\"" + req.id() + "\"");
  }

  @Test
  void responseBuilderExampleRuns() {
    FakeEntra entra = FakeEntra.builder().clock(TestClock.at(START)).build();
    String redirectUrl = redirectUrlOfTheSp();
    // javadoc: ResponseBuilder
    AuthnRequestInfo req = entra.parseRedirect(redirectUrl);
    String samlResponse = entra.respondTo(req).user(TestUser.bSimon()).build();
    String forged = entra.respondTo(req).with(Attack.signedWithUnknownKey()).build();
    // end javadoc
    assertThat(Dsig.decode(samlResponse)).contains(TestUser.bSimon().nameId());
    assertThat(forged).isNotEqualTo(samlResponse);
  }

  @Test
  void attackExamplesRun() throws Exception {
    FakeEntra entra = FakeEntra.builder().clock(TestClock.at(START)).build();
    AuthnRequestInfo req = entra.parseRedirect(redirectUrlOfTheSp());
    X509Certificate trusted = entra.signingCertificate();
    // javadoc: Attack
    String forged = entra.respondTo(req).with(Attack.wrongAudience()).build();
    String wrapped =
        entra
            .respondTo(req)
            .signResponse()
            .with(Attack.xsw(Attack.Xsw.XSW1, "admin@contoso.com"))
            .build();
    String twoChanges =
        entra.respondTo(req).with(Attack.expired(), Attack.withoutKeyInfo()).build();
    // end javadoc
    assertThat(Dsig.decode(forged)).contains(Attack.WRONG_AUDIENCE);
    assertThat(Dsig.decode(wrapped)).contains("_evil_response_ID");
    var doc = Dsig.parse(Dsig.decode(twoChanges));
    assertThat(Dsig.first(doc, Dsig.DSIG_NS, "KeyInfo")).isNull();
    assertThat(Dsig.verifies(Dsig.assertion(doc), trusted)).isTrue();
  }

  @Test
  void logoutResponseBuilderExampleRuns() throws Exception {
    FakeEntra entra =
        FakeEntra.builder()
            .clock(TestClock.at(START))
            .application("urn:my-sp", "https://sp.example.com/saml2/idpresponse")
            .logoutUrl("urn:my-sp", "https://sp.example.com/saml2/logout")
            .build();
    String logoutRedirectUrl =
        entra.sloUrl() + "?" + Slo.query(Slo.logoutRequest("_lr", "urn:my-sp", null, ""), "/");
    // javadoc: LogoutResponseBuilder
    LogoutRequestInfo logout = entra.parseLogoutRedirect(logoutRedirectUrl);
    String genuine = entra.logoutResponseTo(logout).redirectUrl(); // send the browser here
    String forged = entra.logoutResponseTo(logout).signedByAnotherKey().redirectUrl();
    // end javadoc
    assertThat(genuine).startsWith("https://sp.example.com/saml2/logout?SAMLResponse=");
    assertThat(Slo.logoutResponseXml(genuine)).contains("InResponseTo=\"_lr\"");
    assertThat(forged).contains("&Signature=");
  }

  @Test
  void idpLogoutRequestBuilderExampleRuns() throws Exception {
    FakeEntra entra =
        FakeEntra.builder()
            .clock(TestClock.at(START))
            .application("urn:my-sp", "https://sp.example.com/saml2/idpresponse")
            .logoutUrl("urn:my-sp", "https://sp.example.com/saml2/logout")
            .build();
    // javadoc: IdpLogoutRequestBuilder
    IdpLogoutRequestBuilder logout = entra.logoutRequest("urn:my-sp", "bsimon@contoso.com");
    String url = logout.signed().redirectUrl(); // send the browser (or an HTTP client) here
    // end javadoc
    // The SP under test answers with a LogoutResponse to Entra's Logout URL:
    String inResponseTo =
        Dsig.parse(Slo.inflated(url, "SAMLRequest")).getDocumentElement().getAttribute("ID");
    String locationTheSpRedirectedTo =
        entra.sloUrl()
            + "?"
            + Slo.query(
                "SAMLResponse", Slo.logoutResponse("_r", inResponseTo, "urn:my-sp", null), null);
    // javadoc: IdpLogoutRequestBuilder
    LogoutResponseInfo answer = entra.parseLogoutResponseRedirect(locationTheSpRedirectedTo);
    boolean answered = logout.id().equals(answer.inResponseTo());
    // end javadoc
    assertThat(url).startsWith("https://sp.example.com/saml2/logout?SAMLRequest=");
    assertThat(answered).isTrue();
  }

  @Test
  void fakeEntraServerExampleRuns() {
    // javadoc: FakeEntraServer
    try (FakeEntraServer idp =
        FakeEntraServer.start(
            FakeEntra.builder().application("urn:my-sp", "http://localhost:8080/saml2/idpresponse"),
            0)) {
      configureSp(idp.metadataUrl());
      idp.answerNextWith(Attack.expired()); // the next sign-in gets an expired Response
      // ... sign in through the SP under test and see it refuse the Response
      // end javadoc
      assertThat(configuredMetadataUrls).containsExactly(idp.metadataUrl());
      // javadoc: FakeEntraServer
    }
    // end javadoc
  }

  @Test
  void metadataAndTestUserExamplesRun() {
    FakeEntra entra = FakeEntra.create();
    // javadoc: FederationMetadata
    byte[] asDownloaded = entra.metadata().withBom().bytes();
    String broken = entra.metadata().reformatted().xml(); // signature no longer verifies
    // end javadoc
    assertThat(asDownloaded[0]).isEqualTo((byte) 0xEF);
    assertThat(broken).contains("\n");

    // javadoc: TestUser
    TestUser alice =
        TestUser.builder()
            .nameId("alice@contoso.com")
            .displayName("Alice Example")
            .groups("6d1e4b5e-0f0c-4e57-9d39-2d4c7a2f8d11")
            .roles("Admin")
            .build();
    // end javadoc
    assertThat(alice.roles()).containsExactly("Admin");
  }

  @Test
  void testClockExampleRuns() {
    // javadoc: TestClock
    TestClock clock = TestClock.at(Instant.parse("2026-01-05T09:00:00Z"));
    FakeEntra entra = FakeEntra.builder().clock(clock).build();
    clock.advance(Duration.ofMinutes(61)); // Responses built earlier are now expired
    // end javadoc
    assertThat(entra.clock().instant()).isEqualTo(START.plus(Duration.ofMinutes(61)));
  }

  // javadoc: FakeEntraExtension
  @Nested
  class SignInTest {
    @RegisterExtension
    static final FakeEntraExtension ENTRA =
        FakeEntraExtension.configure(b -> b.signingCertificateCount(2));

    @Test
    void acceptsGenuineResponse(FakeEntra entra, TestClock clock) {
      // sign in through the SP under test with entra's Responses, move the clock
      // end javadoc
      assertThat(entra.signingCertificates()).hasSize(2);
      assertThat(entra.clock()).isSameAs(clock);
      // javadoc: FakeEntraExtension
    }
  }

  // end javadoc

  @Test
  void logoutAttack() {
    try (FakeEntraServer idp =
        FakeEntraServer.start(
            FakeEntra.builder()
                .application("urn:my-sp", "https://sp.example.com/saml2/idpresponse")
                .logoutUrl("urn:my-sp", "https://sp.example.com/saml2/logout"))) {
      // javadoc: LogoutAttack
      idp.nextIdpLogoutWith(LogoutAttack.SIGNED_BY_ANOTHER_KEY);
      String url = idp.signOutUrl("bsimon@contoso.com"); // the SP under test must refuse it
      // end javadoc
      assertThat(url).startsWith(idp.baseUrl()).contains("oauth2/logout?user=");
    }
  }

  // ---------------------------------------------------------------- the check

  @Test
  void everyJavadocExampleOfTheTestkitIsInThisFile() throws IOException {
    String self = Files.readString(Path.of("src/test/java/io/cloudsign/saml/testkit/" + name()));
    List<String> missing = new ArrayList<>();
    int blocks = 0;
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String type = file.getFileName().toString().replace(".java", "");
        for (List<String> block : blocks(Files.readString(file))) {
          blocks++;
          List<String> region = normalized(region(self, type));
          if (!inOrder(region, block)) {
            missing.add(type + ": " + block);
          }
        }
      }
    }
    assertThat(blocks).as("javadoc examples found").isGreaterThanOrEqualTo(8);
    assertThat(missing).as("javadoc examples not compiled here").isEmpty();
  }

  private static String name() {
    return JavadocExamplesTest.class.getSimpleName() + ".java";
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

  /** Whether every line of {@code block} is a line of {@code region}, in the same order. */
  private static boolean inOrder(List<String> region, List<String> block) {
    int at = 0;
    for (String line : region) {
      if (at < block.size() && line.equals(block.get(at))) {
        at++;
      }
    }
    return at == block.size();
  }
}
