package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InMemoryRegistrationRepositoryTest {
  private static RegistrationRecord row(String id, String replyUrl) {
    return new RegistrationRecord(
        id, "urn:sp:" + id, replyUrl, null, null, "https://login.example/" + id, 0);
  }

  @Test
  void putWhenRowChangesThenVersionGrowsAndLookupsSeeIt() {
    InMemoryRegistrationRepository repo = new InMemoryRegistrationRepository();
    assertThat(repo.put(row("a", "https://a.example/saml2/idpresponse")).version()).isEqualTo(1);
    assertThat(repo.put(row("a", "https://A.example/saml2/other")).version()).isEqualTo(2);
    repo.put(row("b", "https://b.example/saml2/idpresponse"));

    assertThat(repo.findById("a").orElseThrow().replyUrl()).endsWith("/saml2/other");
    assertThat(repo.findByReplyUrlPath("/saml2/idpresponse", 10))
        .extracting("id")
        .containsExactly("b");
    assertThat(repo.findByReplyUrlHost("a.EXAMPLE", 10)).extracting("id").containsExactly("a");
  }

  @Test
  void listWhenPagedThenReturnsEveryRowOnceInIdOrder() {
    InMemoryRegistrationRepository repo = new InMemoryRegistrationRepository();
    for (String id : new String[] {"c", "a", "b"}) {
      repo.put(row(id, "https://" + id + ".example/saml2/idpresponse"));
    }
    assertThat(repo.list(null, 2)).extracting("id").containsExactly("a", "b");
    assertThat(repo.list("b", 2)).extracting("id").containsExactly("c");
    assertThatThrownBy(() -> repo.list(null, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void removeWhenRowRemovedThenLookupIsEmpty() {
    InMemoryRegistrationRepository repo = new InMemoryRegistrationRepository();
    repo.put(row("a", "https://a.example/saml2/idpresponse"));
    assertThat(repo.remove("a")).isTrue();
    assertThat(repo.findById("a")).isEmpty();
  }

  @Test
  void recordWhenBothOrNoMetadataSourcesThenRejected() {
    assertThatThrownBy(
            () -> new RegistrationRecord("a", "urn:x", "https://a/x", null, null, null, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exactly one of metadataXml and metadataUrl");
  }
}
