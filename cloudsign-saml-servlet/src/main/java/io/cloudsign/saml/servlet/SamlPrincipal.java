package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.VerifiedAssertion;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.io.Serializable;
import java.security.Principal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The signed-in user: the {@link LocalUser} the application linked, plus a snapshot of the Entra
 * identity that vouched for it. {@link #getName()} is the local user name.
 *
 * <p>The filter puts it in the HTTP session and the request attribute {@link #ATTRIBUTE}, and
 * returns it from {@code getUserPrincipal()} ({@code getRemoteUser()} = {@link #getName()}). It is
 * created only by the filter after a Response passed every rule. Immutable, serializable.
 */
public final class SamlPrincipal implements Principal, Serializable {
  private static final long serialVersionUID = 1L;

  /** Request and session attribute name. */
  public static final String ATTRIBUTE = SamlPrincipal.class.getName();

  private final String name;
  private final Set<String> roles;
  private final String registrationId;
  private final String issuer;
  private final String nameId;
  private final String nameIdFormat;
  private final Map<String, List<String>> attributes;
  private final String sessionIndex;
  private final Instant authnInstant;
  private final Instant sessionNotOnOrAfter;
  private final Instant signedInAt;

  SamlPrincipal(LocalUser user, VerifiedAssertion identity, Instant signedInAt) {
    this.name = user.name();
    this.roles = user.roles();
    this.registrationId = identity.registrationId();
    this.issuer = identity.issuer();
    this.nameId = identity.nameId();
    this.nameIdFormat = identity.nameIdFormat().orElse(null);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    identity.attributes().forEach((k, v) -> copy.put(k, List.copyOf(v)));
    this.attributes = java.util.Collections.unmodifiableMap(copy);
    this.sessionIndex = identity.sessionIndex().orElse(null);
    this.authnInstant = identity.authnInstant().orElse(null);
    this.sessionNotOnOrAfter = identity.sessionNotOnOrAfter().orElse(null);
    this.signedInAt = signedInAt;
  }

  /** The signed-in user of this request, if any. */
  public static Optional<SamlPrincipal> of(HttpServletRequest request) {
    Objects.requireNonNull(request, "request");
    if (request.getAttribute(ATTRIBUTE) instanceof SamlPrincipal p) {
      return Optional.of(p);
    }
    HttpSession session = request.getSession(false);
    if (session != null && session.getAttribute(ATTRIBUTE) instanceof SamlPrincipal p) {
      return Optional.of(p);
    }
    return Optional.empty();
  }

  /** The local user name. */
  @Override
  public String getName() {
    return name;
  }

  /** The local roles the linker gave. */
  public Set<String> roles() {
    return roles;
  }

  /** The registration (Entra application / tenant) the user signed in through. */
  public String registrationId() {
    return registrationId;
  }

  /** The IdP entity ID that vouched for the user. */
  public String issuer() {
    return issuer;
  }

  /** Entra's NameID (Unique User Identifier). */
  public String nameId() {
    return nameId;
  }

  public Optional<String> nameIdFormat() {
    return Optional.ofNullable(nameIdFormat);
  }

  /** Every attribute of the assertion, keyed by claim URI, values in document order. */
  public Map<String, List<String>> attributes() {
    return attributes;
  }

  public Optional<String> sessionIndex() {
    return Optional.ofNullable(sessionIndex);
  }

  /**
   * When this application accepted the sign-in (its own clock), which an IdP-initiated logout is
   * compared with; empty for a session stored before this was recorded.
   */
  public Optional<Instant> signedInAt() {
    return Optional.ofNullable(signedInAt);
  }

  public Optional<Instant> authnInstant() {
    return Optional.ofNullable(authnInstant);
  }

  /** When the IdP wants the local session to end, if it said so; the filter enforces it. */
  public Optional<Instant> sessionNotOnOrAfter() {
    return Optional.ofNullable(sessionNotOnOrAfter);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SamlPrincipal p
        && name.equals(p.name)
        && registrationId.equals(p.registrationId)
        && nameId.equals(p.nameId)
        && Objects.equals(sessionIndex, p.sessionIndex);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, registrationId, nameId, sessionIndex);
  }

  @Override
  public String toString() {
    return "SamlPrincipal{" + name + ", registration=" + registrationId + "}";
  }
}
