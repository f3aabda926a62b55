package io.cloudsign.saml.core;

/**
 * A tenant's registration cannot be used right now: its {@link RegistrationRepository} cannot be
 * reached, or its row holds values (metadata, URLs) that do not make a {@link Registration}. The
 * message names the tenant and what to fix. Sign-ins for that tenant fail closed with {@link
 * ErrorCode#REGISTRATION_UNAVAILABLE} until it is back or fixed; other tenants are not affected.
 */
public final class RegistrationUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String registrationId;
  private final boolean storeUnavailable;

  RegistrationUnavailableException(
      String registrationId, boolean storeUnavailable, String message, Throwable cause) {
    super(message, cause);
    this.registrationId = registrationId;
    this.storeUnavailable = storeUnavailable;
  }

  /** The tenant asked for. */
  public String registrationId() {
    return registrationId;
  }

  /** True when the repository could not be reached; false when the tenant's row is unusable. */
  public boolean storeUnavailable() {
    return storeUnavailable;
  }
}
