/**
 * A fake Microsoft Entra ID for tests: {@link io.cloudsign.saml.testkit.FakeEntra} publishes
 * Entra-shaped Federation Metadata, decodes AuthnRequests and builds Entra-shaped SAML Responses
 * ({@link io.cloudsign.saml.testkit.ResponseBuilder}), genuine by default and hostile through
 * {@link io.cloudsign.saml.testkit.Attack} values, answers SP-initiated single logout as Entra does
 * ({@link io.cloudsign.saml.testkit.LogoutRequestInfo}, {@link
 * io.cloudsign.saml.testkit.LogoutResponseBuilder}) and sends IdP-initiated LogoutRequests ({@link
 * io.cloudsign.saml.testkit.IdpLogoutRequestBuilder}, the SP's answer read as {@link
 * io.cloudsign.saml.testkit.LogoutResponseInfo}); {@link
 * io.cloudsign.saml.testkit.FakeEntraExtension} gives each JUnit 5 test class one fake and a {@link
 * io.cloudsign.saml.testkit.TestClock}.
 *
 * <p>This module deliberately shares no code with cloudsign-saml-core.
 */
package io.cloudsign.saml.testkit;
