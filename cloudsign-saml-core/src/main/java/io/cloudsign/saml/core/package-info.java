/**
 * SAML 2.0 service provider for Microsoft Entra ID: starts SP-initiated sign-in and validates the
 * signed Responses Entra posts back.
 *
 * <p>Central types: {@link io.cloudsign.saml.core.IdentityProvider} (Entra's federation metadata),
 * {@link io.cloudsign.saml.core.Registration} (one Entra enterprise application: Identifier, Reply
 * URL, Sign on URL), {@link io.cloudsign.saml.core.ServiceProvider} (built once, thread-safe:
 * starts sign-in and validates), {@link io.cloudsign.saml.core.PendingRequest}, {@link
 * io.cloudsign.saml.core.VerifiedAssertion} (only the validator creates one) and {@link
 * io.cloudsign.saml.core.SamlValidationException} with its {@link
 * io.cloudsign.saml.core.ErrorCode}.
 *
 * <p>No OpenSAML, Santuario or DOM type appears in this package's signatures; {@code
 * io.cloudsign.saml.core.internal} is not API.
 */
package io.cloudsign.saml.core;
