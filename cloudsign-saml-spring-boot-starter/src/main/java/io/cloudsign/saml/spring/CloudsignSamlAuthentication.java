package io.cloudsign.saml.spring;

import io.cloudsign.saml.servlet.LocalUser;
import io.cloudsign.saml.servlet.SamlPrincipal;
import java.util.Collection;
import java.util.Objects;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;

/**
 * A user signed in with Entra: {@link #getPrincipal()} is the {@link LocalUser} the application's
 * {@link io.cloudsign.saml.servlet.UserLinker} linked (so {@code @AuthenticationPrincipal LocalUser
 * user} works), {@link #getName()} its name, {@link #identity()} the Entra identity that vouched
 * for it (NameID, claims, session index). Created only by the sign-in filter after a Response
 * passed every rule and the linker accepted the user; no credentials are kept. Immutable,
 * serializable (stored in the HTTP session by Spring Security).
 */
public final class CloudsignSamlAuthentication extends AbstractAuthenticationToken {
  private static final long serialVersionUID = 1L;

  private final SamlPrincipal identity;
  private transient LocalUser user;

  CloudsignSamlAuthentication(
      SamlPrincipal identity, Collection<? extends GrantedAuthority> authorities) {
    super(authorities);
    this.identity = Objects.requireNonNull(identity, "identity");
    super.setAuthenticated(true);
  }

  /** The linked local user. */
  @Override
  public LocalUser getPrincipal() {
    LocalUser u = user;
    if (u == null) {
      u = LocalUser.of(identity.getName(), identity.roles());
      user = u;
    }
    return u;
  }

  /** Always {@code null}: the signed Response is not kept. */
  @Override
  public Object getCredentials() {
    return null;
  }

  @Override
  public String getName() {
    return identity.getName();
  }

  /** The Entra identity (registration, issuer, NameID, claims, session index). */
  public SamlPrincipal identity() {
    return identity;
  }

  /** Refuses {@code true}: only the sign-in filter authenticates. */
  @Override
  public void setAuthenticated(boolean authenticated) {
    if (authenticated) {
      throw new IllegalArgumentException("only the cloudsign-saml sign-in authenticates");
    }
    super.setAuthenticated(false);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CloudsignSamlAuthentication a
        && identity.equals(a.identity)
        && getAuthorities().equals(a.getAuthorities());
  }

  @Override
  public int hashCode() {
    return identity.hashCode();
  }
}
