package io.cloudsign.saml.servlet.internal;

import io.cloudsign.saml.core.PendingRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encodes the pending sign-in of one browser into an HMAC-SHA256-signed cookie value, so the state
 * survives the IdP's cross-site POST without server-side storage.
 *
 * <p>Value: {@code base64url(payload) "." keyId "." base64url(HMAC(key, context NUL keyId NUL name
 * NUL registration NUL replyUrl NUL payload))}, where {@code keyId} names the key that signed it (8
 * hex digits of SHA-256 over a label and the key: it identifies a key without revealing it, and
 * says in a log line which node lacks which key) and the payload is {@code "1" LF registration TAB
 * requestId TAB issuedAt TAB expiresAt TAB relayKey TAB returnPath} (instants in epoch seconds).
 * The MAC binds the value to the cookie name, the registration and that registration's Reply URL as
 * configured where the cookie arrives, so a value minted for another registration or Reply URL
 * (another deployment sharing the key, a registration since moved) does not verify. It is compared
 * in constant time; the only field read before it is the registration id, to choose which Reply URL
 * the MAC must bind. After a key rotation the previous keys still verify (never sign), so sign-ins
 * in flight survive it. Thread-safe.
 */
public final class StateCookieCodec {
  private static final String VERSION = "1";
  private static final String CONTEXT = "cloudsign-saml-state-v3";
  private static final int MAX_VALUE_LENGTH = 8192;

  private final SecretKeySpec key;
  private final String keyId;

  /** Key id to key: the current key and the previous ones (verify only). */
  private final Map<String, SecretKeySpec> verifying;

  /**
   * @param key at least 32 bytes of secret key material
   */
  public StateCookieCodec(byte[] key) {
    this(key, List.of());
  }

  /**
   * @param key at least 32 bytes of secret key material; signs new values and verifies
   * @param previous keys of earlier rotations (each at least 32 bytes): verify values made before
   *     the rotation, never sign
   */
  public StateCookieCodec(byte[] key, List<byte[]> previous) {
    this.key = spec(key);
    this.keyId = keyId(key);
    Map<String, SecretKeySpec> all = new LinkedHashMap<>();
    all.put(keyId, this.key);
    for (byte[] k : previous) {
      all.putIfAbsent(keyId(k), spec(k));
    }
    this.verifying = Collections.unmodifiableMap(all);
  }

  /** The id of a key: 8 hex digits of SHA-256 over a label and the key. */
  public static String keyId(byte[] key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("cloudsign-saml state key id\0".getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(spec(key).getEncoded()), 0, 4);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** The ids of the keys that verify here, the current one (which signs) first. */
  public List<String> keyIds() {
    return List.copyOf(verifying.keySet());
  }

  /** The key id a value says it was signed with (unverified; for log lines). */
  public Optional<String> keyIdOf(String value) {
    String[] parts = value == null ? new String[0] : value.split("\\.", -1);
    return parts.length == 3 && parts[1].matches("[0-9a-f]{8}")
        ? Optional.of(parts[1])
        : Optional.empty();
  }

  private static SecretKeySpec spec(byte[] key) {
    if (key == null || key.length < 32) {
      throw new IllegalArgumentException("the state cookie key must have at least 32 bytes");
    }
    return new SecretKeySpec(key.clone(), "HmacSHA256");
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

  /**
   * @param replyUrl the Reply URL of the entry's registration, as configured
   */
  public String encode(String cookieName, String replyUrl, Entry entry) {
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
    byte[] tag = mac(key, keyId, cookieName, entry.registrationId(), replyUrl, bytes);
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(bytes) + "." + keyId + "." + b64.encodeToString(tag);
  }

  /**
   * @param replyUrlOf the configured Reply URL of a registration that may answer where the cookie
   *     arrived, or empty for any other registration id
   * @return the entry, or empty if the value is malformed, names a registration {@code replyUrlOf}
   *     does not know, or its MAC does not verify for that registration and Reply URL
   */
  public Optional<Entry> decode(
      String cookieName, String value, Function<String, Optional<String>> replyUrlOf) {
    if (value == null || value.length() > MAX_VALUE_LENGTH) {
      return Optional.empty();
    }
    String[] parts = value.split("\\.", -1);
    if (parts.length != 3 || parts[0].isEmpty()) {
      return Optional.empty();
    }
    SecretKeySpec k = verifying.get(parts[1]);
    if (k == null) {
      return Optional.empty(); // signed with a key this node does not have (or not at all)
    }
    byte[] payload;
    byte[] tag;
    try {
      Base64.Decoder b64 = Base64.getUrlDecoder();
      payload = b64.decode(parts[0]);
      tag = b64.decode(parts[2]);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String text = new String(payload, StandardCharsets.UTF_8);
    Optional<String> registrationId = registrationId(text);
    Optional<String> replyUrl = registrationId.flatMap(replyUrlOf);
    if (replyUrl.isEmpty()) {
      return Optional.empty();
    }
    return MessageDigest.isEqual(
            tag, mac(k, parts[1], cookieName, registrationId.get(), replyUrl.get(), payload))
        ? parse(text)
        : Optional.empty();
  }

  /**
   * The registration id a cookie value names, unverified: only a lookup key (which registration's
   * Reply URL the MAC is checked over), never trusted before {@link #decode} verified it.
   */
  public Optional<String> registrationIdOf(String value) {
    if (value == null || value.length() > MAX_VALUE_LENGTH) {
      return Optional.empty();
    }
    int dot = value.indexOf('.');
    if (dot <= 0) {
      return Optional.empty();
    }
    try {
      byte[] payload = Base64.getUrlDecoder().decode(value.substring(0, dot));
      return registrationId(new String(payload, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The first field of the entry line: only a lookup key until the MAC has verified. */
  private static Optional<String> registrationId(String payload) {
    int start = VERSION.length() + 1;
    int tab = payload.indexOf('\t', start);
    if (!payload.startsWith(VERSION + "\n") || tab <= start) {
      return Optional.empty();
    }
    return Optional.of(payload.substring(start, tab));
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

  private static byte[] mac(
      SecretKeySpec key,
      String keyId,
      String cookieName,
      String registrationId,
      String replyUrl,
      byte[] payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      // No part contains NUL: cookie names and registration ids are restricted, URLs have none.
      mac.update(
          (CONTEXT
                  + "\0"
                  + keyId
                  + "\0"
                  + cookieName
                  + "\0"
                  + registrationId
                  + "\0"
                  + replyUrl
                  + "\0")
              .getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
