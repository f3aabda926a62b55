package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.ServiceProvider;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;

/**
 * Chooses which {@link io.cloudsign.saml.core.Registration} (Entra tenant) a browser signs in with,
 * when the filter starts sign-in. Needed only with several registrations, e.g. by subdomain or by a
 * path such as {@code /login/{tenant}}. Must be thread-safe.
 *
 * <p>Its choice only decides where the browser is sent; the Response is always validated against
 * the registration recorded in the browser's signed state, so a wrong choice cannot sign anyone in.
 */
@FunctionalInterface
public interface RegistrationSelector {
  /**
   * @return a registration id of {@code serviceProvider}, or empty when the request names none (the
   *     browser then gets a 404 page with code {@code no_registration})
   */
  Optional<String> select(HttpServletRequest request, ServiceProvider serviceProvider);

  /**
   * By host, for a SaaS that gives each tenant a host of its own: the registration whose Reply URL
   * host is the request's host ({@code getServerName()}, case-insensitive), among the configured
   * registrations and then the {@link io.cloudsign.saml.core.TenantRegistrations tenants}; none
   * when no registration or more than one has that host. Behind a proxy the container must see the
   * browser's Host. Combine it with {@link SamlSsoFilter.Builder#requireReplyUrlHost(boolean)}.
   */
  static RegistrationSelector byReplyUrlHost() {
    return (request, sp) -> {
      String host = request.getServerName();
      if (host == null) {
        return Optional.empty();
      }
      List<String> configured =
          sp.registrations().stream()
              .filter(r -> host.equalsIgnoreCase(r.replyUrl().getHost()))
              .map(r -> r.id())
              .limit(2)
              .toList();
      if (!configured.isEmpty()) {
        return configured.size() == 1 ? Optional.of(configured.get(0)) : Optional.empty();
      }
      return sp.tenants().flatMap(t -> t.idForReplyUrlHost(host));
    };
  }

  /**
   * The default: the only registration if there is one; otherwise the registration whose Sign on
   * URL path equals the request path; otherwise none.
   */
  static RegistrationSelector byDefault() {
    return (request, sp) -> {
      if (sp.registrations().size() == 1) {
        return Optional.of(sp.registrations().iterator().next().id());
      }
      String path = request.getRequestURI();
      return sp.registrations().stream()
          .filter(r -> r.signOnUrl().map(u -> u.getRawPath().equals(path)).orElse(false))
          .map(r -> r.id())
          .findFirst();
    };
  }
}
