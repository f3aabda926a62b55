package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.TestClock;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The App Federation Metadata Url over real HTTP: a certificate rollover in (fake) Entra without a
 * restart, outages on the last good copy, and the bounds of the fetch.
 */
class FederationMetadataUrlTest {
  private FakeEntraServer entra;
  private HttpServer host;
  private FederationMetadataUrl source;

  @AfterEach
  void stop() {
    if (source != null) {
      source.close();
    }
    if (entra != null) {
      entra.close();
    }
    if (host != null) {
      host.stop(0);
    }
  }

  private FakeEntraServer startEntra() {
    entra = FakeEntraServer.start(FakeEntra.builder());
    return entra;
  }

  private static ServiceProvider sp(FederationMetadataUrl source) {
    return ServiceProvider.builder()
        .registration(
            Registration.builder("contoso")
                .entityId(Fixture.ENTITY_ID)
                .replyUrl(Fixture.REPLY_URL)
                .identityProvider(source.identityProvider())
                .build())
        .build();
  }

  /** A sign-in answered by {@code signer} (a view of the tenant with its active key then). */
  private static VerifiedAssertion signIn(ServiceProvider sp, FakeEntra signer)
      throws SamlValidationException {
    SignInRequest request = sp.startSignIn("contoso", "relay");
    AuthnRequestInfo info = signer.parseRedirect(request.redirectUrl().toString());
    return sp.validate(signer.respondTo(info).build(), request.pending());
  }

  @Test
  void rolloverWhenEntraAddsActivatesAndRemovesACertificateThenNoRestartIsNeeded()
      throws Exception {
    startEntra();
    source = FederationMetadataUrl.builder(entra.metadataUrl()).start();
    ServiceProvider sp = sp(source);
    FakeEntra withCert1 = entra.entra();
    assertThat(signIn(sp, withCert1).nameId()).isEqualTo("B.Simon@contoso.com");

    // Entra: New Certificate (inactive). Logins signed with cert 1 go on.
    X509Certificate cert2 = entra.addSigningCertificate();
    assertThat(signIn(sp, entra.entra()).nameId()).isEqualTo("B.Simon@contoso.com");

    // Entra: Make certificate active. The first login signed with cert 2 fetches the metadata.
    entra.activateSigningCertificate(cert2);
    int fetches = entra.metadataRequestCount();
    assertThat(signIn(sp, entra.entra()).nameId()).isEqualTo("B.Simon@contoso.com");
    assertThat(entra.metadataRequestCount()).isEqualTo(fetches + 1);
    assertThat(source.status().certificates()).hasSize(2);

    // Entra: cert 1 deleted; the next refresh drops it, and a Response signed with it is refused.
    entra.removeSigningCertificate(withCert1.signingCertificate());
    assertThat(source.refreshNow()).isTrue();
    assertThat(source.status().certificates())
        .extracting(FederationMetadataUrl.CertificateInfo::sha256)
        .containsExactly(FederationMetadataUrl.CertificateInfo.of(cert2).sha256());
    int afterRefresh = entra.metadataRequestCount();
    SamlValidationException refused =
        catchThrowableOfType(SamlValidationException.class, () -> signIn(sp, withCert1));
    assertThat(refused).isNotNull();
    assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
    // The on-demand fetch is rate-limited: one within five minutes already happened.
    assertThat(entra.metadataRequestCount()).isEqualTo(afterRefresh);
  }

  @Test
  void onDemandRefreshWhenAnyoneSendsUnknownSignaturesThenAtMostOneFetchPerInterval()
      throws Exception {
    startEntra();
    source = FederationMetadataUrl.builder(entra.metadataUrl()).start();
    ServiceProvider sp = sp(source);
    // Same tenant, same Login URL, keys of its own: signatures no published certificate verifies.
    FakeEntra forgerAtEntra =
        FakeEntra.builder().tenantId(entra.entra().tenantId()).ssoUrl(entra.ssoUrl()).build();
    int before = entra.metadataRequestCount();

    for (int i = 0; i < 5; i++) {
      SamlValidationException e =
          catchThrowableOfType(SamlValidationException.class, () -> signIn(sp, forgerAtEntra));
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
    }

    assertThat(entra.metadataRequestCount()).isEqualTo(before + 1);
  }

  @Test
  void outageWhenTheUrlFailsThenSignInsGoOnWithTheLastGoodCopyAndStatusSaysWhy() throws Exception {
    startEntra();
    source = FederationMetadataUrl.builder(entra.metadataUrl()).start();
    ServiceProvider sp = sp(source);
    Instant loaded = source.status().lastSuccess();

    entra.failMetadata(503);
    for (int i = 0; i < 3; i++) {
      assertThat(source.refreshNow()).isFalse();
    }

    assertThat(signIn(sp, entra.entra()).nameId()).isEqualTo("B.Simon@contoso.com");
    FederationMetadataUrl.Status status = source.status();
    assertThat(status.stale()).isTrue();
    assertThat(status.lastSuccess()).isEqualTo(loaded);
    assertThat(status.lastFailureReason()).hasValueSatisfying(r -> assertThat(r).contains("503"));
    assertThat(status.certificates()).hasSize(1);

    entra.serveMetadata();
    assertThat(source.refreshNow()).isTrue();
    assertThat(source.status().stale()).isFalse();
  }

  @Test
  void startWhenTheFirstLoadFailsThenRefusedNamingTheUrl() {
    startEntra();
    entra.failMetadata(500);

    assertThatThrownBy(() -> FederationMetadataUrl.builder(entra.metadataUrl()).start())
        .isInstanceOf(SamlMetadataException.class)
        .hasMessage(
            "could not load the federation metadata from '" + entra.metadataUrl() + "': HTTP 500");
  }

  @Test
  void startWhenTheUrlFailsButACacheFileHoldsAGoodCopyThenStartsOnIt(@TempDir Path dir)
      throws Exception {
    startEntra();
    Path cache = dir.resolve("entra.xml");
    FederationMetadataUrl.builder(entra.metadataUrl()).cacheFile(cache).start().close();
    assertThat(cache).exists();
    entra.failMetadata(503);

    source = FederationMetadataUrl.builder(entra.metadataUrl()).cacheFile(cache).start();

    assertThat(signIn(sp(source), entra.entra()).nameId()).isEqualTo("B.Simon@contoso.com");
    assertThat(source.status().lastSuccessFrom()).contains("cache file");
    assertThat(source.status().stale()).isTrue();
  }

  @Test
  void refreshWhenTheUrlServesAnotherTenantThenRefusedAndTheCopyKept() throws Exception {
    AtomicReference<byte[]> body = new AtomicReference<>(FakeEntra.create().metadata().bytes());
    String url = host(body, null);
    source = FederationMetadataUrl.builder(url).start();
    String entityId = source.identityProvider().entityId();

    body.set(FakeEntra.create().metadata().bytes());

    assertThat(source.refreshNow()).isFalse();
    assertThat(source.status().lastFailureReason())
        .hasValueSatisfying(r -> assertThat(r).contains("is for the entity").contains(entityId));
    assertThat(source.identityProvider().entityId()).isEqualTo(entityId);
  }

  @Test
  void refreshWhenPinnedCertificateDoesNotVerifyTheNewCopyThenTheCopyIsKept() throws Exception {
    FakeEntra tenant = FakeEntra.builder().signingCertificateCount(2).build();
    AtomicReference<byte[]> body = new AtomicReference<>(tenant.metadata().bytes());
    String url = host(body, null);
    source =
        FederationMetadataUrl.builder(url).pinnedCertificate(tenant.signingCertificate()).start();

    body.set(tenant.metadata().unsigned().bytes());

    assertThat(source.refreshNow()).isFalse();
    assertThat(source.status().lastFailureReason())
        .hasValueSatisfying(r -> assertThat(r).contains("not signed"));
    assertThat(source.status().certificates()).hasSize(2);
  }

  @Test
  void fetchWhenGzipAndBomThenRead() throws Exception {
    FakeEntra tenant = FakeEntra.create();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(gz)) {
      out.write(tenant.metadata().withBom().bytes());
    }
    String url = host(new AtomicReference<>(gz.toByteArray()), "gzip");

    source = FederationMetadataUrl.builder(url).start();

    assertThat(source.identityProvider().entityId()).isEqualTo(tenant.entityId());
  }

  @Test
  void fetchWhenLargerThanMaxBytesThenRefused() throws Exception {
    byte[] big = new byte[64 * 1024];
    java.util.Arrays.fill(big, (byte) ' ');
    String url = host(new AtomicReference<>(big), null);

    assertThatThrownBy(() -> FederationMetadataUrl.builder(url).maxBytes(16 * 1024).start())
        .isInstanceOf(SamlMetadataException.class)
        .hasMessageContaining("larger than 16384 bytes");
  }

  @Test
  void fetchWhenTheServerNeverAnswersThenTimesOut() throws Exception {
    host = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    host.createContext(
        "/",
        ex -> {
          try {
            Thread.sleep(30_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.close();
        });
    host.start();
    String url = "http://127.0.0.1:" + host.getAddress().getPort() + "/metadata.xml";

    assertThatThrownBy(
            () -> FederationMetadataUrl.builder(url).readTimeout(Duration.ofMillis(300)).start())
        .isInstanceOf(SamlMetadataException.class)
        .hasMessageContaining("no complete answer within PT0.3S");
  }

  @Test
  void fetchWhenRedirectedToPlainHttpElsewhereThenRefused() throws Exception {
    host = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    host.createContext(
        "/",
        ex -> {
          ex.getResponseHeaders().add("Location", "http://metadata.example/federationmetadata.xml");
          ex.sendResponseHeaders(302, -1);
          ex.close();
        });
    host.start();
    String url = "http://127.0.0.1:" + host.getAddress().getPort() + "/metadata.xml";

    assertThatThrownBy(() -> FederationMetadataUrl.builder(url).start())
        .isInstanceOf(SamlMetadataException.class)
        .hasMessageContaining("https");
  }

  @Test
  void fetchWhenRedirectedOnLoopbackThenFollowed() throws Exception {
    FakeEntra tenant = FakeEntra.create();
    host = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    host.createContext(
        "/old",
        ex -> {
          ex.getResponseHeaders().add("Location", "/new");
          ex.sendResponseHeaders(301, -1);
          ex.close();
        });
    host.createContext("/new", ex -> respond(ex, tenant.metadata().bytes(), null));
    host.start();

    source =
        FederationMetadataUrl.builder("http://127.0.0.1:" + host.getAddress().getPort() + "/old")
            .start();

    assertThat(source.identityProvider().entityId()).isEqualTo(tenant.entityId());
  }

  @Test
  void urlWhenPlainHttpToAnotherHostThenRefusedAtConfiguration() {
    assertThatThrownBy(
            () -> FederationMetadataUrl.builder("http://login.microsoftonline.com/x/metadata"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadataUrl");
  }

  @Test
  void nextRefreshWithinTheIntervalLessATenth() throws Exception {
    startEntra();
    Instant before = Instant.now();

    source = FederationMetadataUrl.builder(entra.metadataUrl()).start();

    Instant next = source.status().nextRefresh().orElseThrow();
    assertThat(next)
        .isBetween(before.plus(Duration.ofMinutes(54)), Instant.now().plus(Duration.ofHours(1)));
  }

  @Test
  void nextRefreshWhenTheMetadataSaysCacheDurationThenSooner() throws Exception {
    String xml =
        new String(FakeEntra.create().metadata().unsigned().bytes(), StandardCharsets.UTF_8);
    xml = xml.replaceFirst("<EntityDescriptor ", "<EntityDescriptor cacheDuration=\"PT10M\" ");
    assertThat(xml).contains("cacheDuration");
    String url = host(new AtomicReference<>(xml.getBytes(StandardCharsets.UTF_8)), null);
    Instant before = Instant.now();

    source = FederationMetadataUrl.builder(url).start();

    Instant next = source.status().nextRefresh().orElseThrow();
    assertThat(next)
        .isBetween(before.plus(Duration.ofMinutes(9)), Instant.now().plus(Duration.ofMinutes(10)));
  }

  @Test
  void loadWhenValidUntilHasPassedThenRefused() throws Exception {
    String xml =
        new String(FakeEntra.create().metadata().unsigned().bytes(), StandardCharsets.UTF_8);
    xml =
        xml.replaceFirst(
            "<EntityDescriptor ", "<EntityDescriptor validUntil=\"2020-01-01T00:00:00Z\" ");
    String url = host(new AtomicReference<>(xml.getBytes(StandardCharsets.UTF_8)), null);

    assertThatThrownBy(() -> FederationMetadataUrl.builder(url).start())
        .isInstanceOf(SamlMetadataException.class)
        .hasMessageContaining("validUntil");
  }

  @Test
  void cacheFileWhenWrittenThenHoldsTheBytesServed(@TempDir Path dir) throws Exception {
    startEntra();
    Path cache = dir.resolve("entra.xml");

    source = FederationMetadataUrl.builder(entra.metadataUrl()).cacheFile(cache).start();

    assertThat(IdentityProvider.fromMetadata(cache).entityId()).isEqualTo(entra.entra().entityId());
  }

  /** Serves {@code body} at /metadata.xml on loopback; returns the URL. */
  private String host(AtomicReference<byte[]> body, String contentEncoding) throws Exception {
    host = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    host.createContext("/metadata.xml", ex -> respond(ex, body.get(), contentEncoding));
    host.start();
    return "http://127.0.0.1:" + host.getAddress().getPort() + "/metadata.xml";
  }

  @Test
  void logsWhenCertificatesChangeFailAndNearExpiryThenOneLineEachAndExpiryOncePerDay()
      throws Exception {
    startEntra();
    X509Certificate cert1 = entra.entra().signingCertificate();
    // 20 days before cert 1 expires: inside Entra's 30-day notice.
    TestClock clock = TestClock.at(cert1.getNotAfter().toInstant().minus(Duration.ofDays(20)));

    String startLog =
        stderrOf(
            () -> source = FederationMetadataUrl.builder(entra.metadataUrl()).clock(clock).start());
    String sha1 = FederationMetadataUrl.CertificateInfo.of(cert1).sha256();
    assertThat(startLog).contains("loaded from the metadata URL").contains(sha1);
    assertThat(startLog)
        .contains("WARN")
        .contains("signing certificate SHA-256 " + sha1)
        .contains("expires in 20 days (within Entra's 30-day notice)");

    X509Certificate cert2 = entra.addSigningCertificate();
    String sha2 = FederationMetadataUrl.CertificateInfo.of(cert2).sha256();
    String sameDay = stderrOf(() -> source.refreshNow());
    assertThat(sameDay).contains("certificate added (on request): SHA-256 " + sha2);
    // cert 1 was warned of today already; cert 2 (made now, at the real date) is warned once too
    assertThat(sameDay).doesNotContain("signing certificate SHA-256 " + sha1);
    assertThat(sameDay).contains("signing certificate SHA-256 " + sha2);
    assertThat(stderrOf(() -> source.refreshNow())).doesNotContain("notice");

    clock.advance(Duration.ofDays(1));
    entra.activateSigningCertificate(cert2);
    entra.removeSigningCertificate(cert1);
    entra.failMetadata(503);
    String failed = stderrOf(() -> source.refreshNow());
    assertThat(failed.lines().filter(l -> l.contains("WARN")))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("refresh (on request) failed, keeping the copy of")
        .contains("HTTP 503");

    entra.serveMetadata();
    String nextDay = stderrOf(() -> source.refreshNow());
    assertThat(nextDay).contains("certificate removed (on request): SHA-256 " + sha1);
    // a day later the certificate still trusted is warned of again; the removed one is not
    assertThat(nextDay)
        .contains("signing certificate SHA-256 " + sha2)
        .contains("expires in 19 days (within Entra's 30-day notice)")
        .doesNotContain("signing certificate SHA-256 " + sha1);
  }

  private interface Run {
    void run() throws Exception;
  }

  /** What slf4j-simple (the tests' binding, on System.err) wrote while {@code run} ran. */
  private static String stderrOf(Run run) throws Exception {
    // slf4j-simple keeps the System.err of its first use: make that use happen outside
    org.slf4j.LoggerFactory.getLogger(FederationMetadataUrl.class).isInfoEnabled();
    java.io.PrintStream original = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      run.run();
    } finally {
      System.setErr(original);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static void respond(
      com.sun.net.httpserver.HttpExchange ex, byte[] body, String contentEncoding)
      throws java.io.IOException {
    ex.getResponseHeaders().add("Content-Type", "text/xml; charset=utf-8");
    if (contentEncoding != null) {
      ex.getResponseHeaders().add("Content-Encoding", contentEncoding);
    }
    ex.sendResponseHeaders(200, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
