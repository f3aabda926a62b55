package io.cloudsign.saml.servlet.internal;

import io.cloudsign.saml.core.PendingRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encodes the pending sign-in of one browser into an HMAC-SHA256-signed cookie value, so the state
 * survives the IdP's cross-site POST without server-side storage.
 *
 * <p>Value: {@code base64url(payload) "." base64url(HMAC(key, context NUL name NUL path NUL
 * payload))}, where the payload is {@code "1" LF registration TAB requestId TAB issuedAt TAB
 * expiresAt TAB relayKey TAB returnPath} (instants in epoch seconds). The MAC binds the value to
 * the cookie name and path, is compared in constant time, and is checked before any field is
 * parsed. Thread-safe.
 */
public final class StateCookieCodec {
  private static final String VERSION = "1";
  private static final int MAX_VALUE_LENGTH = 8192;

  private final SecretKeySpec key;

  /**
   * @param key at least 32 bytes of secret key material
   */
  public StateCookieCodec(byte[] key) {
    if (key == null || key.length < 32) {
      throw new IllegalArgumentException("the state cookie key must have at least 32 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
  }

  /** The AuthnRequest in flight, as remembered for the browser. */
  public record Entry(
      String registrationId,
      String requestId,
      Instant issuedAt,
      Instant expiresAt,
      String relayKey,
      String returnPath) {
    public Entry {
      Objects.requireNonNull(issuedAt);
      Objects.requireNonNull(expiresAt);
      for (String f : new String[] {registrationId, requestId, relayKey, returnPath}) {
        Objects.requireNonNull(f);
        if (f.isEmpty() || f.indexOf('\t') >= 0 || f.indexOf('\n') >= 0) {
          throw new IllegalArgumentException("field must be non-empty without tab or newline");
        }
      }
    }

    /** Whether the request can no longer be answered at {@code now} (core's own rule). */
    public boolean expiredAt(Instant now) {
      return !now.isBefore(expiresAt);
    }

    /** The core view of this entry; the relay key is the RelayState sent to the IdP. */
    public PendingRequest toPendingRequest() {
      return PendingRequest.of(registrationId, requestId, issuedAt, expiresAt, relayKey);
    }
  }

  public String encode(String cookieName, String cookiePath, Entry entry) {
    String payload =
        String.join(
            "\t",
            entry.registrationId(),
            entry.requestId(),
            Long.toString(entry.issuedAt().getEpochSecond()),
            Long.toString(entry.expiresAt().getEpochSecond()),
            entry.relayKey(),
            entry.returnPath());
    byte[] bytes = (VERSION + "\n" + payload).getBytes(StandardCharsets.UTF_8);
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(bytes) + "." + b64.encodeToString(mac(cookieName, cookiePath, bytes));
  }

  /**
   * @return the entry, or empty if the value is malformed or its MAC does not verify
   */
  public Optional<Entry> decode(String cookieName, String cookiePath, String value) {
    if (value == null || value.length() > MAX_VALUE_LENGTH) {
      return Optional.empty();
    }
    int dot = value.indexOf('.');
    if (dot <= 0 || dot != value.lastIndexOf('.')) {
      return Optional.empty();
    }
    byte[] payload;
    byte[] tag;
    try {
      Base64.Decoder b64 = Base64.getUrlDecoder();
      payload = b64.decode(value.substring(0, dot));
      tag = b64.decode(value.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!MessageDigest.isEqual(tag, mac(cookieName, cookiePath, payload))) {
      return Optional.empty();
    }
    return parse(new String(payload, StandardCharsets.UTF_8));
  }

  private static Optional<Entry> parse(String payload) {
    String[] lines = payload.split("\n", -1);
    if (lines.length != 2 || !VERSION.equals(lines[0])) {
      return Optional.empty();
    }
    String[] f = lines[1].split("\t", -1);
    if (f.length != 6) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Entry(
              f[0],
              f[1],
              Instant.ofEpochSecond(Long.parseLong(f[2])),
              Instant.ofEpochSecond(Long.parseLong(f[3])),
              f[4],
              f[5]));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(String cookieName, String cookiePath, byte[] payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(
          ("cloudsign-saml-state\0" + cookieName + "\0" + cookiePath + "\0")
              .getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
