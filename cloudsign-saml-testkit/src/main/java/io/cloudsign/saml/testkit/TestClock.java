package io.cloudsign.saml.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} in UTC that stands still until the test moves it. Give the same instance to the
 * {@link FakeEntra} and to the code under test, then {@link #advance} to expire Responses instead
 * of sleeping.
 *
 * <p>Thread-safe: reads and moves are atomic.
 *
 * <pre>{@code
 * TestClock clock = TestClock.at(Instant.parse("2026-01-05T09:00:00Z"));
 * FakeEntra entra = FakeEntra.builder().clock(clock).build();
 * clock.advance(Duration.ofMinutes(61)); // Responses built earlier are now expired
 * }</pre>
 */
public final class TestClock extends Clock {
  private final AtomicReference<Instant> now;

  private TestClock(Instant start) {
    this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
  }

  /** A clock standing at {@code start}. */
  public static TestClock at(Instant start) {
    return new TestClock(start);
  }

  /** A clock standing at the current system time, truncated to milliseconds. */
  public static TestClock atNow() {
    return new TestClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  /** Moves the clock to {@code instant} (backwards too). */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  /** Moves the clock by {@code duration} (negative moves it back); returns the new instant. */
  public Instant advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    return now.updateAndGet(i -> i.plus(duration));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** A view of this clock in another zone; it moves when this clock moves. */
  @Override
  public Clock withZone(ZoneId zone) {
    Objects.requireNonNull(zone, "zone");
    if (zone.equals(ZoneOffset.UTC)) {
      return this;
    }
    TestClock self = this;
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return zone;
      }

      @Override
      public Clock withZone(ZoneId other) {
        return self.withZone(other);
      }

      @Override
      public Instant instant() {
        return self.instant();
      }
    };
  }

  @Override
  public String toString() {
    return "TestClock[" + now.get() + "]";
  }
}
