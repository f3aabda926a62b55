package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.FakeEntra;
import org.junit.jupiter.api.Test;

/** SAML Bindings §3.4.3 / §3.5.3: RelayState is at most 80 bytes, the limit included. */
class RelayStateLimitTest {
  private static final ServiceProvider SP =
      ServiceProvider.builder()
          .registration(Fixture.registration("contoso", FakeEntra.create()))
          .build();

  @Test
  void startSignInWhenRelayStateIsExactlyEightyBytesThenKeepsIt() {
    String relayState = "r".repeat(78) + "\u00e9"; // 78 + 2 UTF-8 bytes

    SignInRequest request = SP.startSignIn("contoso", relayState);

    assertThat(request.pending().relayState()).contains(relayState);
  }

  @Test
  void startSignInWhenRelayStateIsEightyOneBytesThenRefuses() {
    assertThatThrownBy(() -> SP.startSignIn("contoso", "r".repeat(79) + "\u00e9"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
