package io.cloudsign.saml.servlet;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;

/** A filter declared in {@code web.xml}: built by the factory its init-param names. */
final class WebXml {
  private WebXml() {}

  /**
   * @throws ServletException naming what to fix: no init-param, a class that is not a {@link
   *     SamlSsoFilterFactory}, a factory that failed or returned an unconfigured filter
   */
  static SamlSsoFilter filterFrom(FilterConfig config) throws ServletException {
    String className = config.getInitParameter(SamlSsoFilter.FACTORY_INIT_PARAM);
    if (className == null || className.isBlank()) {
      throw new ServletException(
          "SamlSsoFilter: set the init-param '"
              + SamlSsoFilter.FACTORY_INIT_PARAM
              + "' to the class name of your SamlSsoFilterFactory, or register a filter built"
              + " with SamlSsoFilter.builder(…)");
    }
    SamlSsoFilter built;
    try {
      built = factory(className.strip()).create(config);
    } catch (ServletException e) {
      throw e;
    } catch (Exception e) {
      throw new ServletException(
          "SamlSsoFilter: the factory " + className + " failed: " + e.getMessage(), e);
    }
    if (built == null || !built.isConfigured()) {
      throw new ServletException(
          "SamlSsoFilter: "
              + className
              + ".create must return SamlSsoFilter.builder(…).build(), not an unconfigured"
              + " filter");
    }
    return built;
  }

  private static SamlSsoFilterFactory factory(String className) throws Exception {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = SamlSsoFilter.class.getClassLoader();
    }
    Class<?> type = Class.forName(className, true, loader);
    if (!SamlSsoFilterFactory.class.isAssignableFrom(type)) {
      throw new ServletException(
          "SamlSsoFilter: " + className + " does not implement SamlSsoFilterFactory");
    }
    return (SamlSsoFilterFactory) type.getDeclaredConstructor().newInstance();
  }
}
