package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.SignatureVerifier;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * One immutable set of an IdP's trusted signing certificates, with the signature verifier built for
 * it once. A {@link KeySource} hands out the current set at each validation; a metadata refresh
 * makes a new set, so a verifier is built once per set and never on the hot path. Thread-safe: the
 * verifiers are built lazily with a benign race (both builds are equal).
 */
final class TrustedKeys {
  private final List<X509Certificate> certificates;
  private volatile SignatureVerifier strict;
  private volatile SignatureVerifier withSha1;

  private TrustedKeys(List<X509Certificate> certificates) {
    this.certificates = certificates;
  }

  /**
   * @throws IllegalArgumentException if {@code certificates} is empty
   */
  static TrustedKeys of(List<X509Certificate> certificates) {
    List<X509Certificate> copy = List.copyOf(certificates);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("no trusted signing certificate");
    }
    return new TrustedKeys(copy);
  }

  List<X509Certificate> certificates() {
    return certificates;
  }

  /** The verifier for this set under the given algorithm policy, built at first use. */
  SignatureVerifier verifier(boolean allowInsecureSha1) {
    if (allowInsecureSha1) {
      SignatureVerifier v = withSha1;
      if (v == null) {
        v = new SignatureVerifier(certificates, true);
        withSha1 = v;
      }
      return v;
    }
    SignatureVerifier v = strict;
    if (v == null) {
      v = new SignatureVerifier(certificates, false);
      strict = v;
    }
    return v;
  }
}
