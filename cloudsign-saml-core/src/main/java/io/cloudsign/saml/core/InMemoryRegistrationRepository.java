package io.cloudsign.saml.core;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A {@link RegistrationRepository} in this JVM's memory: for one node and for tests. {@link #put}
 * replaces a row and gives it the next version. Thread-safe.
 */
public final class InMemoryRegistrationRepository implements RegistrationRepository {
  private final ConcurrentSkipListMap<String, RegistrationRecord> rows =
      new ConcurrentSkipListMap<>();

  /** Adds or replaces the row of {@code record.id()}; returns the stored row (next version). */
  public RegistrationRecord put(RegistrationRecord record) {
    Objects.requireNonNull(record, "record");
    return rows.compute(
        record.id(),
        (id, old) ->
            new RegistrationRecord(
                id,
                record.entityId(),
                record.replyUrl(),
                record.signOnUrl(),
                record.metadataXml(),
                record.metadataUrl(),
                old == null ? 1 : old.version() + 1));
  }

  /** Removes the row; returns whether there was one. */
  public boolean remove(String id) {
    return rows.remove(id) != null;
  }

  @Override
  public Optional<RegistrationRecord> findById(String id) {
    return id == null ? Optional.empty() : Optional.ofNullable(rows.get(id));
  }

  @Override
  public List<RegistrationRecord> findByReplyUrlPath(String path) {
    return rows.values().stream().filter(r -> path.equals(part(r, true))).toList();
  }

  @Override
  public List<RegistrationRecord> findByReplyUrlHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return rows.values().stream().filter(r -> h.equals(part(r, false))).toList();
  }

  @Override
  public List<RegistrationRecord> list(String afterId, int limit) {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be between 1 and 1000: " + limit);
    }
    var tail = afterId == null ? rows : rows.tailMap(afterId, false);
    return tail.values().stream().limit(limit).toList();
  }

  private static String part(RegistrationRecord r, boolean path) {
    try {
      URI u = URI.create(r.replyUrl());
      return path ? u.getPath() : String.valueOf(u.getHost()).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
