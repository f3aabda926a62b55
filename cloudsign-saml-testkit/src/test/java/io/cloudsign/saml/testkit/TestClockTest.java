package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TestClockTest {
  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  @Test
  void standsStillUntilMoved() {
    TestClock clock = TestClock.at(T0);
    assertThat(clock.instant()).isEqualTo(T0);
    assertThat(clock.advance(Duration.ofMinutes(61))).isEqualTo(T0.plusSeconds(61 * 60));
    assertThat(clock.instant()).isEqualTo(T0.plusSeconds(61 * 60));
    clock.set(T0);
    assertThat(clock.millis()).isEqualTo(T0.toEpochMilli());
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
  }

  @Test
  void zonedViewFollowsTheClock() {
    TestClock clock = TestClock.at(T0);
    var tokyo = clock.withZone(ZoneId.of("Asia/Tokyo"));
    clock.advance(Duration.ofHours(1));
    assertThat(tokyo.instant()).isEqualTo(T0.plusSeconds(3600));
    assertThat(tokyo.getZone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
  }

  @Test
  void fakeEntraTimesResponsesByTheTestClock() {
    TestClock clock = TestClock.at(T0);
    FakeEntra entra = FakeEntra.builder().clock(clock).build();
    clock.advance(Duration.ofMinutes(5));
    String xml =
        entra
            .response()
            .withoutInResponseTo()
            .destination("https://sp/acs")
            .audience("a:b")
            .buildXml();
    assertThat(xml).contains("IssueInstant=\"2026-01-05T09:05:00.000Z\"");
  }
}
