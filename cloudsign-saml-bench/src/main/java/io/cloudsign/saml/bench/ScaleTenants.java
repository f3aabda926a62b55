package io.cloudsign.saml.bench;

import io.cloudsign.saml.core.RegistrationRecord;
import io.cloudsign.saml.core.RegistrationRepository;
import io.cloudsign.saml.core.ReplayCache;
import io.cloudsign.saml.testkit.FakeEntra;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The tenants of {@link ScaleReport} and {@link ScaleBenchmarks}: many distinct Entra tenants'
 * Federation Metadata XML, their rows, and the wrappers the measurements put around the real
 * repository and replay caches.
 */
final class ScaleTenants {
  private ScaleTenants() {}

  /**
   * {@code count} distinct Federation Metadata XML documents as the fake Entra writes them: each
   * its own tenant id (so its own entity ID, SSO URL and metadata signature), all with one signing
   * certificate (a 2048-bit RSA key per tenant would take minutes to generate here; each document
   * still carries the certificate, so each parse holds its own copy).
   */
  static List<String> distinctMetadataXml(int count, Clock clock) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair pair = g.generateKeyPair();
    X509Certificate cert = selfSigned(pair, clock.instant());
    List<String> xml = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      xml.add(
          FakeEntra.builder()
              .clock(clock)
              .tenantId(tenantGuid(i))
              .signingKey(pair.getPrivate(), cert)
              .build()
              .metadataXml());
    }
    return xml;
  }

  /** A GUID per index, stable across runs. */
  static String tenantGuid(int i) {
    return new UUID(0x5ca1eL << 32, i).toString();
  }

  private static X509Certificate selfSigned(KeyPair pair, Instant now) throws Exception {
    X500Name subject = new X500Name("CN=Microsoft Azure Federated SSO Certificate");
    return new JcaX509CertificateConverter()
        .getCertificate(
            new JcaX509v3CertificateBuilder(
                    subject,
                    BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(3 * 365))),
                    subject,
                    pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
  }

  /**
   * Tenant {@code id}'s row with stored metadata, CloudSign-shaped (a Reply URL host per tenant).
   */
  static RegistrationRecord xmlRow(String id, String metadataXml) {
    return RegistrationRecord.withMetadataXml(id, entityId(id), replyUrl(id), null, metadataXml);
  }

  /** Tenant {@code id}'s row with an App Federation Metadata Url. */
  static RegistrationRecord urlRow(String id, String metadataUrl) {
    return RegistrationRecord.withMetadataUrl(id, entityId(id), replyUrl(id), null, metadataUrl);
  }

  private static String entityId(String id) {
    return "urn:amazon:cognito:sp:ap-northeast-1_" + id;
  }

  private static String replyUrl(String id) {
    return "https://cloudsign-" + id + ".auth.ap-northeast-1.amazoncognito.com/saml2/idpresponse";
  }

  /**
   * A repository that hands out a fresh copy of each row (its strings too), as a database read
   * does, so that what a node holds is not shared with the repository's own memory.
   */
  static final class CopyingRepository implements RegistrationRepository {
    private final RegistrationRepository rows;

    CopyingRepository(RegistrationRepository rows) {
      this.rows = rows;
    }

    @Override
    public Optional<RegistrationRecord> findById(String id) {
      return rows.findById(id).map(CopyingRepository::copy);
    }

    @Override
    public OptionalLong versionOf(String id) {
      return rows.versionOf(id);
    }

    @Override
    public List<RegistrationRecord> findByReplyUrlPath(String path, int limit) {
      return rows.findByReplyUrlPath(path, limit).stream().map(CopyingRepository::copy).toList();
    }

    @Override
    public List<RegistrationRecord> findByReplyUrlHost(String host, int limit) {
      return rows.findByReplyUrlHost(host, limit).stream().map(CopyingRepository::copy).toList();
    }

    @Override
    public List<RegistrationRecord> list(String afterId, int limit) {
      return rows.list(afterId, limit).stream().map(CopyingRepository::copy).toList();
    }

    private static RegistrationRecord copy(RegistrationRecord r) {
      return new RegistrationRecord(
          copy(r.id()),
          copy(r.entityId()),
          copy(r.replyUrl()),
          copy(r.signOnUrl()),
          copy(r.metadataXml()),
          copy(r.metadataUrl()),
          r.version());
    }

    /** A string with its own characters ({@code new String(s)} would share them). */
    private static String copy(String s) {
      return s == null ? null : new String(s.toCharArray());
    }
  }

  /** Counts the {@link ReplayCache#remember} calls that reach the real cache. */
  static final class CountingReplayCache implements ReplayCache {
    final ReplayCache delegate;
    final AtomicInteger calls = new AtomicInteger();

    CountingReplayCache(ReplayCache delegate) {
      this.delegate = delegate;
    }

    @Override
    public Outcome remember(String partition, String id, Instant keepUntil) {
      calls.incrementAndGet();
      return delegate.remember(partition, id, keepUntil);
    }
  }

  /**
   * Gives every round of a pool of pre-signed Responses its own replay IDs: the id gets the
   * caller's round number ({@link #round}, set by the thread before it validates) appended before
   * it reaches the real cache, so each {@code remember} is a first use with the store's full round
   * trip. The pool can so be reused without a replay and without moving any clock (which would let
   * a store answer for an expired entry without a round trip).
   */
  static final class RoundReplayCache implements ReplayCache {
    final ThreadLocal<Long> round = ThreadLocal.withInitial(() -> 0L);
    private final ReplayCache delegate;

    RoundReplayCache(ReplayCache delegate) {
      this.delegate = delegate;
    }

    @Override
    public Outcome remember(String partition, String id, Instant keepUntil) {
      return delegate.remember(partition, id + "#" + round.get(), keepUntil);
    }
  }
}
