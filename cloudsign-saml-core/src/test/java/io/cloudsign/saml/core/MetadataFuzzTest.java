package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Jazzer fuzz target on the metadata parser, {@link
 * IdentityProvider#fromMetadata(java.io.InputStream)} and {@link
 * IdentityProvider#fromSignedMetadata(java.io.InputStream, java.security.cert.X509Certificate)}:
 * whatever the file holds, only {@link SamlMetadataException} may escape, within the per-input time
 * bound, and a parsed identity provider always has an entity ID, a sign-on URL and a signing
 * certificate.
 *
 * <p>Seeds and the stored corpus: {@code
 * src/test/resources/io/cloudsign/saml/core/MetadataFuzzTestInputs/parseMetadata/}.
 */
class MetadataFuzzTest {
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest(maxDuration = "3m")
  void parseMetadata(byte[] metadata) {
    try {
      assertUsable(IdentityProvider.fromMetadata(new ByteArrayInputStream(metadata)));
    } catch (SamlMetadataException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
    try {
      assertUsable(
          IdentityProvider.fromSignedMetadata(
              new ByteArrayInputStream(metadata), FuzzFixture.SIGNER));
    } catch (SamlMetadataException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  private static void assertUsable(IdentityProvider idp) {
    assertThat(idp.entityId()).isNotBlank();
    assertThat(idp.signingCertificates()).isNotEmpty();
  }
}
