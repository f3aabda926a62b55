package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.Urls;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A {@link RegistrationRepository} in this JVM's memory: for one node and for tests. {@link #put}
 * adds or replaces a row and gives it the next version. Thread-safe.
 */
public final class InMemoryRegistrationRepository implements RegistrationRepository {
  private final ConcurrentSkipListMap<String, RegistrationRecord> rows =
      new ConcurrentSkipListMap<>();

  /** Adds or replaces the row of {@code record.id()}; returns the stored row (next version). */
  public RegistrationRecord put(RegistrationRecord record) {
    Objects.requireNonNull(record, "record");
    return rows.compute(
        record.id(), (id, old) -> record.withVersion(old == null ? 1 : old.version() + 1));
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
  public List<RegistrationRecord> findByReplyUrlPath(String path, int limit) {
    RegistrationRepository.requireLimit(limit);
    return rows.values().stream()
        .filter(r -> path.equals(Urls.pathOf(r.replyUrl())))
        .limit(limit)
        .toList();
  }

  @Override
  public List<RegistrationRecord> findByReplyUrlHost(String host, int limit) {
    RegistrationRepository.requireLimit(limit);
    String h = host.toLowerCase(Locale.ROOT);
    return rows.values().stream()
        .filter(r -> h.equals(Urls.hostOf(r.replyUrl())))
        .limit(limit)
        .toList();
  }

  @Override
  public List<RegistrationRecord> list(String afterId, int limit) {
    RegistrationRepository.requireLimit(limit);
    var tail = afterId == null ? rows : rows.tailMap(afterId, false);
    return tail.values().stream().limit(limit).toList();
  }
}
