package io.cloudsign.saml.spring;

import io.cloudsign.saml.core.EntraClaim;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.servlet.SamlPrincipal;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Grants authorities to a signed-in user from what Entra asserted and what the {@link
 * io.cloudsign.saml.servlet.UserLinker} said. Define a bean of this type to replace {@link
 * #entraDefaults()}. Called once per sign-in, concurrently: must be thread-safe.
 *
 * <p>Group and role claims are read under the registration's claim mapping (renamed claims follow
 * {@code cloudsign.saml.registrations.<id>.claims}). Entra sends group object ids (GUIDs), not
 * names; over 150 groups it sends none (or a {@code groups.link}), so prefer app roles for access
 * decisions.
 *
 * <pre>{@code
 * @Bean
 * CloudsignSamlAuthoritiesMapper authorities() {
 *   return (principal, registration) ->
 *       principal.attributes().getOrDefault(EntraClaim.ROLES.defaultUri(), List.of()).stream()
 *           .map(r -> new SimpleGrantedAuthority("ROLE_" + r.toUpperCase()))
 *           .toList();
 * }
 * }</pre>
 */
@FunctionalInterface
public interface CloudsignSamlAuthoritiesMapper {
  /**
   * @param principal the linked user and the Entra identity that vouched for it
   * @param registration the registration it signed in through
   */
  Collection<? extends GrantedAuthority> authorities(
      SamlPrincipal principal, Registration registration);

  /**
   * The default: {@code ROLE_<role>} for each local role the linker gave, {@code APPROLE_<value>}
   * for each Entra app role ({@code role} claim) and {@code GROUP_<object id>} for each Entra group
   * ({@code groups} claim), in that order, without duplicates.
   */
  static CloudsignSamlAuthoritiesMapper entraDefaults() {
    return (principal, registration) -> {
      Set<GrantedAuthority> out = new LinkedHashSet<>();
      principal.roles().stream().sorted().forEach(r -> out.add(authority("ROLE_", r)));
      claim(principal, registration, EntraClaim.ROLES)
          .forEach(r -> out.add(authority("APPROLE_", r)));
      claim(principal, registration, EntraClaim.GROUPS)
          .forEach(g -> out.add(authority("GROUP_", g)));
      return List.copyOf(out);
    };
  }

  private static List<String> claim(
      SamlPrincipal principal, Registration registration, EntraClaim claim) {
    String name = registration.claimMapping().attributeName(claim);
    return principal.attributes().getOrDefault(name, List.of());
  }

  private static GrantedAuthority authority(String prefix, String value) {
    return new SimpleGrantedAuthority(prefix + value);
  }
}
