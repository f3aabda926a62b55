package io.cloudsign.saml.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The fixed world the fuzz targets run in: the IdP metadata the seed Responses were signed for, a
 * clock standing one minute after they were issued and the pending request they answer. Seeds are
 * stored files (see {@link FuzzSeeds}), so everything here is constant and every fuzz run is
 * reproducible.
 */
final class FuzzFixture {
  /** When the seed Responses were issued (a constant, so that {@link FuzzSeeds} can use it). */
  static final String ISSUED_AT = "2026-11-28T09:00:00Z";

  static final Instant ISSUED = Instant.parse(ISSUED_AT);

  static final String REQUEST_ID = "_fuzz0c3d9a4e5b6f708192a3b4c5d6e7f8a9";
  static final String REGISTRATION = "contoso";
  static final String RESOURCE_DIR = "/io/cloudsign/saml/core/fuzz/";

  /** Metadata of the fake Entra tenant that signed the seeds (signed by its own key). */
  static final byte[] METADATA = resource("entra-metadata.xml");

  static final IdentityProvider IDP = idp();

  /** The metadata signer, for {@link IdentityProvider#fromSignedMetadata}. */
  static final X509Certificate SIGNER = IDP.signingCertificates().get(0);

  /**
   * An EC (P-256) certificate the SP trusts next to the tenant's RSA one, so that the fuzz targets
   * also reach the ECDSA verification (the {@code ec-*} seeds are signed by its key, which was not
   * kept).
   */
  static final X509Certificate EC_SIGNER =
      io.cloudsign.saml.core.internal.Certificates.parse(
          new String(resource("ec-signer.pem"), java.nio.charset.StandardCharsets.US_ASCII));

  /**
   * A service provider for the seeds' tenant. Its replay cache accepts every assertion ID so that
   * the same seed reaches the same code on every execution (the fuzzer needs determinism).
   */
  static final ServiceProvider SP =
      ServiceProvider.builder()
          .registration(
              Registration.builder(REGISTRATION)
                  .entityId(Fixture.ENTITY_ID)
                  .replyUrl(Fixture.REPLY_URL)
                  .signOnUrl(Fixture.SIGN_ON_URL)
                  .identityProvider(
                      IdentityProvider.builder()
                          .entityId(IDP.entityId())
                          .loginUrl(IDP.singleSignOnUrl(Binding.HTTP_REDIRECT).get().toString())
                          .certificate(SIGNER)
                          .certificate(EC_SIGNER)
                          .build())
                  .build())
          .clock(Clock.fixed(ISSUED.plusSeconds(60), ZoneOffset.UTC))
          .replayCache((partition, id, keepUntil) -> ReplayCache.Outcome.FIRST_USE)
          .build();

  static final PendingRequest PENDING =
      PendingRequest.of(
          REGISTRATION, REQUEST_ID, ISSUED.minusSeconds(30), ISSUED.plusSeconds(600), "relay-1");

  private FuzzFixture() {}

  private static IdentityProvider idp() {
    try {
      return IdentityProvider.fromMetadata(new ByteArrayInputStream(METADATA));
    } catch (SamlMetadataException e) {
      throw new AssertionError("the stored fuzz metadata must parse", e);
    }
  }

  static byte[] resource(String name) {
    try (InputStream in = FuzzFixture.class.getResourceAsStream(RESOURCE_DIR + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + RESOURCE_DIR + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
