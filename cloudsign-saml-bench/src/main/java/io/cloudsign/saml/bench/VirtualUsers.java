package io.cloudsign.saml.bench;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * {@code n} virtual users of {@link SignInLoad}: {@code n} threads, each with its own {@link
 * HttpClient} (own connections), that run one step for every browser of a batch, each browser taken
 * by whichever user is free next. {@link #run} returns the phase's wall time, from the moment all
 * users are released to the moment the last one finishes; {@code nanos}, when given, receives each
 * browser's step time (index = browser).
 */
final class VirtualUsers implements AutoCloseable {
  static final String THREAD_PREFIX = "sign-in-vu-";

  private final int n;
  private final ExecutorService threads;
  private final HttpClient[] clients;

  VirtualUsers(int n) {
    this.n = n;
    AtomicInteger id = new AtomicInteger();
    this.threads =
        Executors.newFixedThreadPool(
            n,
            r -> {
              Thread t = new Thread(r, THREAD_PREFIX + id.getAndIncrement());
              t.setDaemon(true);
              return t;
            });
    this.clients = new HttpClient[n];
    for (int i = 0; i < n; i++) {
      clients[i] = LoadBrowser.client();
    }
  }

  int size() {
    return n;
  }

  /** Runs {@code step} once per browser on all users; the wall time in nanoseconds. */
  long run(List<LoadBrowser> browsers, BiConsumer<LoadBrowser, HttpClient> step, long[] nanos)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    CountDownLatch ready = new CountDownLatch(n);
    List<Future<long[]>> done = new ArrayList<>(n);
    for (int u = 0; u < n; u++) {
      HttpClient http = clients[u];
      done.add(
          threads.submit(
              () -> {
                ready.countDown();
                ready.await(); // all users start together
                long first = System.nanoTime();
                for (int i; (i = next.getAndIncrement()) < browsers.size(); ) {
                  long t0 = System.nanoTime();
                  step.accept(browsers.get(i), http);
                  if (nanos != null) {
                    nanos[i] = System.nanoTime() - t0;
                  }
                }
                return new long[] {first, System.nanoTime()};
              }));
    }
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    RuntimeException failure = null;
    for (Future<long[]> f : done) {
      try {
        long[] span = f.get();
        start = Math.min(start, span[0]);
        end = Math.max(end, span[1]);
      } catch (ExecutionException e) {
        next.set(browsers.size()); // the other users stop at their next browser
        if (failure == null) {
          failure = new IllegalStateException("a sign-in failed", e.getCause());
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return end - start;
  }

  @Override
  public void close() {
    threads.shutdownNow();
    for (HttpClient c : clients) {
      if (c instanceof AutoCloseable closeable) {
        try {
          closeable.close(); // JDK 21+; on 17 the client's threads end when it is unreachable
        } catch (Exception e) {
          // closing
        }
      }
    }
  }
}
