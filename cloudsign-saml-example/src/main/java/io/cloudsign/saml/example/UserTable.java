package io.cloudsign.saml.example;

import io.cloudsign.saml.core.VerifiedAssertion;
import io.cloudsign.saml.servlet.LocalUser;
import io.cloudsign.saml.servlet.UserLinkException;
import io.cloudsign.saml.servlet.UserLinker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The example's local users and how Entra identities are linked to them.
 *
 * <p>The table belongs to one registration (the example's one customer tenant): its users are named
 * by the NameID or UPN that tenant gives them, as an administrator invites users by email. On an
 * identity's first sign-in its <b>scoped key</b> ({@link VerifiedAssertion#entraObjectKey()}, else
 * {@link VerifiedAssertion#subjectKey()}) is linked to that user; from then on only the key counts.
 * A NameID or UPN is unique only within its registration, so an identity of another registration is
 * never matched by name, and a second identity with the same name (another object id) cannot take a
 * user that is already linked. Only active users may sign in, unless the table provisions every
 * user Entra vouches for. Thread-safe.
 */
final class UserTable implements UserLinker {
  static final String B_SIMON = "B.Simon@contoso.com";

  private final String registrationId;
  private final boolean autoProvision;

  /** Local user name (lower case) to active. */
  private final Map<String, Boolean> active = new ConcurrentHashMap<>();

  /** Scoped key to local user name. */
  private final Map<String, String> links = new ConcurrentHashMap<>();

  private UserTable(String registrationId, boolean autoProvision) {
    this.registrationId = registrationId;
    this.autoProvision = autoProvision;
  }

  /** The seed table: B.Simon (active) and Inactive.User (inactive). */
  static UserTable seeded(String registrationId) {
    UserTable t = new UserTable(registrationId, false);
    t.put(B_SIMON, true);
    t.put("Inactive.User@contoso.com", false);
    return t;
  }

  /** Every user Entra vouches for is provisioned on first sign-in. */
  static UserTable autoProvisioning(String registrationId) {
    return new UserTable(registrationId, true);
  }

  /** Lines {@code name active|inactive}; blank lines and {@code #} comments are skipped. */
  static UserTable load(String registrationId, Path file) throws IOException {
    UserTable t = new UserTable(registrationId, false);
    int n = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      n++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] f = l.split("\\s+");
      if (f.length > 2 || (f.length == 2 && !f[1].matches("(?i)active|inactive"))) {
        throw new IOException(file + ":" + n + ": expected 'name active|inactive': " + l);
      }
      t.put(f[0], f.length == 1 || f[1].equalsIgnoreCase("active"));
    }
    return t;
  }

  void put(String name, boolean isActive) {
    active.put(name.toLowerCase(Locale.ROOT), isActive);
  }

  @Override
  public LocalUser link(VerifiedAssertion identity) throws UserLinkException {
    String key = identity.entraObjectKey().orElse(identity.subjectKey());
    String name = links.get(key);
    if (name == null) {
      name = linkOnFirstSignIn(identity, key);
    }
    if (!active.getOrDefault(name, false)) {
      throw UserLinkException.inactive("local user " + name + " is inactive");
    }
    return LocalUser.of(name);
  }

  /** Finds the user this registration's tenant names, and links the key to it. */
  private synchronized String linkOnFirstSignIn(VerifiedAssertion identity, String key)
      throws UserLinkException {
    String linked = links.get(key);
    if (linked != null) {
      return linked; // the same identity's first sign-in in another browser got the lock first
    }
    if (!identity.registrationId().equals(registrationId)) {
      throw UserLinkException.notProvisioned(
          "identity " + key + " is of registration " + identity.registrationId());
    }
    Optional<String> user =
        lookup(identity.nameId()).or(() -> identity.name().flatMap(this::lookup));
    if (user.isEmpty() && autoProvision) {
      put(identity.nameId(), true);
      user = lookup(identity.nameId());
    }
    if (user.isEmpty()) {
      throw UserLinkException.notProvisioned(
          "no local user " + identity.nameId() + " (add it with --users or provision it)");
    }
    if (links.containsValue(user.get())) {
      throw UserLinkException.notProvisioned(
          "local user " + user.get() + " is linked to another identity than " + key);
    }
    if (active.get(user.get())) {
      links.put(key, user.get());
    }
    return user.get();
  }

  private Optional<String> lookup(String name) {
    String k = name.toLowerCase(Locale.ROOT);
    return active.containsKey(k) ? Optional.of(k) : Optional.empty();
  }
}
