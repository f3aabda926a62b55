package io.cloudsign.saml.example;

import io.cloudsign.saml.core.VerifiedAssertion;
import io.cloudsign.saml.servlet.LocalUser;
import io.cloudsign.saml.servlet.UserLinkException;
import io.cloudsign.saml.servlet.UserLinker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * With {@code --tenants}: one user table per tenant, each provisioning every user its Entra vouches
 * for, so a name is only ever matched within its own tenant. Thread-safe.
 */
final class TenantUsers implements UserLinker {
  private final Map<String, UserTable> byTenant = new ConcurrentHashMap<>();

  @Override
  public LocalUser link(VerifiedAssertion identity) throws UserLinkException {
    return byTenant
        .computeIfAbsent(identity.registrationId(), UserTable::autoProvisioning)
        .link(identity);
  }
}
