package io.cloudsign.saml.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fake Entra's sessions, for {@link FakeEntraServer}: which user signed in to which application
 * through it (it issued the Responses, so it knows NameID, its Format and the SessionIndex), as
 * Entra remembers the apps of a browser's session to sign them out at the end. A user is one
 * session here (the fake keeps no browser cookies). At most 1000 users, oldest dropped first.
 * Thread-safe.
 */
final class SessionBook {
  private static final int MAX_USERS = 1000;

  /** One sign-in: the application (its Identifier) and what the Response told it. */
  record SignedIn(String application, String nameId, String nameIdFormat, String sessionIndex) {}

  /** Lower-cased NameID → application Identifier → the latest sign-in there. */
  private final LinkedHashMap<String, LinkedHashMap<String, SignedIn>> users =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(
            Map.Entry<String, LinkedHashMap<String, SignedIn>> eldest) {
          return size() > MAX_USERS;
        }
      };

  synchronized void signedIn(SignedIn s) {
    users.computeIfAbsent(key(s.nameId()), k -> new LinkedHashMap<>()).put(s.application(), s);
  }

  /** The user's sign-ins, in the order of their applications' first sign-in. */
  synchronized List<SignedIn> of(String nameId) {
    Map<String, SignedIn> apps = users.get(key(nameId));
    return apps == null ? List.of() : List.copyOf(new ArrayList<>(apps.values()));
  }

  /** The user is signed out of {@code application} (no effect when not signed in there). */
  synchronized void signedOut(String nameId, String application) {
    Map<String, SignedIn> apps = users.get(key(nameId));
    if (apps != null) {
      apps.remove(application);
      if (apps.isEmpty()) {
        users.remove(key(nameId));
      }
    }
  }

  private static String key(String nameId) {
    return nameId.toLowerCase(Locale.ROOT);
  }
}
