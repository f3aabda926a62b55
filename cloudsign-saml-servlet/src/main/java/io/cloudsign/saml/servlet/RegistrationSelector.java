package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.ServiceProvider;
import jakarta.servlet.http.HttpServletRequest;
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
