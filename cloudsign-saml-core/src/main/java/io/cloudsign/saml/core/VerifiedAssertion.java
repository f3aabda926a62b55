package io.cloudsign.saml.core;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An identity Entra vouched for in a Response that passed every rule. Only {@link ServiceProvider}
 * creates one (no public constructor), so holding one proves validation ran, as Tink's {@code
 * VerifiedJwt}.
 *
 * <p>Every value is read from the signed Assertion object. Immutable and thread-safe.
 *
 * <p>Security guarantees: the signature covering the assertion verified with a certificate from the
 * registration's IdP metadata, the Response answered this browser's pending request, was addressed
 * to this registration's Reply URL and Identifier, is fresh, and its assertion ID had not been used
 * before. For an Entra IdP, the {@code tenantid} claim (when sent) is the IdP's own tenant.
 *
 * <p><b>Identities are unique only within their registration.</b> Whoever administers a customer's
 * Entra tenant controls what its assertions say: the NameID source, the claims (a UPN, an email of
 * another company's domain) and, by importing a signing certificate, every value. Link local users
 * by {@link #subjectKey()} or {@link #entraObjectKey()}, which are scoped to the registration and
 * the issuer, never by a bare NameID, UPN or email shared across registrations.
 *
 * <pre>{@code
 * User u = users.findBySamlKey(verified.entraObjectKey().orElse(verified.subjectKey()));
 * }</pre>
 */
public final class VerifiedAssertion {
  private final String registrationId;
  private final String issuer;
  private final String assertionId;
  private final String nameId;
  private final String nameIdFormat;
  private final Map<String, List<String>> attributes;
  private final String sessionIndex;
  private final Instant authnInstant;
  private final Instant sessionNotOnOrAfter;
  private final Instant notOnOrAfter;
  private final List<String> authnContextClassRefs;
  private final String inResponseTo;
  private final Optional<String> relayState;
  private final ClaimMapping claims;

  VerifiedAssertion(
      String registrationId,
      String issuer,
      String assertionId,
      String nameId,
      String nameIdFormat,
      Map<String, List<String>> attributes,
      String sessionIndex,
      Instant authnInstant,
      Instant sessionNotOnOrAfter,
      Instant notOnOrAfter,
      List<String> authnContextClassRefs,
      String inResponseTo,
      Optional<String> relayState,
      ClaimMapping claims) {
    this.registrationId = Objects.requireNonNull(registrationId);
    this.issuer = Objects.requireNonNull(issuer);
    this.assertionId = Objects.requireNonNull(assertionId);
    this.nameId = Objects.requireNonNull(nameId);
    this.nameIdFormat = nameIdFormat;
    Map<String, List<String>> copy = new LinkedHashMap<>();
    attributes.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    this.attributes = java.util.Collections.unmodifiableMap(copy);
    this.sessionIndex = sessionIndex;
    this.authnInstant = authnInstant;
    this.sessionNotOnOrAfter = sessionNotOnOrAfter;
    this.notOnOrAfter = Objects.requireNonNull(notOnOrAfter);
    this.authnContextClassRefs = List.copyOf(authnContextClassRefs);
    this.inResponseTo = Objects.requireNonNull(inResponseTo);
    this.relayState = relayState;
    this.claims = Objects.requireNonNull(claims);
  }

  /** The registration (Entra application) this sign-in belongs to. */
  public String registrationId() {
    return registrationId;
  }

  /** The IdP entity ID (Entra: {@code https://sts.windows.net/<tenant>/}). */
  public String issuer() {
    return issuer;
  }

  public String assertionId() {
    return assertionId;
  }

  /**
   * A key for the subject that is unique across registrations: the registration id, the issuer and
   * the NameID ({@code <registration>|<issuer>|<nameId>}, with {@code %} and {@code |} in the
   * issuer percent-encoded, so that the key is unambiguous). Stable as long as the Entra
   * application's Unique User Identifier claim is not changed.
   */
  public String subjectKey() {
    return registrationId + "|" + issuer.replace("%", "%25").replace("|", "%7C") + "|" + nameId;
  }

  /**
   * For an Entra IdP that sends the object id claim: {@code <registration>|entra|<tenant
   * id>|<object id>}, the key Microsoft recommends for linking users (the object id never changes,
   * unlike a UPN or email). Empty for other IdPs or without the claim.
   */
  public Optional<String> entraObjectKey() {
    Optional<String> tenant = EntraIssuer.tenantId(issuer);
    Optional<String> oid = objectId();
    if (tenant.isEmpty() || oid.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(registrationId + "|entra|" + tenant.get() + "|" + oid.get());
  }

  /**
   * The NameID (Entra's "Unique User Identifier"), its whole text. Unique only within this
   * registration: see {@link #subjectKey()}.
   */
  public String nameId() {
    return nameId;
  }

  /** The NameID Format URI, if Entra sent one. */
  public Optional<String> nameIdFormat() {
    return Optional.ofNullable(nameIdFormat);
  }

  /**
   * Every attribute, keyed by attribute name (claim URI), values in document order. Immutable;
   * iteration follows document order.
   */
  public Map<String, List<String>> attributes() {
    return attributes;
  }

  /** All values of one attribute; empty when absent. */
  public List<String> attribute(String name) {
    return attributes.getOrDefault(name, List.of());
  }

  /** The first value of one attribute. */
  public Optional<String> firstAttribute(String name) {
    List<String> v = attribute(name);
    return v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /** The first value of an Entra claim, through the registration's {@link ClaimMapping}. */
  public Optional<String> claim(EntraClaim claim) {
    return firstAttribute(claims.attributeName(claim));
  }

  /** All values of an Entra claim, through the registration's {@link ClaimMapping}. */
  public List<String> claimValues(EntraClaim claim) {
    return attribute(claims.attributeName(claim));
  }

  public Optional<String> objectId() {
    return claim(EntraClaim.OBJECT_ID);
  }

  public Optional<String> tenantId() {
    return claim(EntraClaim.TENANT_ID);
  }

  /** The user principal name claim. */
  public Optional<String> name() {
    return claim(EntraClaim.NAME);
  }

  public Optional<String> email() {
    return claim(EntraClaim.EMAIL);
  }

  public Optional<String> displayName() {
    return claim(EntraClaim.DISPLAY_NAME);
  }

  public Optional<String> givenName() {
    return claim(EntraClaim.GIVEN_NAME);
  }

  public Optional<String> surname() {
    return claim(EntraClaim.SURNAME);
  }

  /**
   * The group object ids Entra listed. Empty does not mean "in no group": check {@link
   * #groupsClaim()} — Entra lists at most 150 groups in a SAML token and sends a link instead.
   */
  public List<String> groups() {
    return claimValues(EntraClaim.GROUPS);
  }

  /** What Entra's groups claim says, so that an overage is never read as "no groups". */
  public enum GroupsClaim {
    /** {@link #groups()} holds the user's groups (of those the app's groups claim selects). */
    LISTED,
    /**
     * The user is in more groups than Entra puts in a token (150): no groups claim, a {@code
     * …/claims/groups.link} instead ({@link #groupsLink()}); read them from Microsoft Graph or
     * limit the claim to the groups assigned to the application.
     */
    OVERAGE,
    /**
     * No groups claim: none configured in Entra (Attributes &amp; Claims), or the user has none.
     */
    ABSENT
  }

  /** Whether Entra listed the groups, sent an overage link instead, or sent no groups claim. */
  public GroupsClaim groupsClaim() {
    if (!groups().isEmpty()) {
      return GroupsClaim.LISTED;
    }
    return groupsLink().isPresent() ? GroupsClaim.OVERAGE : GroupsClaim.ABSENT;
  }

  /** Entra's {@code …/claims/groups.link} (sent instead of the groups on an overage). */
  public Optional<String> groupsLink() {
    return claim(EntraClaim.GROUPS_LINK);
  }

  /**
   * Entra's {@code authnmethodsreferences}: how the user authenticated, e.g. {@code
   * http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password} and, after MFA,
   * {@code http://schemas.microsoft.com/claims/multipleauthn}.
   */
  public List<String> authnMethodsReferences() {
    return claimValues(EntraClaim.AUTHN_METHODS_REFERENCES);
  }

  /**
   * Entra's {@code identityprovider}: who authenticated the user — the tenant's issuer for its own
   * users, another value for guests (B2B) or federated domains.
   */
  public Optional<String> identityProvider() {
    return claim(EntraClaim.IDENTITY_PROVIDER);
  }

  public List<String> roles() {
    return claimValues(EntraClaim.ROLES);
  }

  /** The AuthnStatement's SessionIndex (Entra: equals the assertion ID). */
  public Optional<String> sessionIndex() {
    return Optional.ofNullable(sessionIndex);
  }

  /** When the user authenticated at Entra; can be days ago (Entra SSO session). */
  public Optional<Instant> authnInstant() {
    return Optional.ofNullable(authnInstant);
  }

  /** If present, the local session must end by then. */
  public Optional<Instant> sessionNotOnOrAfter() {
    return Optional.ofNullable(sessionNotOnOrAfter);
  }

  /** The assertion's Conditions NotOnOrAfter. */
  public Instant notOnOrAfter() {
    return notOnOrAfter;
  }

  /** AuthnContextClassRef values of the AuthnStatements. */
  public List<String> authnContextClassRefs() {
    return authnContextClassRefs;
  }

  /** The ID of the pending request (AuthnRequest) this Response answered. */
  public String inResponseTo() {
    return inResponseTo;
  }

  /** The RelayState of the pending request this Response answered. */
  public Optional<String> relayState() {
    return relayState;
  }

  @Override
  public String toString() {
    return "VerifiedAssertion{registration="
        + registrationId
        + ", issuer="
        + issuer
        + ", nameId="
        + nameId
        + ", assertionId="
        + assertionId
        + "}";
  }
}
