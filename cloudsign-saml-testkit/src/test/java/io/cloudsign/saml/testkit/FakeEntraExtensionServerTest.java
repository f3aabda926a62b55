package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

class FakeEntraExtensionServerTest {
  private static final Instant START = Instant.parse("2026-02-01T08:00:00Z");

  @RegisterExtension
  static final FakeEntraExtension ENTRA =
      FakeEntraExtension.configure(b -> b.application("urn:sp", "http://localhost/acs"))
          .startingAt(START)
          .withServer();

  @Test
  void withServerServesTheSameFakeAndClockOverHttp(FakeEntraServer server, FakeEntra entra)
      throws Exception {
    assertThat(server).isSameAs(ENTRA.server());
    assertThat(entra).isSameAs(server.entra()).isSameAs(ENTRA.entra());
    assertThat(entra.clock()).isSameAs(ENTRA.clock());
    assertThat(entra.ssoUrl()).startsWith(server.baseUrl());
    HttpResponse<String> metadata =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(server.metadataUrl())).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(metadata.statusCode()).isEqualTo(200);
    assertThat(metadata.body()).contains(entra.entityId());
  }

  @Test
  void afterAllClosesTheServer() throws Exception {
    FakeEntraExtension own = FakeEntraExtension.create().withServer();
    String url = own.server().metadataUrl();
    own.afterAll((ExtensionContext) null);
    HttpClient http = HttpClient.newHttpClient();
    assertThatThrownBy(
            () ->
                http.send(
                    HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void withoutWithServerThereIsNoServer() {
    assertThatThrownBy(() -> FakeEntraExtension.create().server())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("withServer()");
  }
}
