package io.cloudsign.saml.spring;

import static io.cloudsign.saml.spring.CloudsignSamlConfigurer.cloudsignSaml;

import io.cloudsign.saml.servlet.LocalUser;
import io.cloudsign.saml.servlet.UserLinkException;
import io.cloudsign.saml.servlet.UserLinker;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A Boot application as a user writes one: the README's SecurityFilterChain, a linker, a page. */
@SpringBootApplication
class TestApp {
  // README: spring boot
  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    return http.authorizeHttpRequests(
            a ->
                a.requestMatchers("/", "/public", "/public/session")
                    .permitAll()
                    .requestMatchers("/approvals")
                    .hasAuthority("APPROLE_Approver")
                    .anyRequest()
                    .authenticated())
        // Session fixation protection and CSRF stay Spring's: here a new session at sign-in
        // (SpringSignInTest checks that the pre-sign-in attributes are gone).
        .sessionManagement(s -> s.sessionFixation(f -> f.newSession()))
        .with(
            cloudsignSaml(),
            saml ->
                // Optional: a refused sign-in reaches Spring's AuthenticationFailureHandler with
                // our error code and correlation id (default: the filter's error page).
                saml.failureHandler(
                    (request, response, e) -> {
                      CloudsignSamlAuthenticationException f =
                          (CloudsignSamlAuthenticationException) e;
                      response.setStatus(f.failure().status());
                      response.setContentType("text/plain");
                      response
                          .getWriter()
                          .print("refused: " + f.code() + " " + f.failure().correlationId());
                    }))
        .build();
  }

  @Bean
  UserLinker userLinker() {
    return identity -> {
      String name = identity.nameId();
      if (name.startsWith("Inactive.")) {
        throw UserLinkException.inactive("disabled locally: " + name);
      }
      if (!name.equals("B.Simon@contoso.com")) {
        throw UserLinkException.notProvisioned("no local user " + name);
      }
      return LocalUser.of("bsimon", Set.of("USER"));
    };
  }

  // README: end spring boot

  @RestController
  static class Pages {
    @GetMapping("/me")
    String me(@AuthenticationPrincipal LocalUser user, Authentication auth) {
      return "user="
          + user.name()
          + " authorities="
          + auth.getAuthorities().stream()
              .map(GrantedAuthority::getAuthority)
              .collect(Collectors.joining(","));
    }

    @GetMapping("/principal")
    String principal(@AuthenticationPrincipal LocalUser user) {
      return user.name() + " " + new java.util.TreeSet<>(user.roles());
    }

    @GetMapping("/public/csrf")
    String csrf(org.springframework.security.web.csrf.CsrfToken token) {
      return token.getToken();
    }

    @GetMapping("/approvals")
    String approvals() {
      return "approvals";
    }

    @GetMapping("/public")
    String open() {
      return "public";
    }

    @GetMapping("/public/session")
    String session(jakarta.servlet.http.HttpSession session) {
      Object pre = session.getAttribute("pre");
      session.setAttribute("pre", "set before sign-in");
      return "pre=" + pre;
    }

    @PostMapping("/public")
    String post() {
      return "posted";
    }
  }
}
