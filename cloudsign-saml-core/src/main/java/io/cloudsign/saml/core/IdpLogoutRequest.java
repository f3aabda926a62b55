package io.cloudsign.saml.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code LogoutRequest} the IdP sent (IdP-initiated logout, e.g. the user signed out of another
 * application of the Entra session), after every check of {@link
 * ServiceProvider#validateLogoutRequest}: end the sessions of {@code nameId} (only those of {@code
 * sessionIndexes} when there are any) for {@code registrationId}, then answer with {@link
 * ServiceProvider#logoutResponse}.
 */
public record IdpLogoutRequest(
    String registrationId,
    String id,
    Instant issueInstant,
    String nameId,
    Optional<String> nameIdFormat,
    List<String> sessionIndexes,
    Optional<String> relayState) {
  public IdpLogoutRequest {
    Objects.requireNonNull(registrationId, "registrationId");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(nameId, "nameId");
    sessionIndexes = List.copyOf(sessionIndexes);
  }
}
