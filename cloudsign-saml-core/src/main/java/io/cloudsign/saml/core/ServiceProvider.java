package io.cloudsign.saml.core;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * This application as a SAML 2.0 service provider for one or more Entra {@link Registration}s:
 * starts SP-initiated sign-in and validates the Responses Entra posts back to the Reply URL.
 *
 * <p>Build it once at start-up; it is immutable and thread-safe. Misconfiguration fails in {@link
 * Builder#build()}, not at the first login. OpenSAML is initialised by the library, once.
 *
 * <pre>{@code
 * ServiceProvider sp = ServiceProvider.builder().registration(contoso).build();
 * SignInRequest request = sp.startSignIn("contoso", "/inbox");
 * // remember request.pending() for this browser, redirect to request.redirectUrl()
 * // ... later, at the Reply URL:
 * VerifiedAssertion user = sp.validate(samlResponseFormValue, pending);
 * }</pre>
 *
 * <p>Security guarantees of {@link #validate}: see {@link VerifiedAssertion}. Defaults: clock skew
 * 3 minutes (cap 10), Response age 5 minutes after its IssueInstant, pending requests valid 15
 * minutes, Responses up to 256 KiB of base64, RSA/ECDSA with SHA-256/384/512 only, an {@link
 * InMemoryReplayCache}.
 */
public final class ServiceProvider {
  /** The largest clock skew {@link Builder#clockSkew} accepts. */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(10);

  private final Map<String, Registration> registrations;
  private final TenantRegistrations tenants;
  private final ValidationPolicy policy;
  private final Duration pendingRequestLifetime;
  private final AuthnRequests authnRequests;
  private final ResponseValidator validator;
  private final LogoutMessages logout;

  private ServiceProvider(
      Map<String, Registration> registrations,
      TenantRegistrations tenants,
      ValidationPolicy policy,
      Duration pendingRequestLifetime) {
    this.registrations = Collections.unmodifiableMap(new LinkedHashMap<>(registrations));
    this.tenants = tenants;
    this.policy = policy;
    this.pendingRequestLifetime = pendingRequestLifetime;
    this.authnRequests = new AuthnRequests(policy.clock(), pendingRequestLifetime);
    this.validator = new ResponseValidator(policy, this::registration);
    this.logout = new LogoutMessages(policy, pendingRequestLifetime);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts sign-in for the only registration.
   *
   * @throws IllegalStateException if there is more than one registration
   */
  public SignInRequest startSignInForOnlyRegistration(String relayState) {
    if (registrations.size() != 1) {
      throw new IllegalStateException(
          "several registrations are configured: name one with startSignIn(registrationId, …)");
    }
    return startSignIn(registrations.keySet().iterator().next(), relayState);
  }

  /**
   * Builds a fresh AuthnRequest for {@code registrationId} (ID = {@code _} + 128 random bits,
   * IssueInstant now, Destination = the IdP's SSO URL, ACS URL = the Reply URL, HTTP-POST response
   * binding, Issuer = the Identifier, no Subject) and encodes it for the registration's binding.
   *
   * @param relayState sent back unchanged by Entra; at most 80 bytes (SAML Bindings §3.4.3); may be
   *     {@code null}
   * @throws IllegalArgumentException if the registration is unknown or the relay state too long
   */
  public SignInRequest startSignIn(String registrationId, String relayState) {
    return authnRequests.create(requireRegistration(registrationId), relayState);
  }

  /**
   * Validates the {@code SAMLResponse} form value (base64, as posted) against the pending request
   * of this browser. Runs every rule; see {@link VerifiedAssertion} for what a result guarantees.
   *
   * @throws SamlValidationException with every rule failure found
   */
  public VerifiedAssertion validate(String samlResponse, PendingRequest pending)
      throws SamlValidationException {
    Objects.requireNonNull(pending, "pending");
    return validator.validate(samlResponse, List.of(pending));
  }

  /**
   * As {@link #validate(String, PendingRequest)} when a browser may have several sign-ins in flight
   * (several tabs): the Response must answer one of them.
   *
   * @throws SamlValidationException with every rule failure found
   */
  public VerifiedAssertion validate(String samlResponse, Collection<PendingRequest> pending)
      throws SamlValidationException {
    Objects.requireNonNull(pending, "pending");
    return validator.validate(samlResponse, List.copyOf(pending));
  }

  /**
   * Starts SP-initiated single logout for a signed-in user (call it after ending the local
   * session): a {@code LogoutRequest} (ID = {@code _} + 128 random bits, Destination = the IdP's
   * logout URL, Issuer = the Identifier, the user's NameID with its Format and the assertion's
   * SessionIndex), signed by HTTP-Redirect when the registration has a request-signing key.
   *
   * @return empty when the registration has no {@link Registration.Builder#logoutUrl Logout Url} or
   *     its IdP metadata no logout URL (then the local sign-out is all there is)
   * @throws IllegalArgumentException if the registration is unknown, the NameID empty or the relay
   *     state over 80 bytes
   */
  public Optional<LogoutRequest> startLogout(
      String registrationId,
      String nameId,
      String nameIdFormat,
      String sessionIndex,
      String relayState) {
    if (relayState != null
        && relayState.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 80) {
      throw new IllegalArgumentException("relayState must be at most 80 bytes");
    }
    return logout.create(
        requireRegistration(registrationId), nameId, nameIdFormat, sessionIndex, relayState);
  }

  /**
   * Validates the IdP's {@code LogoutResponse}: {@code rawQueryString} is the query of its GET to
   * the Logout Url exactly as received ({@code HttpServletRequest#getQueryString()}), never
   * re-encoded. Checks: one each of SAMLResponse, RelayState, SigAlg, Signature; the RelayState and
   * InResponseTo of {@code pendingLogout}, not expired; IssueInstant within the clock skew;
   * Destination (when present) = the Logout Url; Issuer one of {@link
   * Registration#logoutIssuers()}; Status Success; when signed, the Redirect signature over the raw
   * query with the IdP's certificates (RSA-SHA256/384/512).
   *
   * @throws LogoutException naming what failed
   */
  public void validateLogoutResponse(String rawQueryString, PendingRequest pendingLogout)
      throws LogoutException {
    Objects.requireNonNull(pendingLogout, "pendingLogout");
    logout.validate(rawQueryString, pendingLogout, this::registration);
  }

  /**
   * As {@link #validateLogoutResponse(String, PendingRequest)} for a LogoutResponse the IdP sent by
   * HTTP-POST (Keycloak, SimpleSAMLphp and others answer so when the SP metadata lists a POST
   * SingleLogoutService; Entra never does): {@code samlResponse} and {@code relayState} are the
   * form values as posted. The message is at most 64 KiB of base64, parsed once with no DOCTYPE
   * within the parse bounds of a Response, with no repeated ID and no {@code ds:Signature} but on
   * its root; when signed, that enveloped XML signature must verify exactly as a Response's does
   * (Reference {@code #<ID>} of the root, one signature, RSA/ECDSA with SHA-2, the IdP's
   * certificates only, KeyInfo never trusted). Then the same checks as for HTTP-Redirect.
   *
   * @param relayState the posted RelayState, or {@code null} when the form had none
   * @throws LogoutException naming what failed
   */
  public void validateLogoutResponsePost(
      String samlResponse, String relayState, PendingRequest pendingLogout) throws LogoutException {
    Objects.requireNonNull(pendingLogout, "pendingLogout");
    logout.validatePost(samlResponse, relayState, pendingLogout, this::registration);
  }

  /**
   * Validates a {@code LogoutRequest} the IdP sent by HTTP-Redirect to a Logout Url ({@code
   * rawQueryString} exactly as received) for one of {@code registrationIds} (those whose Logout Url
   * it arrived at), chosen by its Issuer (one of {@link Registration#logoutIssuers()}). Checks: the
   * Redirect signature over the raw query (required unless {@link
   * Registration.Builder#acceptUnsignedLogoutRequests}), IssueInstant within {@code maxResponseAge}
   * and the clock skew, NotOnOrAfter, Destination (when present) = the Logout Url, a NameID, and
   * its ID used once (the replay cache; a store that cannot answer does not stop the logout, which
   * only signs out).
   *
   * @throws LogoutException naming what failed
   */
  public IdpLogoutRequest validateLogoutRequest(
      String rawQueryString, Collection<String> registrationIds) throws LogoutException {
    return logout.validateRequest(
        rawQueryString, candidates(registrationIds), policy.replayCache());
  }

  /**
   * As {@link #validateLogoutRequest(String, Collection)} for a LogoutRequest the IdP sent by
   * HTTP-POST (a cross-site form POST to the Logout Url: its signature, not its origin,
   * authenticates it): {@code samlRequest} and {@code relayState} are the form values as posted.
   * The message is at most 64 KiB of base64, parsed once with no DOCTYPE within the parse bounds of
   * a Response, with no repeated ID and no {@code ds:Signature} but on its root. It must carry an
   * enveloped XML signature on its root (unless {@link
   * Registration.Builder#acceptUnsignedLogoutRequests}), verified exactly as a Response's
   * (Reference {@code #<ID>} of the root, one signature, RSA/ECDSA with SHA-2, the certificates of
   * the registration chosen by the Issuer only, KeyInfo never trusted). Then the same checks as for
   * HTTP-Redirect: times, Destination, NameID, replay.
   *
   * <p>Answer it with {@link #logoutResponse}: by HTTP-Redirect to the IdP's Redirect
   * SingleLogoutService, which SAML allows (the SP may answer with any binding the IdP supports,
   * Profiles §4.4.3.4, whatever binding the request came with).
   *
   * @param relayState the posted RelayState, or {@code null} when the form had none
   * @throws LogoutException naming what failed
   */
  public IdpLogoutRequest validateLogoutRequestPost(
      String samlRequest, String relayState, Collection<String> registrationIds)
      throws LogoutException {
    return logout.validateRequestPost(
        samlRequest, relayState, candidates(registrationIds), policy.replayCache());
  }

  private List<Registration> candidates(Collection<String> registrationIds) {
    List<Registration> candidates = new java.util.ArrayList<>();
    for (String id : registrationIds) {
      registration(id).ifPresent(candidates::add);
    }
    return candidates;
  }

  /**
   * The answer to a validated IdP LogoutRequest, once its sessions are ended: the URL (the IdP's
   * logout URL with an HTTP-Redirect LogoutResponse, Status Success, signed with the SP key when
   * set) to send the browser to. A LogoutRequest that came by HTTP-POST is answered by
   * HTTP-Redirect too: SAML lets the SP answer with any binding the IdP supports.
   */
  public java.net.URI logoutResponse(IdpLogoutRequest request) {
    return logout.response(requireRegistration(request.registrationId()), request);
  }

  /**
   * The answer to a validated IdP LogoutRequest whose sessions could not all be ended (e.g. the
   * store shared by the nodes was unavailable): as {@link #logoutResponse}, with Status {@code
   * urn:oasis:names:tc:SAML:2.0:status:Responder} instead of Success (SAML Core 3.7.3.2), so that
   * the IdP does not report a complete sign-out.
   */
  public java.net.URI logoutFailedResponse(IdpLogoutRequest request) {
    return logout.response(requireRegistration(request.registrationId()), request, false);
  }

  /** The SP metadata XML for a registration, to upload to Entra ("Upload metadata file"). */
  public String metadata(String registrationId) {
    return SpMetadata.of(requireRegistration(registrationId));
  }

  /**
   * The registration with this id: one given to the builder, else a tenant of {@link
   * Builder#tenants(TenantRegistrations)}.
   *
   * @throws RegistrationUnavailableException when the id is a tenant's that cannot be used now (its
   *     repository cannot be reached, or its row is unusable)
   */
  public Optional<Registration> registration(String registrationId) {
    Registration r = registrations.get(registrationId);
    if (r != null || tenants == null) {
      return Optional.ofNullable(r);
    }
    return tenants.find(registrationId);
  }

  /**
   * The registrations given to the builder, in the order they were added. Tenants read from a
   * repository are not listed (there may be 100,000): see {@link #tenants()}.
   */
  public Collection<Registration> registrations() {
    return registrations.values();
  }

  /** The tenants read from a repository at runtime, if any. */
  public Optional<TenantRegistrations> tenants() {
    return Optional.ofNullable(tenants);
  }

  Registration requireRegistration(String registrationId) {
    return registration(registrationId)
        .orElseThrow(() -> new IllegalArgumentException("unknown registration: " + registrationId));
  }

  /** The clock every time check uses; give the same one to components that issue state. */
  public Clock clock() {
    return policy.clock();
  }

  public Duration clockSkew() {
    return policy.clockSkew();
  }

  public Duration maxResponseAge() {
    return policy.maxResponseAge();
  }

  public Duration pendingRequestLifetime() {
    return pendingRequestLifetime;
  }

  public int maxResponseChars() {
    return policy.maxResponseChars();
  }

  ReplayCache replayCache() {
    return policy.replayCache();
  }

  /** Whether RSA-SHA1 / SHA-1 digests are accepted (insecure; off by default). */
  public boolean allowsInsecureSha1Signatures() {
    return policy.allowInsecureSha1Signatures();
  }

  @Override
  public String toString() {
    return "ServiceProvider{registrations="
        + registrations.values()
        + (tenants != null ? ", tenants=" + tenants.repository().getClass().getSimpleName() : "")
        + ", clockSkew="
        + policy.clockSkew()
        + ", maxResponseAge="
        + policy.maxResponseAge()
        + ", maxResponseChars="
        + policy.maxResponseChars()
        + (policy.allowInsecureSha1Signatures() ? ", INSECURE_SHA1_SIGNATURES_ALLOWED" : "")
        + "}";
  }

  /** Builder; {@link #build()} checks every value. */
  public static final class Builder {
    private final Map<String, Registration> registrations = new LinkedHashMap<>();
    private TenantRegistrations tenants;
    private Clock clock = Clock.systemUTC();
    private Duration clockSkew = Duration.ofMinutes(3);
    private Duration maxResponseAge = Duration.ofMinutes(5);
    private Duration pendingRequestLifetime = Duration.ofMinutes(15);
    private static final int MAX_RESPONSE_CHARS_CAP = 1024 * 1024;
    private int maxResponseChars = 256 * 1024;
    private ReplayCache replayCache;
    private boolean allowInsecureSha1Signatures;

    private Builder() {}

    /** Adds a registration; ids must be unique. */
    public Builder registration(Registration registration) {
      Objects.requireNonNull(registration, "registration");
      if (registrations.putIfAbsent(registration.id(), registration) != null) {
        throw new IllegalArgumentException("duplicate registration id: " + registration.id());
      }
      return this;
    }

    /**
     * Customer tenants read from a repository at runtime, next to (or instead of) the registrations
     * given here; a registration given here wins over a tenant with the same id.
     */
    public Builder tenants(TenantRegistrations tenants) {
      this.tenants = Objects.requireNonNull(tenants, "tenants");
      return this;
    }

    /** The clock for every time check (tests pass a controllable one). Default: system UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Tolerated clock difference with Entra; default 3 minutes, at most {@link #MAX_CLOCK_SKEW}.
     */
    public Builder clockSkew(Duration clockSkew) {
      this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
      return this;
    }

    /** How long after its IssueInstant a Response is accepted (plus skew); default 5 minutes. */
    public Builder maxResponseAge(Duration maxResponseAge) {
      this.maxResponseAge = Objects.requireNonNull(maxResponseAge, "maxResponseAge");
      return this;
    }

    /** How long a sign-in may take at Entra; default 15 minutes. */
    public Builder pendingRequestLifetime(Duration pendingRequestLifetime) {
      this.pendingRequestLifetime =
          Objects.requireNonNull(pendingRequestLifetime, "pendingRequestLifetime");
      return this;
    }

    /**
     * Largest accepted {@code SAMLResponse} form value in characters (base64, so about 4/3 of the
     * XML's bytes); default 256 Ki, at most 1 Mi: even 150 group claims stay far below it, and the
     * cap bounds what one unauthenticated POST can make the parser do.
     */
    public Builder maxResponseChars(int maxResponseChars) {
      this.maxResponseChars = maxResponseChars;
      return this;
    }

    /** Where used assertion IDs are remembered; default a new {@link InMemoryReplayCache}. */
    public Builder replayCache(ReplayCache replayCache) {
      this.replayCache = Objects.requireNonNull(replayCache, "replayCache");
      return this;
    }

    /**
     * INSECURE: also accept RSA-SHA1 signatures and SHA-1 digests (SHA-1 collisions are practical).
     * Only for a legacy IdP that cannot sign with SHA-256; Entra can. Shown by {@code toString()}.
     */
    public Builder allowInsecureSha1Signatures(boolean allow) {
      this.allowInsecureSha1Signatures = allow;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the missing or out-of-range setting
     */
    public ServiceProvider build() {
      if (registrations.isEmpty() && tenants == null) {
        throw new IllegalArgumentException("at least one registration (or tenants) is required");
      }
      if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
        throw new IllegalArgumentException(
            "clockSkew must be between 0 and " + MAX_CLOCK_SKEW + ": " + clockSkew);
      }
      if (maxResponseAge.isNegative()
          || maxResponseAge.isZero()
          || maxResponseAge.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(
            "maxResponseAge must be more than 0 and at most 1 hour: " + maxResponseAge);
      }
      if (pendingRequestLifetime.compareTo(Duration.ofMinutes(1)) < 0
          || pendingRequestLifetime.compareTo(Duration.ofHours(2)) > 0) {
        throw new IllegalArgumentException(
            "pendingRequestLifetime must be between 1 minute and 2 hours: "
                + pendingRequestLifetime);
      }
      if (maxResponseChars < 4096 || maxResponseChars > MAX_RESPONSE_CHARS_CAP) {
        throw new IllegalArgumentException(
            "maxResponseChars must be between 4096 and 1 MiB (1048576): " + maxResponseChars);
      }
      ReplayCache cache =
          replayCache != null
              ? replayCache
              : new InMemoryReplayCache(InMemoryReplayCache.DEFAULT_CAPACITY, clock);
      ValidationPolicy policy =
          new ValidationPolicy(
              clock,
              clockSkew,
              maxResponseAge,
              maxResponseChars,
              allowInsecureSha1Signatures,
              cache);
      return new ServiceProvider(registrations, tenants, policy, pendingRequestLifetime);
    }
  }
}
