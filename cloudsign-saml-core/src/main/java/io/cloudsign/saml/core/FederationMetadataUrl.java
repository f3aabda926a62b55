package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.LogSafe;
import io.cloudsign.saml.core.internal.Urls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entra's <i>App Federation Metadata Url</i> ({@code
 * https://login.microsoftonline.com/<tenant>/federationmetadata/2007-06/federationmetadata.xml?appid=<app
 * id>}, or the tenant-wide form without {@code appid}), loaded at start and kept fresh, so a
 * certificate rollover in Entra needs no restart.
 *
 * <ul>
 *   <li>{@link Builder#start()} loads it and fails when that first load fails, unless a {@link
 *       Builder#cacheFile(Path) cache file} holds a good copy from an earlier run;
 *   <li>it is fetched again every {@link Builder#refreshInterval(Duration) refresh interval}
 *       (default 1 hour, minus a random jitter of at most a tenth), sooner when the metadata's own
 *       {@code cacheDuration} or {@code validUntil} says so;
 *   <li>and at once when a Response is signed by a certificate not trusted yet (Entra activated a
 *       new one), at most once per {@link Builder#onDemandInterval(Duration) on-demand interval}
 *       (default 5 minutes), so an activation is picked up at the first sign-in that needs it;
 *   <li>any failed refresh (HTTP error, timeout, too large, not metadata, another entity ID, no
 *       signing certificate, a signature that the pinned certificate does not verify, a {@code
 *       validUntil} in the past) keeps the last good copy and logs a WARN.
 * </ul>
 *
 * <p>Fetched with the JDK's {@code java.net.http} client: https only (plain http to loopback for
 * tests), redirects followed only to https (at most 5), gzip accepted, at most {@link
 * Builder#maxBytes(int)} bytes, connect and read timeouts. The document is parsed like a downloaded
 * file (no DOCTYPE, no entities, bounded). Each change of the certificate set is logged with
 * SHA-256 thumbprints and validity; a trusted certificate that expires within 60, 30 or 7 days
 * (Entra's notice points) logs a WARN once a day. {@link #status()} tells a health check the state.
 *
 * <pre>{@code
 * // Entra > Enterprise applications > (app) > Single sign-on > SAML Certificates:
 * // "App Federation Metadata Url", e.g. https://login.microsoftonline.com/<tenant id>/
 * //   federationmetadata/2007-06/federationmetadata.xml?appid=<application id>
 * FederationMetadataUrl entraMetadata =
 *     FederationMetadataUrl.builder(appFederationMetadataUrl)
 *         .cacheFile(dataDir.resolve("entra-metadata.xml")) // start even while Entra is down
 *         .start();
 * Registration tenant =
 *     Registration.builder("contoso")
 *         .entityId("urn:amazon:cognito:sp:ap-northeast-1_EXAMPLE")
 *         .replyUrl(
 *             "https://cloudsign-EXAMPLE.auth.ap-northeast-1.amazoncognito.com/saml2/idpresponse")
 *         .identityProvider(entraMetadata.identityProvider())
 *         .build();
 * // health check: entraMetadata.status().stale(), .lastFailureReason(), .certificates()
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the refreshes (the last copy stays trusted).
 */
public final class FederationMetadataUrl implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FederationMetadataUrl.class);
  private static final int MAX_REDIRECTS = 5;
  private static final int[] EXPIRY_NOTICE_DAYS = {7, 30, 60};

  /** One refresh thread for every source of the process (a few fetches an hour each). */
  private static final class SharedScheduler {
    static final ScheduledExecutorService INSTANCE =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cloudsign-saml-metadata-refresh");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * One HTTP client per connect timeout for every source of the process: a JDK client keeps a
   * selector thread (and its own pool) for as long as it lives, so a node holding 1,000 tenants'
   * metadata URLs ({@link TenantRegistrations}) must not hold 1,000 clients.
   */
  private static final class SharedClients {
    private static final Map<Duration, HttpClient> CLIENTS = new ConcurrentHashMap<>();

    static HttpClient forConnectTimeout(Duration connectTimeout) {
      return CLIENTS.computeIfAbsent(
          connectTimeout,
          t ->
              HttpClient.newBuilder()
                  .connectTimeout(t)
                  .followRedirects(HttpClient.Redirect.NEVER)
                  .build());
    }
  }

  private final URI url;
  private final String logName;
  private final X509Certificate pinned;
  private final Duration refreshInterval;
  private final Duration onDemandInterval;
  private final Duration readTimeout;
  private final int maxBytes;
  private final Path cacheFile;
  private final Clock clock;
  private final HttpClient http;
  private final ScheduledExecutorService scheduler;
  private final Object refreshLock = new Object();
  private final Map<String, Instant> expiryWarned = new ConcurrentHashMap<>();

  private volatile Loaded current;
  private volatile Instant lastFailure;
  private volatile String lastFailureReason;
  private volatile Instant nextRefresh;
  private volatile Instant lastOnDemand;
  private volatile boolean closed;
  private ScheduledFuture<?> scheduled;
  private final IdentityProvider identityProvider;

  /** A good copy: its IdP, trusted set, and when and where it came from. */
  private record Loaded(
      IdentityProvider idp,
      TrustedKeys keys,
      MetadataParser.Parsed doc,
      Instant at,
      String from,
      byte[] bytes) {}

  private FederationMetadataUrl(Builder b) throws SamlMetadataException {
    this.url = b.url;
    this.logName = LogSafe.text(b.url.toString());
    this.pinned = b.pinned;
    this.refreshInterval = b.refreshInterval;
    this.onDemandInterval = b.onDemandInterval;
    this.readTimeout = b.readTimeout;
    this.maxBytes = b.maxBytes;
    this.cacheFile = b.cacheFile;
    this.clock = b.clock;
    this.http = SharedClients.forConnectTimeout(b.connectTimeout);
    this.scheduler = b.scheduler != null ? b.scheduler : SharedScheduler.INSTANCE;
    Loaded first;
    try {
      first = load(fetch(), b.expectedEntityId, "the metadata URL");
      writeCache(first);
    } catch (IOException | SamlMetadataException e) {
      first = fromCache(b.expectedEntityId, e);
    }
    this.current = first;
    this.identityProvider = new IdentityProvider(first.idp(), keySource());
    log.info(
        "federation metadata {} loaded from {}: entity {}, {}",
        logName,
        first.from(),
        LogSafe.text(first.idp().entityId()),
        describe(first.keys().certificates()));
    warnOfExpiry(first.keys().certificates());
    schedule(nextDelay(first.doc()));
  }

  /** Starts configuring a source for {@code metadataUrl} (https; http only to loopback). */
  public static Builder builder(String metadataUrl) {
    return new Builder(metadataUrl);
  }

  /**
   * The IdP of this metadata: entity ID and URLs of the first good copy, the signing certificates
   * of the latest (checked at every validation). Pass it to {@link
   * Registration.Builder#identityProvider(IdentityProvider)}.
   */
  public IdentityProvider identityProvider() {
    return identityProvider;
  }

  /** What a health check shows: last success and failure, next refresh, trusted certificates. */
  public Status status() {
    Loaded l = current;
    List<CertificateInfo> certs = new ArrayList<>();
    for (X509Certificate c : l.keys().certificates()) {
      certs.add(CertificateInfo.of(c));
    }
    return new Status(
        url.toString(),
        l.at(),
        l.from(),
        Optional.ofNullable(lastFailure),
        Optional.ofNullable(lastFailureReason),
        Optional.ofNullable(nextRefresh),
        List.copyOf(certs));
  }

  /**
   * Fetches the metadata now, on the calling thread; a failure keeps the last good copy.
   *
   * @return true if a good copy was loaded
   */
  public boolean refreshNow() {
    synchronized (refreshLock) {
      return refresh("on request");
    }
  }

  /** Stops the refreshes; the last good copy stays trusted. */
  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      if (scheduled != null) {
        scheduled.cancel(false);
      }
    }
  }

  @Override
  public String toString() {
    return "FederationMetadataUrl{" + logName + ", " + current.keys().certificates().size() + "}";
  }

  // ------------------------------------------------------------------ refresh

  private KeySource keySource() {
    return new KeySource() {
      @Override
      public TrustedKeys current() {
        return FederationMetadataUrl.this.current.keys();
      }

      @Override
      public TrustedKeys refreshAfterUnknownKey(TrustedKeys seen) {
        return onDemand(seen);
      }
    };
  }

  /** A signature no trusted key verifies: refresh once (rate-limited) and hand out the result. */
  private TrustedKeys onDemand(TrustedKeys seen) {
    synchronized (refreshLock) {
      TrustedKeys now = current.keys();
      if (now != seen) {
        return now; // another thread refreshed meanwhile
      }
      Instant t = clock.instant();
      Instant last = lastOnDemand;
      if (closed || (last != null && t.isBefore(last.plus(onDemandInterval)))) {
        return seen;
      }
      lastOnDemand = t;
      refresh("on demand (a Response signed by a certificate not in the metadata)");
      return current.keys();
    }
  }

  private void scheduledRefresh() {
    if (closed) {
      return;
    }
    Duration delay = refreshInterval;
    try {
      synchronized (refreshLock) {
        refresh("scheduled");
      }
      delay = nextDelay(current.doc());
    } catch (RuntimeException e) {
      log.warn("federation metadata {}: refresh failed unexpectedly: {}", logName, e.toString());
    } finally {
      schedule(delay);
    }
  }

  private boolean refresh(String why) {
    Instant t = clock.instant();
    try {
      Loaded fresh = load(fetch(), current.idp().entityId(), "the metadata URL");
      Loaded old = current;
      logChanges(old.keys().certificates(), fresh.keys().certificates(), why);
      if (sameCertificates(old.keys(), fresh.keys())) {
        // Same certificates: keep the set (and its built verifiers), take the new timestamps.
        fresh =
            new Loaded(old.idp(), old.keys(), fresh.doc(), fresh.at(), fresh.from(), fresh.bytes());
        log.debug("federation metadata {}: refreshed ({}), no change", logName, why);
      }
      current = fresh;
      writeCache(fresh);
      warnOfExpiry(fresh.keys().certificates());
      return true;
    } catch (IOException | SamlMetadataException e) {
      lastFailure = t;
      lastFailureReason = reason(e);
      log.warn(
          "federation metadata {}: refresh ({}) failed, keeping the copy of {}: {}",
          logName,
          why,
          current.at(),
          lastFailureReason);
      return false;
    }
  }

  private synchronized void schedule(Duration delay) {
    if (closed) {
      return;
    }
    nextRefresh = clock.instant().plus(delay);
    scheduled = scheduler.schedule(this::scheduledRefresh, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The interval, cut to the document's cacheDuration / validUntil, minus up to 10% jitter. */
  private Duration nextDelay(MetadataParser.Parsed doc) {
    Duration d = refreshInterval;
    if (doc.cacheDuration() != null && doc.cacheDuration().compareTo(d) < 0) {
      d = doc.cacheDuration();
    }
    if (doc.validUntil() != null) {
      Duration left = Duration.between(clock.instant(), doc.validUntil());
      if (left.compareTo(d) < 0) {
        d = left;
      }
    }
    Duration floor = Duration.ofSeconds(1);
    if (d.compareTo(floor) < 0) {
      d = floor;
    }
    long jitter = ThreadLocalRandom.current().nextLong(d.toMillis() / 10 + 1);
    return d.minusMillis(jitter);
  }

  // ------------------------------------------------------------------ loading

  private Loaded load(byte[] bytes, String expectedEntityId, String from)
      throws SamlMetadataException {
    MetadataParser.Parsed doc = MetadataParser.parseDocument(bytes, pinned);
    String entityId = doc.idp().entityId();
    if (expectedEntityId != null && !expectedEntityId.equals(entityId)) {
      throw new SamlMetadataException(
          "the metadata is for the entity "
              + LogSafe.text(entityId)
              + ", not "
              + LogSafe.text(expectedEntityId)
              + " (is the tenant or appid in the App Federation Metadata Url right?)");
    }
    if (doc.validUntil() != null && !doc.validUntil().isAfter(clock.instant())) {
      throw new SamlMetadataException(
          "the metadata expired at its validUntil " + doc.validUntil() + ": a stale copy");
    }
    return new Loaded(
        doc.idp(), doc.idp().keySource().current(), doc, clock.instant(), from, bytes);
  }

  private Loaded fromCache(String expectedEntityId, Exception cause) throws SamlMetadataException {
    String why = reason(cause);
    if (cacheFile == null || !Files.isRegularFile(cacheFile)) {
      throw new SamlMetadataException(
          "could not load the federation metadata from "
              + logName
              + ": "
              + why
              + (cacheFile == null ? "" : " (and no cached copy at " + cacheFile + ")"),
          cause);
    }
    try {
      Loaded l =
          load(Files.readAllBytes(cacheFile), expectedEntityId, "the cache file " + cacheFile);
      lastFailure = clock.instant();
      lastFailureReason = why;
      log.warn(
          "federation metadata {} could not be loaded ({}); starting on the cached copy {}",
          logName,
          why,
          cacheFile);
      return l;
    } catch (IOException | SamlMetadataException e) {
      throw new SamlMetadataException(
          "could not load the federation metadata from "
              + logName
              + " ("
              + why
              + ") nor from the cache file "
              + cacheFile
              + " ("
              + reason(e)
              + ")",
          cause);
    }
  }

  private void writeCache(Loaded l) {
    if (cacheFile == null || !l.from().equals("the metadata URL")) {
      return;
    }
    // The bytes are written as parsed; the file is replaced atomically, never half-written.
    try {
      Path tmp = Files.createTempFile(cacheFile.toAbsolutePath().getParent(), ".metadata", ".tmp");
      try {
        Files.write(tmp, l.bytes());
        Files.move(
            tmp, cacheFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      log.warn("federation metadata {}: cannot write the cache file {}: {}", logName, cacheFile, e);
    }
  }

  /**
   * Why a load failed, on one line. Our messages already quote what came from the network ({@link
   * LogSafe}); the JDK's name hosts and ports.
   */
  private static String reason(Exception e) {
    return String.valueOf(e.getMessage()).replaceAll("\\p{Cntrl}", "?");
  }

  /** GET with bounded size and time; redirects only to https (or loopback http from loopback). */
  private byte[] fetch() throws IOException, SamlMetadataException {
    URI target = url;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpRequest request =
          HttpRequest.newBuilder(target)
              .timeout(readTimeout)
              .header("Accept", "application/samlmetadata+xml, application/xml, text/xml")
              .header("Accept-Encoding", "gzip")
              .GET()
              .build();
      CompletableFuture<HttpResponse<byte[]>> pending =
          http.sendAsync(request, info -> new BoundedBody(maxBytes));
      HttpResponse<byte[]> r;
      try {
        r = pending.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        pending.cancel(true);
        throw new IOException("no complete answer within " + readTimeout);
      } catch (InterruptedException e) {
        pending.cancel(true);
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      } catch (ExecutionException e) {
        Throwable c =
            e.getCause() instanceof IOException io && io.getCause() != null
                ? io.getCause()
                : e.getCause();
        if (c instanceof TooLarge) {
          throw new SamlMetadataException(c.getMessage());
        }
        throw new IOException(c.getClass().getSimpleName() + ": " + c.getMessage(), c);
      }
      int status = r.statusCode();
      if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
        String location =
            r.headers()
                .firstValue("Location")
                .orElseThrow(() -> new IOException("HTTP " + status + " without a Location"));
        URI next = target.resolve(location);
        try {
          Urls.requireHttpsOrLoopback("the metadata URL's redirect", next);
        } catch (IllegalArgumentException e) {
          throw new IOException(e.getMessage());
        }
        if ("https".equals(target.getScheme()) && !"https".equals(next.getScheme())) {
          throw new IOException("redirected from https to " + LogSafe.text(next.toString()));
        }
        target = next;
        continue;
      }
      if (status != 200) {
        throw new IOException(
            "HTTP "
                + status
                + (target.equals(url) ? "" : " from " + LogSafe.text(target.toString())));
      }
      byte[] body = r.body();
      if (r.headers()
          .firstValue("Content-Encoding")
          .map(v -> v.trim().equalsIgnoreCase("gzip"))
          .orElse(false)) {
        body = gunzip(body);
      }
      return body;
    }
    throw new IOException("more than " + MAX_REDIRECTS + " redirects");
  }

  private byte[] gunzip(byte[] gz) throws IOException, SamlMetadataException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      byte[] out = in.readNBytes(maxBytes + 1);
      if (out.length > maxBytes) {
        throw new SamlMetadataException(
            "the metadata is larger than " + maxBytes + " bytes unzipped (maxBytes)");
      }
      return out;
    }
  }

  /** The body, refused as soon as it grows past the limit. */
  private static final class TooLarge extends IOException {
    TooLarge(int max) {
      super("the metadata is larger than " + max + " bytes (maxBytes)");
    }
  }

  private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int max;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedBody(int max) {
      this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        if (buf.size() + b.remaining() > max) {
          subscription.cancel();
          result.completeExceptionally(new TooLarge(max));
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        buf.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(buf.toByteArray());
    }
  }

  // ------------------------------------------------------------------ what is logged

  private static boolean sameCertificates(TrustedKeys a, TrustedKeys b) {
    return a.certificates().equals(b.certificates());
  }

  private void logChanges(List<X509Certificate> before, List<X509Certificate> after, String why) {
    for (X509Certificate c : after) {
      if (!before.contains(c)) {
        log.info(
            "federation metadata {}: certificate added ({}): {}",
            logName,
            why,
            CertificateInfo.of(c));
      }
    }
    for (X509Certificate c : before) {
      if (!after.contains(c)) {
        log.info(
            "federation metadata {}: certificate removed ({}): {}",
            logName,
            why,
            CertificateInfo.of(c));
      }
    }
  }

  /** A WARN per certificate and day once it expires within 60, 30 or 7 days (or has expired). */
  private void warnOfExpiry(List<X509Certificate> certs) {
    Instant now = clock.instant();
    for (X509Certificate c : certs) {
      Duration left = Duration.between(now, c.getNotAfter().toInstant());
      int notice = -1;
      for (int days : EXPIRY_NOTICE_DAYS) {
        if (left.compareTo(Duration.ofDays(days)) <= 0) {
          notice = days;
          break;
        }
      }
      if (notice < 0) {
        continue;
      }
      CertificateInfo info = CertificateInfo.of(c);
      Instant warned = expiryWarned.get(info.sha256());
      if (warned != null && now.isBefore(warned.plus(Duration.ofDays(1)))) {
        continue;
      }
      expiryWarned.put(info.sha256(), now);
      log.warn(
          "federation metadata {}: signing certificate {} {} (within Entra's {}-day notice):"
              + " create and activate a new SAML signing certificate in Entra",
          logName,
          info,
          left.isNegative() ? "has expired" : "expires in " + left.toDays() + " days",
          notice);
    }
  }

  private static String describe(List<X509Certificate> certs) {
    StringBuilder sb = new StringBuilder().append(certs.size()).append(" signing certificate(s)");
    for (X509Certificate c : certs) {
      sb.append("; ").append(CertificateInfo.of(c));
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ the state, for health checks

  /**
   * The state of a {@link FederationMetadataUrl}: when and where the trusted copy was loaded, the
   * last failed load if any ({@link #stale()}: it came after that copy), the next scheduled
   * refresh, the trusted certificates.
   */
  public record Status(
      String url,
      Instant lastSuccess,
      String lastSuccessFrom,
      Optional<Instant> lastFailure,
      Optional<String> lastFailureReason,
      Optional<Instant> nextRefresh,
      List<CertificateInfo> certificates) {

    /** True when the latest attempt failed (the app runs on an older copy). */
    public boolean stale() {
      return lastFailure.isPresent() && !lastFailure.get().isBefore(lastSuccess);
    }
  }

  /** A trusted signing certificate as an admin compares it with Entra's SAML Certificates page. */
  public record CertificateInfo(
      String sha256, String sha1, String subject, Instant notBefore, Instant notAfter) {
    static CertificateInfo of(X509Certificate c) {
      return new CertificateInfo(
          thumbprint(c, "SHA-256"),
          thumbprint(c, "SHA-1"),
          c.getSubjectX500Principal().getName(),
          c.getNotBefore().toInstant(),
          c.getNotAfter().toInstant());
    }

    @Override
    public String toString() {
      return "SHA-256 "
          + sha256
          + " (Entra thumbprint "
          + sha1
          + "), valid "
          + notBefore
          + " to "
          + notAfter;
    }

    private static String thumbprint(X509Certificate c, String algorithm) {
      try {
        return HexFormat.of()
            .withUpperCase()
            .formatHex(MessageDigest.getInstance(algorithm).digest(c.getEncoded()));
      } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  // ------------------------------------------------------------------ builder

  /** Settings of a {@link FederationMetadataUrl}; {@link #start()} loads it. */
  public static final class Builder {
    private final URI url;
    private X509Certificate pinned;
    private String expectedEntityId;
    private Duration refreshInterval = Duration.ofHours(1);
    private Duration onDemandInterval = Duration.ofMinutes(5);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(10);
    private int maxBytes = 1024 * 1024;
    private Path cacheFile;
    private Clock clock = Clock.systemUTC();
    private ScheduledExecutorService scheduler;

    private Builder(String metadataUrl) {
      Objects.requireNonNull(metadataUrl, "metadataUrl");
      this.url = Urls.requireHttpsOrLoopback("metadataUrl", Urls.parse("metadataUrl", metadataUrl));
    }

    /**
     * Requires the metadata's own signature to verify with this certificate (a copy is refused
     * otherwise, and the last good one kept). A pin must be renewed when Entra signs its metadata
     * with another certificate; https to Microsoft's host is the usual trust.
     */
    public Builder pinnedCertificate(X509Certificate certificate) {
      this.pinned = Objects.requireNonNull(certificate, "certificate");
      return this;
    }

    /**
     * The Microsoft Entra Identifier the metadata must name ({@code https://sts.windows.net/<tenant
     * id>/}); default: whatever the first load names, which every refresh must then keep.
     */
    public Builder expectedEntityId(String entityId) {
      this.expectedEntityId = Objects.requireNonNull(entityId, "entityId").strip();
      return this;
    }

    /** How often to fetch (default 1 hour; 10 seconds to 1 day). */
    public Builder refreshInterval(Duration interval) {
      this.refreshInterval =
          within("refreshInterval", interval, Duration.ofSeconds(10), Duration.ofDays(1));
      return this;
    }

    /**
     * The least time between two fetches caused by Responses signed with an unknown certificate
     * (default 5 minutes; 0 to 1 hour). Anyone can send such a Response: this bounds what they
     * cost.
     */
    public Builder onDemandInterval(Duration interval) {
      this.onDemandInterval =
          within("onDemandInterval", interval, Duration.ZERO, Duration.ofHours(1));
      return this;
    }

    /** Connect timeout (default 5 seconds; 100 ms to 1 minute). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout =
          within("connectTimeout", timeout, Duration.ofMillis(100), Duration.ofMinutes(1));
      return this;
    }

    /** Time for the whole answer (default 10 seconds; 100 ms to 1 minute). */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout =
          within("readTimeout", timeout, Duration.ofMillis(100), Duration.ofMinutes(1));
      return this;
    }

    /** Largest metadata accepted, in bytes (default 1 MiB; Entra's is about 10 to 60 KB). */
    public Builder maxBytes(int maxBytes) {
      if (maxBytes < 1024 || maxBytes > 4 * 1024 * 1024) {
        throw new IllegalArgumentException("maxBytes must be 1024..4194304: " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * A file that keeps the last good copy: written after each good load, read at start when the
     * URL cannot be loaded (so a Microsoft outage does not stop a restart).
     */
    public Builder cacheFile(Path file) {
      this.cacheFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /** The clock for validity, expiry notices and rate limits (default the system UTC clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where scheduled refreshes run (default: one daemon thread shared by every source). */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Loads the metadata and schedules its refreshes.
     *
     * @throws SamlMetadataException if neither the URL nor the cache file gives usable metadata;
     *     the message says why
     */
    public FederationMetadataUrl start() throws SamlMetadataException {
      return new FederationMetadataUrl(this);
    }

    private static Duration within(String name, Duration d, Duration min, Duration max) {
      Objects.requireNonNull(d, name);
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " must be " + min + " to " + max + ": " + d);
      }
      return d;
    }
  }
}
