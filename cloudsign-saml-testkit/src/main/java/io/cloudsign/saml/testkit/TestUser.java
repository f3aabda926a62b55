package io.cloudsign.saml.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A user of the fake tenant and the claims Entra would issue for them.
 *
 * <p>Immutable and thread-safe. Absent optional values ({@code givenName}, {@code email}, …) make
 * the fake omit that claim, as Entra omits claims whose source attribute is empty.
 *
 * <pre>{@code
 * TestUser alice =
 *     TestUser.builder()
 *         .nameId("alice@contoso.com")
 *         .displayName("Alice Example")
 *         .groups("6d1e4b5e-0f0c-4e57-9d39-2d4c7a2f8d11")
 *         .roles("Admin")
 *         .build();
 * }</pre>
 */
public final class TestUser {
  private final String nameId;
  private final String userPrincipalName;
  private final String objectId;
  private final String displayName;
  private final String givenName;
  private final String surname;
  private final String email;
  private final List<String> groups;
  private final List<String> roles;
  private final Map<String, List<String>> claims;

  private TestUser(Builder b) {
    this.nameId = b.nameId;
    this.userPrincipalName = b.userPrincipalName != null ? b.userPrincipalName : b.nameId;
    this.objectId = b.objectId != null ? b.objectId : UUID.randomUUID().toString();
    this.displayName = b.displayName;
    this.givenName = b.givenName;
    this.surname = b.surname;
    this.email = b.email;
    this.groups = List.copyOf(b.groups);
    this.roles = List.copyOf(b.roles);
    Map<String, List<String>> c = new LinkedHashMap<>();
    b.claims.forEach((k, v) -> c.put(k, List.copyOf(v)));
    this.claims = Collections.unmodifiableMap(c);
  }

  /**
   * The test user of Microsoft's SAML tutorials, in the {@code contoso.com} tenant: NameID and UPN
   * {@code B.Simon@contoso.com}, display name "B. Simon", given name "B.", surname "Simon", email
   * {@code B.Simon@contoso.com}, and a fixed object id.
   */
  public static TestUser bSimon() {
    return bSimon("contoso.com");
  }

  /**
   * {@link #bSimon()} in another verified domain, e.g. {@code bSimon("fabrikam.onmicrosoft.com")}.
   */
  public static TestUser bSimon(String domain) {
    String upn = "B.Simon@" + Objects.requireNonNull(domain, "domain");
    return builder()
        .nameId(upn)
        .objectId("9c2b1f4e-7d3a-4b8e-a5f6-0e1d2c3b4a59")
        .displayName("B. Simon")
        .givenName("B.")
        .surname("Simon")
        .email(upn)
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder preset with this user's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.nameId = nameId;
    b.userPrincipalName = userPrincipalName;
    b.objectId = objectId;
    b.displayName = displayName;
    b.givenName = givenName;
    b.surname = surname;
    b.email = email;
    b.groups.addAll(groups);
    b.roles.addAll(roles);
    claims.forEach((k, v) -> b.claims.put(k, new ArrayList<>(v)));
    return b;
  }

  /** The NameID value Entra sends (by default the user principal name). */
  public String nameId() {
    return nameId;
  }

  /** The user principal name, sent as the {@code …/claims/name} claim; defaults to the NameID. */
  public String userPrincipalName() {
    return userPrincipalName;
  }

  /** The directory object id (a GUID), sent as the {@code objectidentifier} claim. */
  public String objectId() {
    return objectId;
  }

  public Optional<String> displayName() {
    return Optional.ofNullable(displayName);
  }

  public Optional<String> givenName() {
    return Optional.ofNullable(givenName);
  }

  public Optional<String> surname() {
    return Optional.ofNullable(surname);
  }

  public Optional<String> email() {
    return Optional.ofNullable(email);
  }

  /** Group object ids (GUIDs), in order. */
  public List<String> groups() {
    return groups;
  }

  /** App role values, in order. */
  public List<String> roles() {
    return roles;
  }

  /** Extra claims by claim URI, in insertion order; they replace a standard claim of that URI. */
  public Map<String, List<String>> claims() {
    return claims;
  }

  @Override
  public String toString() {
    return "TestUser[" + nameId + ", objectId=" + objectId + "]";
  }

  /** Builds a {@link TestUser}; only {@code nameId} is required. Not thread-safe. */
  public static final class Builder {
    private String nameId;
    private String userPrincipalName;
    private String objectId;
    private String displayName;
    private String givenName;
    private String surname;
    private String email;
    private final List<String> groups = new ArrayList<>();
    private final List<String> roles = new ArrayList<>();
    private final Map<String, List<String>> claims = new LinkedHashMap<>();

    private Builder() {}

    public Builder nameId(String nameId) {
      this.nameId = requireText(nameId, "nameId");
      return this;
    }

    public Builder userPrincipalName(String upn) {
      this.userPrincipalName = requireText(upn, "userPrincipalName");
      return this;
    }

    /** The object id; default a random GUID. */
    public Builder objectId(String objectId) {
      this.objectId = requireText(objectId, "objectId");
      return this;
    }

    public Builder displayName(String displayName) {
      this.displayName = displayName;
      return this;
    }

    public Builder givenName(String givenName) {
      this.givenName = givenName;
      return this;
    }

    public Builder surname(String surname) {
      this.surname = surname;
      return this;
    }

    public Builder email(String email) {
      this.email = email;
      return this;
    }

    /** Replaces the group ids. More than 150 make the fake send Entra's groups overage claim. */
    public Builder groups(String... groupIds) {
      return groups(List.of(groupIds));
    }

    public Builder groups(List<String> groupIds) {
      groups.clear();
      groupIds.forEach(g -> groups.add(requireText(g, "group id")));
      return this;
    }

    /** Replaces the app roles. */
    public Builder roles(String... roles) {
      this.roles.clear();
      for (String r : roles) {
        this.roles.add(requireText(r, "role"));
      }
      return this;
    }

    /** Adds (or replaces) a claim; it overrides a standard claim with the same URI. */
    public Builder claim(String uri, String... values) {
      requireText(uri, "claim uri");
      if (values.length == 0) {
        throw new IllegalArgumentException("claim " + uri + " needs at least one value");
      }
      List<String> v = new ArrayList<>();
      for (String value : values) {
        v.add(Objects.requireNonNull(value, "claim value"));
      }
      claims.put(uri, v);
      return this;
    }

    /**
     * @throws IllegalStateException if {@code nameId} was not set
     */
    public TestUser build() {
      if (nameId == null) {
        throw new IllegalStateException(
            "TestUser needs a nameId, e.g. .nameId(\"alice@contoso.com\")");
      }
      return new TestUser(this);
    }

    private static String requireText(String s, String what) {
      if (s == null || s.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return s;
    }
  }
}
