package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.FakeEntra;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Plain http only on loopback hosts, parsed rather than prefix-matched (hardening item 8): a Reply
 * URL on {@code 127.attacker.example} would send assertions over the network in clear text.
 */
class LoopbackUrlTest {
  private static final FakeEntra ENTRA = FakeEntra.create();

  private static Registration withReplyUrl(String url) {
    return Registration.builder("r")
        .entityId(Fixture.ENTITY_ID)
        .replyUrl(url)
        .identityProvider(Fixture.registration("x", ENTRA).identityProvider())
        .build();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://localhost:8080/saml2/idpresponse",
        "http://LOCALHOST/saml2/idpresponse",
        "http://127.0.0.1:8080/saml2/idpresponse",
        "http://127.255.0.9/saml2/idpresponse",
        "http://[::1]:8080/saml2/idpresponse"
      })
  void replyUrlOverHttpOnALoopbackHostIsAccepted(String url) {
    assertThatCode(() -> withReplyUrl(url)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.attacker.example/saml2/idpresponse",
        "http://127.0.0.1.attacker.example/saml2/idpresponse",
        "http://127.0.0/saml2/idpresponse",
        "http://127.0.0.256/saml2/idpresponse",
        "http://128.0.0.1/saml2/idpresponse",
        "http://localhost.attacker.example/saml2/idpresponse",
        "http://[::2]/saml2/idpresponse"
      })
  void replyUrlOverHttpOnAnyOtherHostIsRefused(String url) {
    assertThatThrownBy(() -> withReplyUrl(url))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https");
  }
}
