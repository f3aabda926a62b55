package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The HTTP-Redirect query writes a base64 message percent-encoded byte for byte as {@link
 * URLEncoder} does (a Redirect signature covers these exact octets, so they must not drift), and
 * refuses anything that is not base64 rather than writing it unencoded into a URL.
 */
class RedirectEncodingTest {

  @Property(tries = 1000)
  void appendBase64UrlEncodedWhenAnyMessageThenSameAsUrlEncoder(
      @ForAll @Size(max = 600) byte[] message) {
    String base64 = Base64.getEncoder().encodeToString(message);
    StringBuilder sb = new StringBuilder();
    AuthnRequests.appendBase64UrlEncoded(sb, base64);
    assertThat(sb.toString()).isEqualTo(URLEncoder.encode(base64, StandardCharsets.UTF_8));
  }

  @Test
  void appendBase64UrlEncodedWhenNotBase64ThenRefused() {
    for (String bad : new String[] {"a&b", "a b", "a%2F", "é", "a\nb", "-_"}) {
      assertThatThrownBy(() -> AuthnRequests.appendBase64UrlEncoded(new StringBuilder(), bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not base64");
    }
  }
}
