package io.cloudsign.saml.spring;

import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.servlet.FailureHandler;
import io.cloudsign.saml.servlet.SamlSsoFilter;
import io.cloudsign.saml.servlet.SessionRevocations;
import io.cloudsign.saml.servlet.UserLinker;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.springframework.context.ApplicationContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.CsrfConfigurer;
import org.springframework.security.config.annotation.web.configurers.ExceptionHandlingConfigurer;
import org.springframework.security.config.annotation.web.configurers.LogoutConfigurer;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.authentication.logout.LogoutFilter;
import org.springframework.security.web.authentication.session.ChangeSessionIdAuthenticationStrategy;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Puts sign-in with Microsoft Entra ID (SAML 2.0, SP-initiated) into a Spring Security {@code
 * SecurityFilterChain}.
 *
 * <pre>{@code
 * @Bean
 * SecurityFilterChain security(HttpSecurity http) throws Exception {
 *   return http.authorizeHttpRequests(a -> a.requestMatchers("/").permitAll()
 *           .anyRequest().authenticated())
 *       .with(CloudsignSamlConfigurer.cloudsignSaml(), saml -> {})
 *       .build();
 * }
 * }</pre>
 *
 * <p>What it adds: the Reply URL of each registration ({@code POST}), the sign-in path ({@code
 * /login} and each Sign on URL's path; {@code ?return_to=/path}) and the SP metadata path, served
 * by the servlet module's {@link SamlSsoFilter}; an authentication entry point that sends a browser
 * navigation straight to Entra (others get 401 {@code authentication_required} JSON); on success a
 * {@link CloudsignSamlAuthentication} (principal: the {@link io.cloudsign.saml.servlet.LocalUser}
 * of the {@link UserLinker} bean; authorities from the {@link CloudsignSamlAuthoritiesMapper}
 * bean). What stays Spring's: authorization, session fixation protection and CSRF token rotation
 * (its {@code SessionAuthenticationStrategy} runs at sign-in), the security context repository,
 * logout ({@code POST /logout} with a CSRF token) and CSRF on every path but the Reply URL.
 *
 * <p><b>Single logout.</b> For a registration with a Logout Url ({@code sp-logout-url}, Entra's
 * <i>Logout Url (Optional)</i>) whose IdP has a logout URL, Spring's logout stays the trigger:
 * after its logout handlers ran (session invalidated, context cleared), the logout success handler
 * sends a {@link CloudsignSamlAuthentication} user to Entra with a LogoutRequest; Entra's
 * LogoutResponse at the Logout Url ({@code GET}, answered by the servlet filter) lands on {@code
 * cloudsign.saml.after-logout-path}, and a refused one shows the "Sign-out not confirmed" page with
 * its code. Other logouts go to the application's own logout success handler or URL, which the
 * configurer wraps rather than replaces ({@code http.logout(l -> l.logoutSuccessHandler(…))} keeps
 * working and keeps single logout); work that must run at every logout belongs in a {@code
 * LogoutHandler} ({@code addLogoutHandler}), since an Entra user's browser leaves for Entra instead
 * of reaching the success handler. Entra's own signed LogoutRequest at the Logout Url is recorded
 * in the {@link SessionRevocations} bean (default in memory, one node) and ends that user's
 * sessions in every browser: each request of a revoked {@link CloudsignSamlAuthentication} has its
 * context cleared and its session invalidated.
 *
 * <p><b>Security guarantees.</b> The Reply URL is exempt from CSRF for {@code POST} on exactly its
 * path: Entra's POST is cross-site and carries no token; the signed Response, its InResponseTo
 * bound to this browser's HMAC-signed state cookie and the RelayState protect it instead. Failures
 * go to the {@link AuthenticationFailureHandler} as a {@link CloudsignSamlAuthenticationException}
 * with the code and correlation id only (details in the log). The Logout Url needs no CSRF
 * exemption: only its {@code GET} is accepted (Spring never checks a token on {@code GET}; any
 * other method stays refused), and nothing there is trusted but a LogoutResponse bound to this
 * browser's HMAC-signed pending-logout cookie or a LogoutRequest signed by the IdP (unsigned ones
 * are refused by default). Beans come from the application context unless set here.
 */
public final class CloudsignSamlConfigurer
    extends AbstractHttpConfigurer<CloudsignSamlConfigurer, HttpSecurity> {
  private ServiceProvider serviceProvider;
  private UserLinker userLinker;
  private CloudsignSamlAuthoritiesMapper authoritiesMapper;
  private AuthenticationFailureHandler failureHandler;
  private AuthenticationSuccessHandler successHandler;
  private Predicate<HttpServletRequest> redirectToSignIn = SamlSsoFilter::isBrowserNavigation;
  private SamlSsoFilter samlFilter;
  private CloudsignSamlProperties properties;
  private SessionRevocations revocations;

  private CloudsignSamlConfigurer() {}

  /** A configurer for {@code http.with(cloudsignSaml(), saml -> …)}. */
  public static CloudsignSamlConfigurer cloudsignSaml() {
    return new CloudsignSamlConfigurer();
  }

  /** The registrations; default the {@link ServiceProvider} bean (from {@code cloudsign.saml}). */
  public CloudsignSamlConfigurer serviceProvider(ServiceProvider serviceProvider) {
    this.serviceProvider = Objects.requireNonNull(serviceProvider, "serviceProvider");
    return this;
  }

  /** Who the verified identity is locally; default the {@link UserLinker} bean (required). */
  public CloudsignSamlConfigurer userLinker(UserLinker userLinker) {
    this.userLinker = Objects.requireNonNull(userLinker, "userLinker");
    return this;
  }

  /** Authorities of a signed-in user; default the {@link CloudsignSamlAuthoritiesMapper} bean. */
  public CloudsignSamlConfigurer authoritiesMapper(CloudsignSamlAuthoritiesMapper mapper) {
    this.authoritiesMapper = Objects.requireNonNull(mapper, "mapper");
    return this;
  }

  /**
   * Answers a refused sign-in; it receives a {@link CloudsignSamlAuthenticationException}. Default:
   * the servlet filter's page (status, code, correlation id).
   */
  public CloudsignSamlConfigurer failureHandler(AuthenticationFailureHandler handler) {
    this.failureHandler = Objects.requireNonNull(handler, "handler");
    return this;
  }

  /**
   * Answers a successful sign-in. Default: 303 to the return path (same origin), which handlers
   * find in {@link #returnPath(HttpServletRequest)}.
   */
  public CloudsignSamlConfigurer successHandler(AuthenticationSuccessHandler handler) {
    this.successHandler = Objects.requireNonNull(handler, "handler");
    return this;
  }

  /**
   * Which unauthenticated requests the entry point sends to Entra; the others get 401 JSON. Default
   * {@link SamlSsoFilter#isBrowserNavigation}.
   */
  public CloudsignSamlConfigurer redirectToSignIn(Predicate<HttpServletRequest> predicate) {
    this.redirectToSignIn = Objects.requireNonNull(predicate, "predicate");
    return this;
  }

  /**
   * Where Entra's IdP-initiated logouts are recorded and checked at every request; default the
   * {@link SessionRevocations} bean, else {@link SessionRevocations#inMemory()} (one node: give
   * every node of a cluster one shared store).
   */
  public CloudsignSamlConfigurer sessionRevocations(SessionRevocations revocations) {
    this.revocations = Objects.requireNonNull(revocations, "revocations");
    return this;
  }

  /** During a success handler: the same-origin path the user first asked for. */
  public static String returnPath(HttpServletRequest request) {
    Object p = request.getAttribute(SignInFilter.RETURN_PATH);
    return p instanceof String s ? s : "/";
  }

  @Override
  public void init(HttpSecurity http) {
    ApplicationContext context = http.getSharedObject(ApplicationContext.class);
    if (serviceProvider == null) {
      serviceProvider = context.getBean(ServiceProvider.class);
    }
    if (userLinker == null) {
      userLinker =
          context
              .getBeanProvider(UserLinker.class)
              .getIfAvailable(
                  () -> {
                    throw new CloudsignSamlConfigurationException(
                        "UserLinker",
                        "define a bean of type io.cloudsign.saml.servlet.UserLinker: it says which"
                            + " local user a verified Entra identity is (or refuses it)",
                        null);
                  });
    }
    if (authoritiesMapper == null) {
      authoritiesMapper =
          context
              .getBeanProvider(CloudsignSamlAuthoritiesMapper.class)
              .getIfAvailable(CloudsignSamlAuthoritiesMapper::entraDefaults);
    }
    if (failureHandler == null) {
      failureHandler =
          (request, response, e) ->
              FailureHandler.defaultPage()
                  .onFailure(
                      request, response, ((CloudsignSamlAuthenticationException) e).failure());
    }
    if (successHandler == null) {
      successHandler =
          (request, response, auth) -> {
            response.setStatus(303);
            response.setHeader("Location", returnPath(request));
            response.setHeader("Cache-Control", "no-store");
          };
    }
    if (revocations == null) {
      revocations =
          context
              .getBeanProvider(SessionRevocations.class)
              .getIfAvailable(SessionRevocations::inMemory);
    }
    properties =
        context
            .getBeanProvider(CloudsignSamlProperties.class)
            .getIfAvailable(CloudsignSamlProperties::new);
    samlFilter = samlFilter(properties);
    LogoutConfigurer<HttpSecurity> logout = http.getConfigurer(LogoutConfigurer.class);
    if (logout != null && !Paths.logoutUrlPaths(serviceProvider).isEmpty()) {
      // Wraps what the application set (or Spring's default): local logouts still reach it.
      logout.logoutSuccessHandler(
          new SingleLogoutSuccessHandler(samlFilter, logout.getLogoutSuccessHandler()));
    }

    Set<String> replyUrls = Paths.replyUrlPaths(serviceProvider);
    Set<String> logoutUrls = Paths.logoutUrlPaths(serviceProvider);
    // Entra's POST to the Reply URL and an IdP's logout message by HTTP-POST to the Logout Url are
    // cross-site and carry no token; their signatures (checked by the servlet filter) protect them.
    RequestMatcher replyUrlPost =
        request -> {
          String path = request.getContextPath() + Paths.inContext(request);
          return "POST".equals(request.getMethod())
              && (replyUrls.contains(path) || logoutUrls.contains(path));
        };
    CsrfConfigurer<HttpSecurity> csrf = http.getConfigurer(CsrfConfigurer.class);
    if (csrf != null) {
      csrf.ignoringRequestMatchers(replyUrlPost);
    }
    SamlSsoFilter challenger = samlFilter;
    AuthenticationEntryPoint entryPoint =
        (request, response, e) -> challenger.doFilter(request, response, Paths.NO_CHAIN);
    ExceptionHandlingConfigurer<HttpSecurity> exceptions =
        http.getConfigurer(ExceptionHandlingConfigurer.class);
    if (exceptions != null) {
      exceptions.defaultAuthenticationEntryPointFor(entryPoint, AnyRequestMatcher.INSTANCE);
    }
  }

  private SamlSsoFilter samlFilter(CloudsignSamlProperties properties) {
    AuthenticationFailureHandler failures = failureHandler;
    SamlSsoFilter.Builder b =
        SamlSsoFilter.builder(serviceProvider, userLinker)
            .protectedPaths("/*") // only reached from the entry point: unauthenticated
            .redirectToSignIn(redirectToSignIn)
            .sessionRevocations(revocations)
            .failureHandler(
                (request, response, failure) -> {
                  try {
                    failures.onAuthenticationFailure(
                        request, response, new CloudsignSamlAuthenticationException(failure));
                  } catch (ServletException e) {
                    throw new IllegalStateException("the AuthenticationFailureHandler failed", e);
                  }
                });
    try {
      b.signInPath(properties.getSignInPath());
      b.metadataPath(properties.getMetadataPath());
      b.afterLogoutPath(
          properties.getAfterLogoutPath() != null
              ? properties.getAfterLogoutPath()
              : properties.getSignInPath() + "?logout");
      if (properties.getStateKey() != null) {
        b.stateKey(Base64.getDecoder().decode(properties.getStateKey().trim()));
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      java.util.regex.Matcher logoutUrl =
          java.util.regex.Pattern.compile("^registration '([^']+)': the Logout Url")
              .matcher(message);
      throw new CloudsignSamlConfigurationException(
          logoutUrl.find()
              ? ServiceProviderFactory.PREFIX
                  + "registrations."
                  + logoutUrl.group(1)
                  + ".sp-logout-url"
              : "cloudsign.saml",
          logoutUrl.find(0) ? message + ServiceProviderFactory.LOGOUT_URL_FIELD : message,
          e);
    }
  }

  @Override
  public void configure(HttpSecurity http) {
    SessionAuthenticationStrategy sessions =
        http.getSharedObject(SessionAuthenticationStrategy.class);
    SecurityContextRepository contexts = http.getSharedObject(SecurityContextRepository.class);
    SignInFilter filter =
        new SignInFilter(
            samlFilter,
            serviceProvider,
            properties.getSignInPath(),
            properties.getMetadataPath(),
            authoritiesMapper,
            sessions != null ? sessions : new ChangeSessionIdAuthenticationStrategy(),
            contexts != null ? contexts : new HttpSessionSecurityContextRepository(),
            SecurityContextHolder.getContextHolderStrategy(),
            successHandler);
    http.addFilterBefore(postProcess(filter), UsernamePasswordAuthenticationFilter.class);
    http.addFilterBefore(
        postProcess(
            new SessionCheckFilter(
                revocations,
                SecurityContextHolder.getContextHolderStrategy(),
                contexts != null ? contexts : new HttpSessionSecurityContextRepository())),
        LogoutFilter.class);
  }
}
