package io.cloudsign.saml.core;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An AuthnRequest this browser sent and whose Response has not arrived yet. Keep it bound to the
 * browser that started sign-in (a signed cookie or server-side state) and pass it to {@link
 * ServiceProvider#validate(String, PendingRequest)}; use it once.
 *
 * <p>Immutable and thread-safe. {@link #of} exists so that state stores can restore a pending
 * request they saved; it must only be fed values this application stored itself
 * (integrity-protected), never values from the request.
 */
public final class PendingRequest implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String registrationId;
  private final String requestId;
  private final Instant issuedAt;
  private final Instant expiresAt;
  private final String relayState;
  private final boolean forceAuthn;
  private final List<String> authnContextClassRefs;
  private final String nameIdFormat;

  private PendingRequest(
      String registrationId,
      String requestId,
      Instant issuedAt,
      Instant expiresAt,
      String relayState,
      boolean forceAuthn,
      List<String> authnContextClassRefs,
      String nameIdFormat) {
    this.registrationId = Objects.requireNonNull(registrationId, "registrationId");
    this.requestId = Objects.requireNonNull(requestId, "requestId");
    this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt");
    this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
    this.relayState = relayState;
    this.forceAuthn = forceAuthn;
    this.authnContextClassRefs = List.copyOf(authnContextClassRefs);
    this.nameIdFormat = nameIdFormat;
    if (!expiresAt.isAfter(issuedAt)) {
      throw new IllegalArgumentException("expiresAt must be after issuedAt");
    }
  }

  /**
   * Restores a pending request from integrity-protected storage.
   *
   * @param relayState may be {@code null}
   */
  public static PendingRequest of(
      String registrationId,
      String requestId,
      Instant issuedAt,
      Instant expiresAt,
      String relayState) {
    return new PendingRequest(
        registrationId, requestId, issuedAt, expiresAt, relayState, false, List.of(), null);
  }

  /**
   * This request as also asking for fresh authentication, an authentication context (Comparison
   * exact) and a NameID Format; validation then requires the Response to honour them (the redirect
   * passes through the browser, which could strip them). A store that restores pending requests
   * saves these too; the registration's own settings are enforced either way.
   *
   * @param nameIdFormat may be {@code null}
   */
  public PendingRequest requesting(
      boolean forceAuthn, List<String> authnContextClassRefs, String nameIdFormat) {
    return new PendingRequest(
        registrationId,
        requestId,
        issuedAt,
        expiresAt,
        relayState,
        forceAuthn,
        authnContextClassRefs,
        nameIdFormat);
  }

  /** The registration (Entra application) the request was sent for. */
  public String registrationId() {
    return registrationId;
  }

  /** The AuthnRequest ID; the Response's InResponseTo must equal it. */
  public String requestId() {
    return requestId;
  }

  public Instant issuedAt() {
    return issuedAt;
  }

  /** After this instant the Response is refused with {@link ErrorCode#PENDING_REQUEST_EXPIRED}. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** The RelayState sent with the request, if any. */
  public Optional<String> relayState() {
    return Optional.ofNullable(relayState);
  }

  /** Whether ForceAuthn was sent: the AuthnInstant must then be after the request. */
  public boolean forceAuthn() {
    return forceAuthn;
  }

  /** The RequestedAuthnContext class refs sent (Comparison exact); empty if none. */
  public List<String> authnContextClassRefs() {
    return authnContextClassRefs;
  }

  /** The NameIDPolicy Format sent, if any. */
  public Optional<String> nameIdFormat() {
    return Optional.ofNullable(nameIdFormat);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PendingRequest p
        && registrationId.equals(p.registrationId)
        && requestId.equals(p.requestId)
        && issuedAt.equals(p.issuedAt)
        && expiresAt.equals(p.expiresAt)
        && Objects.equals(relayState, p.relayState)
        && forceAuthn == p.forceAuthn
        && authnContextClassRefs.equals(p.authnContextClassRefs)
        && Objects.equals(nameIdFormat, p.nameIdFormat);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        registrationId,
        requestId,
        issuedAt,
        expiresAt,
        relayState,
        forceAuthn,
        authnContextClassRefs,
        nameIdFormat);
  }

  @Override
  public String toString() {
    return "PendingRequest{registration="
        + registrationId
        + ", id="
        + requestId
        + ", expiresAt="
        + expiresAt
        + "}";
  }
}
