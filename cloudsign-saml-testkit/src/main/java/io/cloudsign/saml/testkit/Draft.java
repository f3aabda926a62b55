package io.cloudsign.saml.testkit;

import io.cloudsign.saml.testkit.internal.AssertionEncryptor;
import io.cloudsign.saml.testkit.internal.SignatureAlgorithm;
import io.cloudsign.saml.testkit.internal.SigningKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The values one Response is written from: first the builder's genuine settings, then changed by
 * the {@link Attack.Stage#CONTENT} stage of its attacks, then read by {@link ResponseWriter} and by
 * the later stages (which key signs, which algorithm). One per build; not thread-safe.
 */
final class Draft {
  /** Entra's Conditions window around the issue instant. */
  static final Duration NOT_BEFORE_SKEW = Duration.ofMinutes(5);

  static final Duration LIFETIME = Duration.ofMinutes(60);

  /** An Entra error Response's Status. */
  record ErrorStatus(String topLevelCode, String nestedCode, String aadstsCode, String message) {}

  final FakeEntra entra;
  final Instant issueInstant;
  final Supplier<String> ids;

  // Genuine content: attacks read these, never change them.
  TestUser user;
  String nameId;
  String nameIdFormat;
  Map<String, List<String>> attributes;
  Instant authnInstant;
  Instant sessionNotOnOrAfter;
  ErrorStatus errorStatus;

  // What CONTENT attacks may change.
  String destination;
  String recipient;
  String audience;
  String inResponseTo;
  String responseIssuer;
  String assertionIssuer;
  Instant notBefore;
  Instant notOnOrAfter;

  /** SubjectConfirmationData NotOnOrAfter; null: the same as {@link #notOnOrAfter}, as Entra. */
  Instant confirmationNotOnOrAfter;

  boolean signAssertion;
  boolean signResponse;
  SigningKey signingKey;

  /** The certificate in KeyInfo; null: the signing key's. */
  X509Certificate keyInfoCertificate;

  SignatureAlgorithm algorithm;
  int assertionCount = 1;

  /** Token encryption: the SP certificate encrypted to (null: not encrypted), and how. */
  X509Certificate encryptTo;

  AssertionEncryptor.Content contentEncryption = AssertionEncryptor.Content.AES256_CBC;
  AssertionEncryptor.KeyTransport keyTransport = AssertionEncryptor.KeyTransport.RSA_OAEP_MGF1P;

  Draft(FakeEntra entra, Instant issueInstant, Supplier<String> ids) {
    this.entra = entra;
    this.issueInstant = issueInstant;
    this.ids = ids;
    this.responseIssuer = entra.entityId();
    this.assertionIssuer = entra.entityId();
    this.notBefore = issueInstant.minus(NOT_BEFORE_SKEW);
    this.notOnOrAfter = issueInstant.plus(LIFETIME);
    this.signingKey = entra.activeKey();
  }

  /** The encryption an attack changes; refused when the builder does not encrypt. */
  void requireEncryption() {
    if (encryptTo == null) {
      throw new IllegalStateException(
          "the Response is not encrypted: choose encryptedAssertion(spCertificate)");
    }
  }

  boolean isError() {
    return errorStatus != null;
  }

  Instant effectiveConfirmationNotOnOrAfter() {
    return confirmationNotOnOrAfter != null ? confirmationNotOnOrAfter : notOnOrAfter;
  }

  X509Certificate effectiveKeyInfoCertificate() {
    return keyInfoCertificate != null ? keyInfoCertificate : signingKey.certificate();
  }
}
