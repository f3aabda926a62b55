/**
 * Jakarta Servlet 6 integration: {@link io.cloudsign.saml.servlet.SamlSsoFilter} signs browsers in
 * with Microsoft Entra ID (SP-initiated SAML 2.0) and hands each verified identity to the
 * application's {@link io.cloudsign.saml.servlet.UserLinker}.
 *
 * <p>Only this package is API; {@code io.cloudsign.saml.servlet.internal} is not.
 */
package io.cloudsign.saml.servlet;
