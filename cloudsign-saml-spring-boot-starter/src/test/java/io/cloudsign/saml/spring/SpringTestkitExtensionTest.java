package io.cloudsign.saml.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.FakeEntraExtension;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.SignInClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The testkit's JUnit extension with Spring's test context: the extension serves the fake Entra,
 * {@code @DynamicPropertySource} points the Boot application at its App Federation Metadata Url,
 * and a real HTTP client signs in through the application's real filter chain. The README's "Test
 * it with the fake Entra" (Spring Boot) is the region below.
 */
// README: spring test
@SpringBootTest(
    classes = TestApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class SpringTestkitExtensionTest {
  // The Reply URL is configuration (Entra's and ours), so the port is fixed before Boot starts.
  static final int PORT = freePort();
  static final String IDENTIFIER = "urn:amazon:cognito:sp:ap-northeast-1_TEST";
  static final String REPLY_URL = "http://localhost:" + PORT + "/saml2/idpresponse";

  @RegisterExtension
  static final FakeEntraExtension ENTRA =
      FakeEntraExtension.configure(b -> b.application(IDENTIFIER, REPLY_URL)).withServer();

  @DynamicPropertySource
  static void cloudsignSaml(DynamicPropertyRegistry registry) {
    String r = "cloudsign.saml.registrations.cloudsign.";
    registry.add("server.port", () -> PORT);
    registry.add(r + "identifier", () -> IDENTIFIER);
    registry.add(r + "reply-url", () -> REPLY_URL);
    registry.add(r + "metadata", () -> ENTRA.server().metadataUrl()); // App Federation Metadata Url
  }

  @Test
  void signInThroughTheFakeEntra() {
    HttpResponse<String> me =
        SignInClient.create().signIn(URI.create("http://localhost:" + PORT + "/me"));
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.body()).startsWith("user=bsimon ");
  }

  // README: end spring test

  @Autowired CloudsignSamlMetadata metadata;

  @Test
  void signInAfterEntraActivatesANewCertificateNeedsNoRestart(FakeEntraServer server) {
    int before = server.metadataRequestCount();
    server.activateSigningCertificate(server.addSigningCertificate());

    HttpResponse<String> me =
        SignInClient.create().signIn(URI.create("http://localhost:" + PORT + "/me"));

    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    assertThat(server.metadataRequestCount()).isEqualTo(before + 1);
    assertThat(metadata.status().get("cloudsign").certificates()).hasSize(2);
    assertThat(metadata.stale()).isFalse();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
