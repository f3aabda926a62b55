package io.cloudsign.saml.servlet;

import jakarta.servlet.FilterConfig;

/**
 * Configures a {@link SamlSsoFilter} declared in {@code web.xml}: name your implementation (public,
 * with a public no-argument constructor) in the filter's {@code factory} init-param.
 *
 * <pre>{@code
 * <filter>
 *   <filter-name>saml</filter-name>
 *   <filter-class>io.cloudsign.saml.servlet.SamlSsoFilter</filter-class>
 *   <init-param><param-name>factory</param-name><param-value>com.example.SamlSetup</param-value></init-param>
 * </filter>
 * <filter-mapping><filter-name>saml</filter-name><url-pattern>/*</url-pattern></filter-mapping>
 * }</pre>
 */
@FunctionalInterface
public interface SamlSsoFilterFactory {
  /**
   * Builds the configured filter, typically {@code SamlSsoFilter.builder(sp, linker)...build()};
   * {@code config} gives access to init-params and the servlet context.
   *
   * @throws Exception to fail the application's start-up
   */
  SamlSsoFilter create(FilterConfig config) throws Exception;
}
