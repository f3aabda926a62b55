package io.cloudsign.saml.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the time of {@link SignInLoad}'s measured phases goes, two ways, both only inside the
 * measured phases ({@link #begin}/{@link #end}; the fake Entra's phase is left out):
 *
 * <ul>
 *   <li>CPU time by thread (JVM thread CPU time, so kernel time of the loopback sockets counts):
 *       Jetty's threads, the virtual users, the HTTP client's selector threads, and what the
 *       process used besides its Java threads (GC, JIT);
 *   <li>JFR execution samples (every 5 ms of each thread running Java code), each put in the first
 *       category of {@link #CATEGORIES} that one of its frames matches, and the top methods by self
 *       time. Samples of a stack deeper than JFR records (64 frames) whose top frame is XML or
 *       crypto work count as validation; their share is printed.
 * </ul>
 */
final class SignInProfile implements AutoCloseable {
  private static final Duration PERIOD = Duration.ofMillis(5);

  /** Sample categories, first match wins (a frame is {@code class.method}). */
  static final Map<String, Predicate<String>> CATEGORIES = new LinkedHashMap<>();

  static {
    CATEGORIES.put(
        "validation (ServiceProvider.validate)",
        f -> f.startsWith("io.cloudsign.saml.core.ServiceProvider.validate"));
    CATEGORIES.put(
        "AuthnRequest (ServiceProvider.startSignIn)",
        f -> f.startsWith("io.cloudsign.saml.core.ServiceProvider.startSignIn"));
    CATEGORIES.put(
        "state cookie (StateCookie, HMAC)",
        f ->
            f.startsWith("io.cloudsign.saml.servlet.StateCookie")
                || f.startsWith("io.cloudsign.saml.servlet.internal.StateCookieCodec"));
    // Not every frame of a session class: Jetty 12 runs the rest of the request (writing the
    // response included) under its session handler's frames, so only session work counts.
    CATEGORIES.put(
        "session (Jetty sessions, id rotation)",
        f ->
            f.startsWith("io.cloudsign.saml.servlet.Sessions.")
                || ((f.startsWith("org.eclipse.jetty.session.")
                        || f.startsWith("org.eclipse.jetty.ee10.servlet.SessionHandler"))
                    && f.substring(f.lastIndexOf('.') + 1).matches(".*(Session|Id).*")));
    CATEGORIES.put(
        "form decoding of the POST body (Jetty)",
        f -> f.startsWith("org.eclipse.jetty.util.UrlEncoded") || f.contains(".FormFields."));
    CATEGORIES.put(
        "example app (user linking, /me page)", f -> f.startsWith("io.cloudsign.saml.example."));
    CATEGORIES.put(
        "filter, other (SamlSsoFilter, Reply URL endpoint)",
        f -> f.startsWith("io.cloudsign.saml.servlet."));
    CATEGORIES.put(
        "client: cookie jar (java.net.CookieManager)",
        f ->
            f.startsWith("java.net.CookieManager")
                || f.startsWith("java.net.HttpCookie")
                || f.startsWith("java.net.InMemoryCookieStore"));
    CATEGORIES.put(
        "client: HTTP (java.net.http)",
        f -> f.startsWith("jdk.internal.net.http.") || f.startsWith("java.net.http."));
    CATEGORIES.put("client: driver (LoadBrowser)", f -> f.startsWith("io.cloudsign.saml.bench."));
    CATEGORIES.put("Jetty (HTTP parsing, I/O, dispatch)", f -> f.startsWith("org.eclipse.jetty."));
  }

  private static final List<String> XML_OR_CRYPTO =
      List.of(
          "org.apache.xml.security.",
          "org.opensaml.",
          "net.shibboleth.",
          "org.apache.xerces.",
          "com.sun.org.apache.xerces.",
          "com.sun.org.apache.xml.",
          "sun.security.",
          "java.math.",
          "javax.xml.",
          "org.bouncycastle.");

  private final Recording recording = new Recording();
  private final List<Instant[]> windows = new ArrayList<>();
  private final Map<String, Long> cpuByGroup = new LinkedHashMap<>();
  private Map<Long, long[]> threadCpuAtBegin;
  private Map<Long, String> names = new HashMap<>();
  private long processCpuAtBegin;
  private long processCpu;
  private Instant begun;
  private long signIns;

  SignInProfile() {
    recording.enable("jdk.ExecutionSample").withPeriod(PERIOD);
    recording.start();
  }

  /** A measured phase starts. */
  void begin() {
    begun = Instant.now();
    threadCpuAtBegin = threadCpu();
    processCpuAtBegin = processCpu();
  }

  /** The measured phase ends. */
  void end() {
    long process = processCpu();
    Map<Long, long[]> now = threadCpu();
    windows.add(new Instant[] {begun, Instant.now()});
    processCpu += process - processCpuAtBegin;
    long java = 0;
    for (Map.Entry<Long, long[]> e : now.entrySet()) {
      long[] before = threadCpuAtBegin.get(e.getKey());
      long delta = e.getValue()[0] - (before == null ? 0 : before[0]);
      java += delta;
      cpuByGroup.merge(group(names.get(e.getKey())), delta, Long::sum);
    }
    cpuByGroup.merge(
        "JVM besides Java threads (GC, JIT compiler)",
        process - processCpuAtBegin - java,
        Long::sum);
  }

  /** How many sign-ins the measured phases made (for CPU per sign-in). */
  void signIns(long n) {
    signIns = n;
  }

  private static String group(String threadName) {
    if (threadName == null) {
      return "other Java threads";
    }
    if (threadName.startsWith("qtp")) {
      return "Jetty threads (HTTP, filter, validation, session, pages)";
    }
    if (threadName.startsWith(VirtualUsers.THREAD_PREFIX)) {
      return "virtual users (HTTP client requests, cookie jar)";
    }
    if (threadName.startsWith("HttpClient-")) {
      return "HTTP client selector threads";
    }
    return "other Java threads";
  }

  private Map<Long, long[]> threadCpu() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] ids = threads.getAllThreadIds();
    long[] cpu = threads.getThreadCpuTime(ids);
    Map<Long, long[]> out = new HashMap<>();
    List<Long> unnamed = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      if (cpu[i] >= 0) {
        out.put(ids[i], new long[] {cpu[i]});
        if (!names.containsKey(ids[i])) {
          unnamed.add(ids[i]);
        }
      }
    }
    if (!unnamed.isEmpty()) {
      ThreadInfo[] infos =
          threads.getThreadInfo(unnamed.stream().mapToLong(Long::longValue).toArray(), 0);
      for (ThreadInfo t : infos) {
        if (t != null) {
          names.put(t.getThreadId(), t.getThreadName());
        }
      }
    }
    return out;
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Stops the recording and returns the two tables (Markdown). */
  String tables(String title) throws Exception {
    recording.stop();
    Path file = Files.createTempFile("sign-in-load", ".jfr");
    try {
      recording.dump(file);
      return cpuTable(title) + "\n" + sampleTables(title, RecordingFile.readAllEvents(file));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private String cpuTable(String title) {
    StringBuilder sb =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "CPU time in the measured phases, %s (%,d sign-ins; process CPU %,.0f µs per"
                    + " sign-in):%n%n| threads | CPU µs per sign-in | share |%n|---|--:|--:|%n",
                title,
                signIns,
                processCpu / 1e3 / Math.max(1, signIns)));
    cpuByGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                sb.append(
                    String.format(
                        Locale.ROOT,
                        "| %s | %,.0f | %.0f %% |%n",
                        e.getKey(),
                        e.getValue() / 1e3 / Math.max(1, signIns),
                        100.0 * e.getValue() / Math.max(1, processCpu))));
    return sb.toString();
  }

  private String sampleTables(String title, List<RecordedEvent> events) {
    Map<String, Integer> byCategory = new LinkedHashMap<>();
    CATEGORIES.keySet().forEach(k -> byCategory.put(k, 0));
    byCategory.put("other (JDK, JVM)", 0);
    Map<String, Integer> bySelf = new HashMap<>();
    Map<String, String> selfCategory = new HashMap<>();
    int total = 0;
    int truncatedCounted = 0;
    for (RecordedEvent e : events) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample") || !inWindow(e)) {
        continue;
      }
      List<RecordedFrame> frames =
          e.getStackTrace() == null ? List.of() : e.getStackTrace().getFrames();
      if (frames.isEmpty()) {
        continue;
      }
      total++;
      String top = name(frames.get(0));
      String category = category(frames);
      if (category == null && e.getStackTrace().isTruncated() && isXmlOrCrypto(top)) {
        category = "validation (ServiceProvider.validate)";
        truncatedCounted++;
      }
      if (category == null) {
        category = "other (JDK, JVM)";
      }
      byCategory.merge(category, 1, Integer::sum);
      bySelf.merge(top, 1, Integer::sum);
      selfCategory.putIfAbsent(top, category);
    }
    int n = Math.max(1, total);
    StringBuilder sb =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "JFR execution samples in the measured phases, %s (%,d samples; %.1f %% counted as"
                    + " validation by their top frame, their stack being deeper than JFR"
                    + " keeps):%n%n| where | share of samples |%n|---|--:|%n",
                title,
                total,
                100.0 * truncatedCounted / n));
    byCategory.entrySet().stream()
        .filter(c -> c.getValue() > 0)
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .forEach(
            c ->
                sb.append(
                    String.format(
                        Locale.ROOT, "| %s | %.1f %% |%n", c.getKey(), 100.0 * c.getValue() / n)));
    sb.append("\n| top methods by self time | share | category |\n|---|--:|---|\n");
    bySelf.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(15)
        .forEach(
            m ->
                sb.append(
                    String.format(
                        Locale.ROOT,
                        "| `%s` | %.1f %% | %s |%n",
                        m.getKey(),
                        100.0 * m.getValue() / n,
                        selfCategory.get(m.getKey()))));
    return sb.toString();
  }

  /** The first category (in order) that any frame of the stack matches, or null. */
  static String category(List<RecordedFrame> frames) {
    List<String> names = frames.stream().map(SignInProfile::name).toList();
    for (Map.Entry<String, Predicate<String>> c : CATEGORIES.entrySet()) {
      if (names.stream().anyMatch(c.getValue())) {
        return c.getKey();
      }
    }
    return null;
  }

  private static boolean isXmlOrCrypto(String frame) {
    return XML_OR_CRYPTO.stream().anyMatch(frame::startsWith);
  }

  private boolean inWindow(RecordedEvent e) {
    Instant t = e.getStartTime();
    for (Instant[] w : windows) {
      if (!t.isBefore(w[0]) && !t.isAfter(w[1])) {
        return true;
      }
    }
    return false;
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  @Override
  public void close() {
    recording.close();
  }
}
