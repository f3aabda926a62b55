package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.Registration;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * At {@code init}: the filter's own paths (each Reply URL, sign-in, logout, metadata) must reach
 * the filter. Two container set-ups make them unreachable without a word: a filter mapping that
 * does not cover them (the container then answers, e.g. 405 at the Reply URL), and, on Tomcat, no
 * servlet mapped to them (Tomcat answers 404 before any filter runs). Either refuses to start,
 * naming what to change. A registration the container cannot describe (a filter registered by a
 * framework, a mapping by servlet name to a servlet it does not list) is not second-guessed.
 */
final class MappingCheck {
  private MappingCheck() {}

  static void check(FilterConfig config, FilterSettings s) throws ServletException {
    ServletContext context = config.getServletContext();
    if (context == null || config.getFilterName() == null) {
      return;
    }
    FilterRegistration registration;
    Map<String, ? extends ServletRegistration> servlets;
    try {
      registration = context.getFilterRegistration(config.getFilterName());
      servlets = context.getServletRegistrations();
    } catch (UnsupportedOperationException e) {
      return;
    }
    if (registration == null || servlets == null) {
      return;
    }
    String contextPath = context.getContextPath() == null ? "" : context.getContextPath();
    List<String> problems = new ArrayList<>();
    Map<String, String> paths = ownPaths(s, contextPath, problems);

    Collection<String> filterPatterns = new ArrayList<>(registration.getUrlPatternMappings());
    for (String servletName : registration.getServletNameMappings()) {
      ServletRegistration servlet = servlets.get(servletName);
      if (servlet == null) {
        return;
      }
      filterPatterns.addAll(servlet.getMappings());
    }
    List<String> unmapped = uncovered(paths, filterPatterns);
    if (!unmapped.isEmpty()) {
      problems.add(
          "the filter '"
              + config.getFilterName()
              + "' is mapped to "
              + filterPatterns
              + ", which does not cover "
              + String.join(", ", unmapped)
              + ", so the container answers those paths itself. Map the filter to /* (or add"
              + " these paths to its mapping)");
    }
    if (isTomcat(context)) {
      List<String> servletPatterns = new ArrayList<>();
      servlets.values().forEach(r -> servletPatterns.addAll(r.getMappings()));
      List<String> noServlet = uncovered(paths, servletPatterns);
      if (!noServlet.isEmpty()) {
        problems.add(
            "no servlet is mapped to "
                + String.join(", ", noServlet)
                + ", and Tomcat answers 404 there before any filter runs. Add a default servlet"
                + " (embedded: Tomcat.addDefaultServlet(context), or any servlet mapped to /)");
      }
    }
    if (!problems.isEmpty()) {
      throw new ServletException("SamlSsoFilter cannot work here: " + String.join("; ", problems));
    }
  }

  /**
   * The paths inside the web application that must reach the filter, each with what it is. A Reply
   * URL outside this web application is added to {@code problems} instead.
   */
  private static Map<String, String> ownPaths(
      FilterSettings s, String contextPath, List<String> problems) {
    Map<String, String> paths = new LinkedHashMap<>();
    for (Map.Entry<String, List<Registration>> e : s.replyUrlRegistrations.entrySet()) {
      String full = e.getKey();
      String ids = e.getValue().stream().map(Registration::id).toList().toString();
      if (full.equals(contextPath) || full.startsWith(contextPath + "/")) {
        paths.put(full.substring(contextPath.length()), "the Reply URL path of " + ids);
      } else {
        problems.add(
            "the Reply URL path "
                + full
                + " of "
                + ids
                + " is outside this web application (context path "
                + contextPath
                + "). Deploy the app where the Reply URL points, or change the Reply URL here and"
                + " in Entra (Basic SAML Configuration)");
      }
    }
    paths.putIfAbsent(s.signInPath, "the sign-in path");
    paths.putIfAbsent(s.logoutPath, "the logout path");
    paths.putIfAbsent(s.metadataPath, "the metadata path");
    return paths;
  }

  private static List<String> uncovered(Map<String, String> paths, Collection<String> patterns) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : paths.entrySet()) {
      if (patterns.stream().noneMatch(p -> covers(p, e.getKey()))) {
        out.add(e.getKey() + " (" + e.getValue() + ")");
      }
    }
    return out;
  }

  /** Servlet URL pattern matching; {@code /} (the default servlet) is taken to cover every path. */
  static boolean covers(String pattern, String path) {
    if (pattern.equals("/") || pattern.equals("/*")) {
      return true;
    }
    if (pattern.isEmpty()) {
      return path.equals("/") || path.isEmpty();
    }
    if (pattern.startsWith("*.")) {
      return path.endsWith(pattern.substring(1));
    }
    if (pattern.endsWith("/*")) {
      String prefix = pattern.substring(0, pattern.length() - 2);
      return path.equals(prefix) || path.startsWith(prefix + "/");
    }
    return path.equals(pattern);
  }

  private static boolean isTomcat(ServletContext context) {
    String info = context.getServerInfo();
    return info != null && info.startsWith("Apache Tomcat");
  }
}
