package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.servlet.internal.PathPattern;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The filter's configuration as one immutable value, built once by {@link SamlSsoFilter.Builder}
 * and shared by every endpoint. Paths are inside the web application unless named "full" (with the
 * context path, as a Reply URL's path is).
 */
final class FilterSettings {
  final ServiceProvider serviceProvider;
  final UserLinker userLinker;
  final List<PathPattern> protectedPaths;
  final List<PathPattern> publicPaths;
  final String signInPath;
  final Set<String> signOnUrlPaths;
  final String logoutPath;
  final String afterLogoutPath;
  final String metadataPath;
  final Map<String, List<Registration>> replyUrlRegistrations;
  final Set<String> tenantReplyUrlPaths;

  /** Full paths at which tenants' Logout Urls are served. */
  final Set<String> tenantLogoutUrlPaths;

  /** Full path of a registration's Logout Url to the registrations whose Logout Url it is. */
  final Map<String, List<Registration>> logoutUrlRegistrations;

  final RegistrationSelector selector;
  final FailureResponder responder;
  final Predicate<HttpServletRequest> redirectToSignIn;
  final StateCookie stateCookie;
  final LogoutCookie logoutCookie;
  final SessionRevocations revocations;
  final long maxFormBytes;
  final Clock clock;
  final boolean requireReplyUrlHost;

  FilterSettings(SamlSsoFilter.Builder b, byte[] key) {
    this.serviceProvider = b.serviceProvider;
    this.userLinker = b.userLinker;
    this.protectedPaths = List.copyOf(b.protectedPaths);
    this.publicPaths = List.copyOf(b.publicPaths);
    this.signInPath = b.signInPath;
    this.logoutPath = b.logoutPath;
    this.afterLogoutPath = b.afterLogoutPath;
    this.metadataPath = b.metadataPath;
    this.selector = b.selector;
    this.responder = new FailureResponder(b.failureHandler, b.signInPath);
    this.redirectToSignIn = b.redirectToSignIn;
    this.stateCookie =
        new StateCookie(
            key,
            b.previousStateKeys,
            b.stateCookieName,
            serviceProvider.pendingRequestLifetime(),
            b.clock);
    this.logoutCookie =
        new LogoutCookie(
            key,
            b.previousStateKeys,
            b.stateCookieName + "_logout",
            serviceProvider.pendingRequestLifetime(),
            b.clock);
    this.revocations = b.revocations;
    this.clock = b.clock;
    this.requireReplyUrlHost = b.requireReplyUrlHost;
    this.maxFormBytes = 3L * serviceProvider.maxResponseChars() + 8192;
    Map<String, List<Registration>> acs = new LinkedHashMap<>();
    Set<String> signOnUrls = new LinkedHashSet<>();
    for (Registration r : serviceProvider.registrations()) {
      acs.computeIfAbsent(r.replyUrl().getPath(), k -> new ArrayList<>()).add(r);
      r.signOnUrl().ifPresent(u -> signOnUrls.add(u.getPath()));
    }
    acs.replaceAll((k, v) -> List.copyOf(v));
    this.replyUrlRegistrations = Collections.unmodifiableMap(acs);
    this.tenantReplyUrlPaths = b.tenantReplyUrlPaths;
    this.tenantLogoutUrlPaths = b.tenantLogoutUrlPaths;
    Map<String, List<Registration>> slo = new LinkedHashMap<>();
    for (Registration r : serviceProvider.registrations()) {
      r.logoutUrl().ifPresent(u -> slo.computeIfAbsent(u.getPath(), k -> new ArrayList<>()).add(r));
    }
    slo.replaceAll((k, v) -> List.copyOf(v));
    this.logoutUrlRegistrations = Collections.unmodifiableMap(slo);
    signOnUrls.removeAll(acs.keySet());
    this.signOnUrlPaths = Collections.unmodifiableSet(signOnUrls);
  }

  /** Whether a POST to this full path is a Reply URL's. */
  boolean isReplyUrlPath(String fullPath) {
    return replyUrlRegistrations.containsKey(fullPath) || tenantReplyUrlPaths.contains(fullPath);
  }

  /**
   * The registrations served at this Reply URL: the configured ones, and at a tenant Reply URL path
   * the tenants named by this browser's state cookies (at most a few, looked up on this node's
   * tenant cache) whose Reply URL has this path. The cookies' MACs are checked after this.
   *
   * @throws io.cloudsign.saml.core.RegistrationUnavailableException if a named tenant cannot be
   *     read now
   */
  List<Registration> servedAt(HttpServletRequest request, String fullPath) {
    List<Registration> configured = replyUrlRegistrations.getOrDefault(fullPath, List.of());
    if (!tenantReplyUrlPaths.contains(fullPath)) {
      return configured;
    }
    List<Registration> served = new ArrayList<>(configured);
    for (String id : stateCookie.namedRegistrations(request, fullPath)) {
      if (served.stream().noneMatch(r -> r.id().equals(id))) {
        serviceProvider
            .registration(id)
            .filter(r -> fullPath.equals(r.replyUrl().getPath()))
            .ifPresent(served::add);
      }
    }
    return List.copyOf(served);
  }

  /** Whether a GET to this full path is a Logout Url's. */
  boolean isLogoutUrlPath(String fullPath) {
    return logoutUrlRegistrations.containsKey(fullPath) || tenantLogoutUrlPaths.contains(fullPath);
  }

  /**
   * The registrations served at this Logout Url: the configured ones, and at a tenant Logout Url
   * path the tenants named by this browser's logout cookie, its session and the {@link
   * RegistrationSelector}'s choice for the request, whose Logout Url has this path. They only say
   * whose keys and issuers core checks the message with: the cookie's MAC and the message's
   * signature are checked after this.
   */
  List<Registration> logoutUrlServedAt(HttpServletRequest request, String fullPath) {
    List<Registration> configured = logoutUrlRegistrations.getOrDefault(fullPath, List.of());
    if (!tenantLogoutUrlPaths.contains(fullPath)) {
      return configured;
    }
    Set<String> ids = new LinkedHashSet<>(logoutCookie.namedRegistrations(request));
    SamlPrincipal.of(request).ifPresent(p -> ids.add(p.registrationId()));
    try {
      selector.select(request, serviceProvider).ifPresent(ids::add);
    } catch (RuntimeException e) {
      // a selector that cannot answer names no tenant; the others still count
    }
    List<Registration> served = new ArrayList<>(configured);
    for (String id : ids) {
      if (served.stream().noneMatch(r -> r.id().equals(id))) {
        try {
          serviceProvider
              .registration(id)
              .filter(r -> r.logoutUrl().map(u -> fullPath.equals(u.getPath())).orElse(false))
              .ifPresent(served::add);
        } catch (RuntimeException e) {
          // a tenant that cannot be read now is not served; its message is refused
        }
      }
    }
    return List.copyOf(served);
  }

  /** Whether the IdP's answer to a logout of this registration comes back through this filter. */
  boolean servesLogoutUrlOf(Registration r) {
    return r.logoutUrl()
        .map(
            u ->
                logoutUrlRegistrations.containsKey(u.getPath())
                    || tenantLogoutUrlPaths.contains(u.getPath()))
        .orElse(false);
  }

  /** Whether a sign-in of this registration can come back through this filter. */
  boolean servesReplyUrlOf(Registration r) {
    return serviceProvider.registrations().contains(r)
        || tenantReplyUrlPaths.contains(r.replyUrl().getPath());
  }

  boolean isMetadataPath(String path) {
    return path.equals(metadataPath) || path.startsWith(metadataPath + "/");
  }

  boolean isSignInPath(String path, String fullPath) {
    return path.equals(signInPath) || signOnUrlPaths.contains(fullPath);
  }

  /** Whether a path is one the filter answers itself (never a place to return to). */
  boolean isOwnPath(String fullPath, String pathInContext) {
    return isReplyUrlPath(fullPath)
        || isLogoutUrlPath(fullPath)
        || signOnUrlPaths.contains(fullPath)
        || pathInContext.equals(signInPath)
        || pathInContext.equals(logoutPath)
        || pathInContext.startsWith(metadataPath);
  }

  boolean isProtected(String path) {
    for (PathPattern p : publicPaths) {
      if (p.matches(path)) {
        return false;
      }
    }
    for (PathPattern p : protectedPaths) {
      if (p.matches(path)) {
        return true;
      }
    }
    return false;
  }
}
