package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One ServiceProvider, built once, used from many threads. */
class ConcurrencyTest {
  private static final int THREADS = 8;

  private final TestClock clock = TestClock.at(Instant.parse("2026-11-28T09:00:00Z"));
  private final Fixture fx = new Fixture(FakeEntra.builder().clock(clock).build(), clock);
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  @Test
  void validateWhenDistinctResponsesArriveFromManyThreadsThenAllAreAccepted() throws Exception {
    int count = 200;
    List<Fixture.Flow> flows = new ArrayList<>();
    List<String> responses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Fixture.Flow flow = fx.start();
      flows.add(flow);
      responses.add(fx.respond(flow).build());
    }
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = i;
      results.add(
          pool.submit(
              () -> {
                start.await();
                return fx.sp.validate(responses.get(n), flows.get(n).pending()).assertionId();
              }));
    }
    start.countDown();
    List<String> ids = new ArrayList<>();
    for (Future<String> f : results) {
      ids.add(f.get(60, TimeUnit.SECONDS));
    }
    assertThat(ids).doesNotHaveDuplicates().hasSize(count);
  }

  @Test
  void validateWhenSameResponseArrivesConcurrentlyThenExactlyOneIsAccepted() throws Exception {
    for (int round = 0; round < 20; round++) {
      Fixture.Flow flow = fx.start();
      String response = fx.respond(flow).build();
      CountDownLatch start = new CountDownLatch(1);
      List<Future<ErrorCode>> results = new ArrayList<>();
      Callable<ErrorCode> attempt =
          () -> {
            start.await();
            try {
              fx.sp.validate(response, flow.pending());
              return null;
            } catch (SamlValidationException e) {
              return e.code();
            }
          };
      for (int t = 0; t < THREADS; t++) {
        results.add(pool.submit(attempt));
      }
      start.countDown();
      int accepted = 0;
      for (Future<ErrorCode> f : results) {
        ErrorCode code = f.get(60, TimeUnit.SECONDS);
        if (code == null) {
          accepted++;
        } else {
          assertThat(code).isEqualTo(ErrorCode.REPLAYED_ASSERTION);
        }
      }
      assertThat(accepted).as("round %d", round).isEqualTo(1);
    }
  }
}
