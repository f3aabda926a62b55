package io.cloudsign.saml.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * One Lettuce connection shared by all threads, opened at first use and again after it broke.
 * Lettuce's own reconnection is off: when a command fails or times out the connection is closed and
 * the next call opens a new one (connect timeout = command timeout), so a caller never waits for
 * more than about twice the command timeout. Every failure is an {@link IllegalStateException}
 * starting with {@code unavailable} (what the store is and what is refused).
 */
final class LazyConnection implements AutoCloseable {
  private final RedisClient client;
  private final Duration commandTimeout;
  private final String unavailable;
  private final ReentrantLock connecting = new ReentrantLock();
  private volatile StatefulRedisConnection<String, String> connection;
  private volatile boolean closed;

  /**
   * @param unavailable the start of every failure's message, e.g. "the replay cache Redis is
   *     unavailable; refusing the sign-in"
   */
  LazyConnection(RedisURI uri, Duration commandTimeout, String unavailable) {
    this.commandTimeout = commandTimeout;
    this.unavailable = unavailable;
    uri.setTimeout(commandTimeout);
    this.client = RedisClient.create(uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(false)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).build())
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .build());
  }

  /** Runs {@code commands} on the connection; a Redis failure drops it and is thrown as ISE. */
  <T> T run(Function<RedisCommands<String, String>, T> commands) {
    StatefulRedisConnection<String, String> c = connection();
    try {
      return commands.apply(c.sync());
    } catch (RedisException e) {
      drop(c);
      throw unavailable(e);
    }
  }

  /**
   * The open connection, or a new one; at most one thread connects, the others wait a bounded time.
   */
  private StatefulRedisConnection<String, String> connection() {
    StatefulRedisConnection<String, String> c = connection;
    if (c != null && c.isOpen()) {
      return c;
    }
    try {
      if (!connecting.tryLock(commandTimeout.toMillis() * 2, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            unavailable + ": still connecting after " + commandTimeout.multipliedBy(2));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(unavailable + ": interrupted while connecting", e);
    }
    try {
      if (closed) {
        throw new IllegalStateException(unavailable + ": closed");
      }
      c = connection;
      if (c != null && c.isOpen()) {
        return c;
      }
      if (c != null) {
        c.closeAsync();
      }
      try {
        c = client.connect();
      } catch (RedisException e) {
        throw unavailable(e);
      }
      c.setTimeout(commandTimeout);
      connection = c;
      return c;
    } finally {
      connecting.unlock();
    }
  }

  private void drop(StatefulRedisConnection<String, String> c) {
    if (connection == c) {
      connection = null;
    }
    c.closeAsync();
  }

  private IllegalStateException unavailable(RedisException e) {
    return new IllegalStateException(
        unavailable + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
  }

  /** Closes the connection and shuts the client's threads down; later calls throw. */
  @Override
  public void close() {
    connecting.lock();
    try {
      closed = true;
      StatefulRedisConnection<String, String> c = connection;
      connection = null;
      if (c != null) {
        c.close();
      }
    } finally {
      connecting.unlock();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
