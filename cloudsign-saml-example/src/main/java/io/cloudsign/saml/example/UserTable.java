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
 * The example's local users: an in-memory table keyed by user name (compared case-insensitively
 * with Entra's NameID, then its UPN claim). It demonstrates linking: only active users that exist
 * here may sign in, unless the table provisions every user Entra vouches for.
 */
final class UserTable implements UserLinker {
  static final String B_SIMON = "B.Simon@contoso.com";

  private final Map<String, Boolean> active = new ConcurrentHashMap<>();
  private final boolean autoProvision;

  private UserTable(boolean autoProvision) {
    this.autoProvision = autoProvision;
  }

  /** The seed table: B.Simon (active) and Inactive.User (inactive). */
  static UserTable seeded() {
    UserTable t = new UserTable(false);
    t.put(B_SIMON, true);
    t.put("Inactive.User@contoso.com", false);
    return t;
  }

  /** Every user Entra vouches for is provisioned on first sign-in. */
  static UserTable autoProvisioning() {
    return new UserTable(true);
  }

  /** Lines {@code name active|inactive}; blank lines and {@code #} comments are skipped. */
  static UserTable load(Path file) throws IOException {
    UserTable t = new UserTable(false);
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
    String name = identity.nameId();
    Optional<String> key = lookup(name).or(() -> identity.name().flatMap(this::lookup));
    if (key.isEmpty()) {
      if (autoProvision) {
        put(name, true);
        return LocalUser.of(name);
      }
      throw UserLinkException.notProvisioned(
          "no local user " + name + " (add it with --users or provision it)");
    }
    if (!active.get(key.get())) {
      throw UserLinkException.inactive("local user " + key.get() + " is inactive");
    }
    return LocalUser.of(key.get());
  }

  private Optional<String> lookup(String name) {
    String k = name.toLowerCase(Locale.ROOT);
    return active.containsKey(k) ? Optional.of(k) : Optional.empty();
  }
}
