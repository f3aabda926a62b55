package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FakeEntraExtensionTest {
  private static final Instant START = Instant.parse("2026-02-01T08:00:00Z");

  @RegisterExtension
  static final FakeEntraExtension ENTRA =
      FakeEntraExtension.configure(b -> b.signingCertificateCount(2)).startingAt(START);

  private static FakeEntra first;

  @Test
  @Order(1)
  void resolvesTheSharedFakeAndItsClockAsParameters(FakeEntra entra, TestClock clock) {
    first = entra;
    assertThat(entra).isSameAs(ENTRA.entra());
    assertThat(clock).isSameAs(ENTRA.clock());
    assertThat(entra.clock()).isSameAs(clock);
    assertThat(entra.signingCertificates()).hasSize(2);
    assertThat(clock.instant()).isEqualTo(START);
    clock.advance(Duration.ofHours(3));
  }

  @Test
  @Order(2)
  void clockIsResetBeforeEachTestAndTheFakeIsShared(FakeEntra entra, TestClock clock) {
    assertThat(entra).isSameAs(first);
    assertThat(clock.instant()).isEqualTo(START);
  }
}
