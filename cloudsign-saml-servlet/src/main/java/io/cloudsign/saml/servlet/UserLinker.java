package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.VerifiedAssertion;

/**
 * The application's answer to "which local user is this verified Entra identity?". Users must exist
 * and be active locally: an unknown or inactive user is refused with a clear 403 page.
 *
 * <p><b>NameID and claims are unique only per registration.</b> Whoever administers a customer's
 * Entra tenant decides what its assertions say: the NameID source, every claim (a UPN or email of
 * another company's domain) and, by importing a signing certificate, every value. So tenant A can
 * assert the UPN of tenant B's user. Link local users by {@link VerifiedAssertion#entraObjectKey()}
 * (registration, tenant id and object id, the key Microsoft recommends) or {@link
 * VerifiedAssertion#subjectKey()} (registration, issuer and NameID), never by a bare NameID, UPN or
 * email looked up across registrations.
 *
 * <p>Called once per successful sign-in, from request threads concurrently: implementations must be
 * thread-safe. Only a {@link VerifiedAssertion} (a Response that passed every rule) reaches it.
 *
 * <pre>{@code
 * UserLinker linker =
 *     identity -> {
 *       // NameID and claims are unique only per registration: look users up by a scoped key
 *       String key = identity.entraObjectKey().orElse(identity.subjectKey());
 *       User u =
 *           users
 *               .findBySamlKey(key)
 *               .orElseThrow(() -> UserLinkException.notProvisioned("no local user " + key));
 *       if (!u.active()) {
 *         throw UserLinkException.inactive("user " + u.id() + " is disabled");
 *       }
 *       return LocalUser.of(u.id(), u.roles());
 *     };
 * }</pre>
 */
@FunctionalInterface
public interface UserLinker {
  /**
   * @return the local user to sign in
   * @throws UserLinkException to refuse the sign-in (the browser sees only the reason's id)
   */
  LocalUser link(VerifiedAssertion identity) throws UserLinkException;
}
