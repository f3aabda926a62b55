package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.VerifiedAssertion;

/**
 * The application's answer to "which local user is this verified Entra identity?". Users must exist
 * and be active locally: an unknown or inactive user is refused with a clear 403 page.
 *
 * <p>Called once per successful sign-in, from request threads concurrently: implementations must be
 * thread-safe. Only a {@link VerifiedAssertion} (a Response that passed every rule) reaches it.
 *
 * <pre>{@code
 * UserLinker linker =
 *     identity -> {
 *       User u =
 *           users
 *               .findByUpn(identity.name().orElse(identity.nameId()))
 *               .orElseThrow(
 *                   () -> UserLinkException.notProvisioned("no local user " + identity.nameId()));
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
