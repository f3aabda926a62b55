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
  final RegistrationSelector selector;
  final FailureResponder responder;
  final Predicate<HttpServletRequest> redirectToSignIn;
  final StateCookie stateCookie;
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
    signOnUrls.removeAll(acs.keySet());
    this.signOnUrlPaths = Collections.unmodifiableSet(signOnUrls);
  }

  boolean isMetadataPath(String path) {
    return path.equals(metadataPath) || path.startsWith(metadataPath + "/");
  }

  boolean isSignInPath(String path, String fullPath) {
    return path.equals(signInPath) || signOnUrlPaths.contains(fullPath);
  }

  /** Whether a path is one the filter answers itself (never a place to return to). */
  boolean isOwnPath(String fullPath, String pathInContext) {
    return replyUrlRegistrations.containsKey(fullPath)
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
