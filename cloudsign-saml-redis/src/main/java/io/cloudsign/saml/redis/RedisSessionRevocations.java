package io.cloudsign.saml.redis;

import io.cloudsign.saml.servlet.SamlPrincipal;
import io.cloudsign.saml.servlet.SessionRevocations;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link SessionRevocations} shared by every node of a cluster through one Redis server (Lettuce
 * client): an IdP-initiated logout that reaches one node ends the user's sessions on every node.
 * Needs {@code cloudsign-saml-servlet} (an optional dependency of this module: add it, as every
 * filter user has).
 *
 * <pre>{@code
 * RedisSessionRevocations revocations =
 *     RedisSessionRevocations.builder("redis://127.0.0.1:6379").build();
 * SamlSsoFilter filter =
 *     SamlSsoFilter.builder(serviceProvider, userLinker).sessionRevocations(revocations).build();
 * }</pre>
 *
 * <p>Keys are {@code <keyPrefix>:{<registration>}:u:<SHA-256 hex>} for a logout of every session of
 * a NameID and {@code <keyPrefix>:{<registration>}:s:<SHA-256 hex>} for one session; the hash
 * covers the NameID (and SessionIndex), each prefixed with its length, so no NameID (whatever
 * separators it holds) shares a key with another's. The value is the logout instant (epoch
 * milliseconds), the time to live the retention (default {@link #DEFAULT_RETENTION}). {@link
 * #revoke} is one Lua script (atomic: a key keeps the latest instant, whatever order two nodes'
 * logouts arrive in); {@link #isRevoked} is one {@code MGET} of two keys. Whether a logout is still
 * within its retention is decided on this node's {@link Clock} too. Defaults: key prefix {@value
 * #DEFAULT_KEY_PREFIX}, command timeout 2 s.
 *
 * <p>Thread-safe: one connection, shared by all threads, reopened at the first call after it broke
 * (as {@link RedisReplayCache}). {@link #close()} releases it.
 *
 * <p>Security guarantees: if Redis cannot be reached, answers late or fails, both methods throw
 * {@link IllegalStateException} naming the Redis server, never a silent "not revoked": {@link
 * #isRevoked} failing makes the filter answer that request 503 {@code session_check_unavailable}
 * (the session is kept, so the user goes on once Redis is back); {@link #revoke} failing still
 * signs out the browser that carried the LogoutRequest, answers the IdP with Status {@code
 * Responder} and logs an ERROR (README, "Logout"). A Redis restart without persistence forgets the
 * logouts: run it with {@code appendonly yes}.
 */
public final class RedisSessionRevocations implements SessionRevocations, AutoCloseable {
  /** The default key prefix. */
  public static final String DEFAULT_KEY_PREFIX = "cloudsign-saml:revoked";

  /** How long a logout is remembered by default: 12 hours. */
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(12);

  private static final String SCRIPT = RememberScript.load("revoke.lua");
  private static final String SCRIPT_SHA1 = RememberScript.sha1(SCRIPT);

  private final LazyConnection connection;
  private final String server;
  private final String keyPrefix;
  private final Duration retention;
  private final Clock clock;

  private RedisSessionRevocations(Builder b) {
    this.keyPrefix = b.keyPrefix;
    this.retention = b.retention;
    this.clock = b.clock;
    this.server = b.uri.getHost() + ":" + b.uri.getPort();
    this.connection =
        new LazyConnection(
            b.uri, b.commandTimeout, "the session revocations Redis " + server + " is unavailable");
  }

  /**
   * A builder for revocations on the Redis server at {@code redisUri}.
   *
   * @param redisUri {@code redis://[user:password@]host[:port][/database]}, or {@code rediss://}
   *     for TLS
   * @throws IllegalArgumentException if the URI is not a Redis URI
   */
  public static Builder builder(String redisUri) {
    return new Builder(redisUri);
  }

  @Override
  public void revoke(
      String registrationId, String nameId, List<String> sessionIndexes, Instant at) {
    Objects.requireNonNull(nameId, "nameId");
    Objects.requireNonNull(at, "at");
    String base = base(registrationId);
    LinkedHashSet<String> keys = new LinkedHashSet<>();
    if (sessionIndexes.isEmpty()) {
      keys.add(base + "u:" + hash(nameId, null));
    }
    for (String index : sessionIndexes) {
      keys.add(base + "s:" + hash(nameId, Objects.requireNonNull(index, "sessionIndex")));
    }
    String[] k = keys.toArray(String[]::new);
    String[] args = {Long.toString(at.toEpochMilli()), Long.toString(retention.toMillis())};
    connection.run(
        redis -> {
          try {
            return redis.<Long>evalsha(SCRIPT_SHA1, ScriptOutputType.INTEGER, k, args);
          } catch (RedisNoScriptException e) {
            // A restarted or flushed server: EVAL loads the script again.
            return redis.<Long>eval(SCRIPT, ScriptOutputType.INTEGER, k, args);
          }
        });
  }

  @Override
  public boolean isRevoked(SamlPrincipal p) {
    return isRevoked(p.registrationId(), p.nameId(), p.sessionIndex().orElse(null), p.signedInAt());
  }

  /** {@link #isRevoked(SamlPrincipal)} on the principal's values. */
  boolean isRevoked(
      String registrationId, String nameId, String sessionIndex, Optional<Instant> signedInAt) {
    String base = base(registrationId);
    String user = base + "u:" + hash(nameId, null);
    String session = sessionIndex == null ? user : base + "s:" + hash(nameId, sessionIndex);
    List<KeyValue<String, String>> values = connection.run(redis -> redis.mget(user, session));
    long now = clock.millis();
    long signedIn = signedInAt.map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
    for (KeyValue<String, String> v : values) {
      if (v.hasValue()) {
        long at = parse(v.getValue());
        if (at + retention.toMillis() > now && at >= signedIn) {
          return true;
        }
      }
    }
    return false;
  }

  private long parse(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "the session revocations Redis "
              + server
              + " holds a value that is not epoch milliseconds under "
              + keyPrefix
              + ": another application writes there? Use a keyPrefix of its own.");
    }
  }

  private String base(String registrationId) {
    Objects.requireNonNull(registrationId, "registrationId");
    if (registrationId.indexOf('{') >= 0 || registrationId.indexOf('}') >= 0) {
      throw new IllegalArgumentException(
          "registrationId must not contain { or }: " + registrationId);
    }
    return keyPrefix + ":{" + registrationId + "}:";
  }

  /** SHA-256 hex of the NameID and SessionIndex, each prefixed with its length (one-to-one). */
  static String hash(String nameId, String sessionIndex) {
    String encoded =
        nameId.length()
            + ":"
            + nameId
            + (sessionIndex == null ? "" : "|" + sessionIndex.length() + ":" + sessionIndex);
    return RedisReplayCache.sha256(encoded);
  }

  /** Closes the connection and shuts the client's threads down; later calls throw. */
  @Override
  public void close() {
    connection.close();
  }

  @Override
  public String toString() {
    return "RedisSessionRevocations[redis "
        + server
        + ", keyPrefix="
        + keyPrefix
        + ", retention="
        + retention
        + "]";
  }

  /**
   * Settings of a {@link RedisSessionRevocations}; each setter checks its value ({@link
   * IllegalArgumentException} with what to fix).
   */
  public static final class Builder {
    private final RedisURI uri;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private Duration retention = DEFAULT_RETENTION;
    private Duration commandTimeout = RedisReplayCache.DEFAULT_COMMAND_TIMEOUT;
    private Clock clock = Clock.systemUTC();

    private Builder(String redisUri) {
      // The same URI and timeout rules as the replay cache: one store, one way to name it.
      this.uri = RedisReplayCache.Builder.parse(redisUri);
    }

    /** Prefix of every key: 1-64 characters of A-Z a-z 0-9 . _ : - (no hash-tag braces). */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = RedisReplayCache.Builder.requireKeyPrefix(keyPrefix);
      return this;
    }

    /**
     * How long a logout is remembered (each key's time to live), from 1 minute to 366 days; keep it
     * above the application's session lifetime. Default 12 hours.
     */
    public Builder retention(Duration retention) {
      Objects.requireNonNull(retention, "retention");
      if (retention.compareTo(Duration.ofMinutes(1)) < 0
          || retention.compareTo(Duration.ofDays(366)) > 0) {
        throw new IllegalArgumentException(
            "retention must be from 1 minute to 366 days (above the session lifetime): "
                + retention);
      }
      this.retention = retention;
      return this;
    }

    /**
     * How long one command and one connection attempt may take, from 100 ms to 30 s; default 2 s.
     */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = RedisReplayCache.Builder.requireCommandTimeout(commandTimeout);
      return this;
    }

    /** The clock that decides whether a logout is past its retention; default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The revocations; they connect at first use (a Redis down at start-up does not stop it). */
    public RedisSessionRevocations build() {
      return new RedisSessionRevocations(this);
    }
  }
}
