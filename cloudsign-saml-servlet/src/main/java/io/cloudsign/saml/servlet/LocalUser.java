package io.cloudsign.saml.servlet;

import java.util.Objects;
import java.util.Set;

/**
 * The local user a {@link UserLinker} linked a verified identity to: its name (what {@code
 * getRemoteUser()} returns) and roles (what {@code isUserInRole} checks). Immutable.
 */
public final class LocalUser {
  private final String name;
  private final Set<String> roles;

  private LocalUser(String name, Set<String> roles) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a local user needs a non-blank name");
    }
    this.name = name;
    this.roles = Set.copyOf(roles);
  }

  /** A user without roles. */
  public static LocalUser of(String name) {
    return new LocalUser(name, Set.of());
  }

  public static LocalUser of(String name, Set<String> roles) {
    return new LocalUser(name, Objects.requireNonNull(roles, "roles"));
  }

  public String name() {
    return name;
  }

  public Set<String> roles() {
    return roles;
  }

  @Override
  public String toString() {
    return "LocalUser{" + name + ", roles=" + roles + "}";
  }
}
