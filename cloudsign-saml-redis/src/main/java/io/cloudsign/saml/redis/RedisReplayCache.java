package io.cloudsign.saml.redis;

import io.cloudsign.saml.core.ReplayCache;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A {@link ReplayCache} shared by every node of a cluster through one Redis server (Lettuce
 * client). Each {@link #remember} is one Lua script, atomic on the server: replay check, the
 * partition's bound, {@code SET key NX PX ttl}, and the partition's index (a sorted set by expiry).
 *
 * <pre>{@code
 * RedisReplayCache replayCache =
 *     RedisReplayCache.builder("redis://127.0.0.1:6379")
 *         .commandTimeout(Duration.ofSeconds(2))
 *         .build();
 * ServiceProvider sp =
 *     ServiceProvider.builder().registration(contoso).replayCache(replayCache).build();
 * }</pre>
 *
 * <p>Keys are {@code <keyPrefix>:{<registration>}:<SHA-256 hex of the id>}, with the registration's
 * index at {@code <keyPrefix>:{<registration>}:index}: the hash tag keeps a partition's keys
 * together. Each entry expires in Redis ({@code PX}) when the validator says it may be forgotten;
 * whether it is a replay is decided on this node's {@link Clock}, like {@link
 * io.cloudsign.saml.core.InMemoryReplayCache}. Defaults: key prefix {@value #DEFAULT_KEY_PREFIX},
 * {@value #DEFAULT_CAPACITY} unexpired entries per registration, a command timeout of 2 s.
 *
 * <p>Thread-safe: one connection, shared by all threads. Lettuce's own reconnection is off: when
 * the connection breaks or a command times out, the connection is closed and the next call opens a
 * new one (connect timeout = command timeout), so a sign-in never waits for more than about twice
 * the command timeout, and sign-ins work again with the first call after Redis is back. {@link
 * #close()} releases the connection and the client's threads.
 *
 * <p>Security guarantees: of two nodes that see the same assertion at the same time, the script
 * lets exactly one record it. A partition full of unexpired entries answers {@link Outcome#FULL}
 * (the sign-in is refused with {@code replay_cache_full}). If Redis cannot be reached, answers late
 * or fails, {@link #remember} throws {@link IllegalStateException} and the sign-in is refused with
 * {@code replay_cache_unavailable} (fail closed); a command that timed out may still run when a
 * slow server catches up, so a refused sign-in may have used its ids up (never the other way
 * round). Replay protection across a Redis restart needs persistence ({@code appendonly yes};
 * {@code appendfsync always} loses nothing, {@code everysec} up to a second of entries); a replica
 * promoted after a failover may lack the last writes (replication is asynchronous).
 */
public final class RedisReplayCache implements ReplayCache, AutoCloseable {
  /** The default key prefix. */
  public static final String DEFAULT_KEY_PREFIX = "cloudsign-saml:replay";

  /** The default maximum number of unexpired entries per partition (registration). */
  public static final int DEFAULT_CAPACITY = 100_000;

  /** The default command (and connect) timeout: 2 seconds. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

  private static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
  private static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);

  private final LazyConnection connection;
  private final String keyPrefix;
  private final int capacity;
  private final Duration commandTimeout;
  private final Clock clock;

  private RedisReplayCache(Builder b) {
    this.keyPrefix = b.keyPrefix;
    this.capacity = b.capacity;
    this.commandTimeout = b.commandTimeout;
    this.clock = b.clock;
    this.connection =
        new LazyConnection(
            b.uri, commandTimeout, "the replay cache Redis is unavailable; refusing the sign-in");
  }

  /**
   * A builder for a cache on the Redis server at {@code redisUri}.
   *
   * @param redisUri {@code redis://[user:password@]host[:port][/database]}, or {@code rediss://}
   *     for TLS
   * @throws IllegalArgumentException if the URI is not a Redis URI
   */
  public static Builder builder(String redisUri) {
    return new Builder(redisUri);
  }

  @Override
  public Outcome remember(String partition, String id, Instant keepUntil) {
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(keepUntil, "keepUntil");
    if (partition.indexOf('{') >= 0 || partition.indexOf('}') >= 0) {
      throw new IllegalArgumentException("partition must not contain { or }: " + partition);
    }
    long now = clock.millis();
    long expiresAt = keepUntil.toEpochMilli();
    if (expiresAt <= now) {
      return Outcome.FIRST_USE; // nothing to remember: it cannot be accepted any more anyway
    }
    String member = sha256(id);
    String base = keyPrefix + ":{" + partition + "}:";
    String[] keys = {base + member, base + "index"};
    String[] args = {
      Long.toString(now),
      Long.toString(expiresAt - now),
      Long.toString(expiresAt),
      Integer.toString(capacity),
      member
    };
    long result = run(keys, args);
    return switch ((int) result) {
      case 0 -> Outcome.FIRST_USE;
      case 1 -> Outcome.ALREADY_USED;
      case 2 -> Outcome.FULL;
      default -> throw new IllegalStateException("the replay cache script answered " + result);
    };
  }

  private long run(String[] keys, String[] args) {
    return connection.run(
        redis -> {
          try {
            return redis.<Long>evalsha(RememberScript.SHA1, ScriptOutputType.INTEGER, keys, args);
          } catch (RedisNoScriptException e) {
            // A restarted or flushed server: EVAL loads the script again.
            return redis.<Long>eval(RememberScript.SOURCE, ScriptOutputType.INTEGER, keys, args);
          }
        });
  }

  /** Closes the connection and shuts the client's threads down; later calls throw. */
  @Override
  public void close() {
    connection.close();
  }

  @Override
  public String toString() {
    return "RedisReplayCache[keyPrefix="
        + keyPrefix
        + ", capacityPerPartition="
        + capacity
        + ", commandTimeout="
        + commandTimeout
        + "]";
  }

  static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Settings of a {@link RedisReplayCache}; each setter checks its value ({@link
   * IllegalArgumentException} with what to fix).
   */
  public static final class Builder {
    private final RedisURI uri;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private int capacity = DEFAULT_CAPACITY;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Clock clock = Clock.systemUTC();

    private Builder(String redisUri) {
      this.uri = parse(redisUri);
    }

    static RedisURI parse(String redisUri) {
      Objects.requireNonNull(redisUri, "redisUri");
      if (!redisUri.startsWith("redis://") && !redisUri.startsWith("rediss://")) {
        throw new IllegalArgumentException(
            "redisUri must start with redis:// or rediss:// (TLS), e.g. redis://127.0.0.1:6379");
      }
      try {
        return RedisURI.create(redisUri);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "redisUri is not a Redis URI (redis://host:port/database): " + e.getMessage(), e);
      }
    }

    static String requireKeyPrefix(String keyPrefix) {
      if (keyPrefix == null || !keyPrefix.matches("[A-Za-z0-9._:-]{1,64}")) {
        throw new IllegalArgumentException(
            "keyPrefix must be 1-64 characters of A-Z a-z 0-9 . _ : -: " + keyPrefix);
      }
      return keyPrefix;
    }

    static Duration requireCommandTimeout(Duration commandTimeout) {
      Objects.requireNonNull(commandTimeout, "commandTimeout");
      if (commandTimeout.compareTo(MIN_TIMEOUT) < 0 || commandTimeout.compareTo(MAX_TIMEOUT) > 0) {
        throw new IllegalArgumentException(
            "commandTimeout must be from 100 ms to 30 s: " + commandTimeout);
      }
      return commandTimeout;
    }

    /** Prefix of every key: 1-64 characters of A-Z a-z 0-9 . _ : - (no hash-tag braces). */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = requireKeyPrefix(keyPrefix);
      return this;
    }

    /** Maximum number of unexpired entries of one registration, at least 1; default 100,000. */
    public Builder capacityPerPartition(int capacityPerPartition) {
      if (capacityPerPartition < 1) {
        throw new IllegalArgumentException(
            "capacityPerPartition must be at least 1: " + capacityPerPartition);
      }
      this.capacity = capacityPerPartition;
      return this;
    }

    /**
     * How long one command and one connection attempt may take, from 100 ms to 30 s; default 2 s.
     */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = requireCommandTimeout(commandTimeout);
      return this;
    }

    /** The clock that decides whether an entry has expired; default the system clock (UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * A cache; it connects at its first use (a Redis that is down at start-up refuses sign-ins
     * until it is back, it does not stop the application from starting).
     */
    public RedisReplayCache build() {
      return new RedisReplayCache(this);
    }
  }
}
