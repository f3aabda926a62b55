package io.cloudsign.saml.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReturnPathsTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "/",
        "/inbox",
        "/inbox?folder=1&sort=date",
        "/a/b/c.html",
        "/%E6%97%A5%E6%9C%AC",
        "/search?q=https://example.com",
        "/a%20b"
      })
  void sanitizeWhenSameOriginPathThenKept(String path) {
    assertThat(ReturnPaths.sanitize(path)).isEqualTo(path);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "https://evil.example/",
        "HTTPS://evil.example/",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "/%2F%2Fevil.example",
        "/%2f%2fevil.example",
        "/%5Cevil.example",
        "/%5cevil.example",
        "/%252F%252Fevil.example",
        "/%25252F%25252Fevil.example",
        "/\t/evil.example",
        "/%09/evil.example",
        "/\r\nSet-Cookie: x=y",
        "/%0d%0aSet-Cookie:%20x=y",
        "/\u0000",
        "/\u2028x",
        "/\u200b/evil",
        "javascript:alert(1)",
        "evil.example",
        "/ /evil.example",
        "/inbox#frag",
        "/%",
        "http:/evil.example"
      })
  void sanitizeWhenNotASafeSameOriginPathThenRoot(String path) {
    assertThat(ReturnPaths.sanitize(path)).isEqualTo("/");
  }

  @org.junit.jupiter.api.Test
  void sanitizeWhenNullOrTooLongThenRoot() {
    assertThat(ReturnPaths.sanitize(null)).isEqualTo("/");
    assertThat(ReturnPaths.sanitize("/" + "a".repeat(ReturnPaths.MAX_LENGTH))).isEqualTo("/");
  }
}
