package io.cloudsign.saml.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which SAML attribute name carries each {@link EntraClaim}. Starts from Entra's defaults; rename a
 * claim when the admin changed it in Entra's "Attributes &amp; Claims".
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * ClaimMapping mapping = ClaimMapping.entraDefaults().with(EntraClaim.EMAIL, "mail");
 * }</pre>
 */
public final class ClaimMapping {
  private static final ClaimMapping DEFAULTS = new ClaimMapping(defaults());

  private final Map<EntraClaim, String> names;

  private ClaimMapping(Map<EntraClaim, String> names) {
    this.names = names;
  }

  private static Map<EntraClaim, String> defaults() {
    Map<EntraClaim, String> m = new EnumMap<>(EntraClaim.class);
    for (EntraClaim c : EntraClaim.values()) {
      m.put(c, c.defaultUri());
    }
    return m;
  }

  /** Entra's default claim URIs. */
  public static ClaimMapping entraDefaults() {
    return DEFAULTS;
  }

  /** A copy in which {@code claim} is read from the attribute named {@code attributeName}. */
  public ClaimMapping with(EntraClaim claim, String attributeName) {
    Objects.requireNonNull(claim, "claim");
    Objects.requireNonNull(attributeName, "attributeName");
    if (attributeName.isBlank()) {
      throw new IllegalArgumentException("attribute name for " + claim + " must not be blank");
    }
    Map<EntraClaim, String> m = new EnumMap<>(names);
    m.put(claim, attributeName);
    return new ClaimMapping(m);
  }

  /** The attribute name that carries {@code claim}. */
  public String attributeName(EntraClaim claim) {
    return names.get(claim);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClaimMapping c && names.equals(c.names);
  }

  @Override
  public int hashCode() {
    return names.hashCode();
  }

  @Override
  public String toString() {
    return "ClaimMapping" + names;
  }
}
