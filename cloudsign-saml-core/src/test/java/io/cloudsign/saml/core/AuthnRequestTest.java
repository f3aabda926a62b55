package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestClock;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** AuthnRequests as Entra accepts them (DESIGN §3 step 1-2), decoded by the fake Entra. */
class AuthnRequestTest {
  private final TestClock clock = TestClock.at(Instant.parse("2026-11-28T09:00:00Z"));
  private final FakeEntra entra = FakeEntra.builder().clock(clock).build();

  private Registration.Builder registration() throws SamlMetadataException {
    return Registration.builder("contoso")
        .entityId(Fixture.ENTITY_ID)
        .replyUrl(Fixture.REPLY_URL)
        .identityProvider(IdentityProvider.fromMetadata(entra.metadataXml()));
  }

  private ServiceProvider sp(Registration r) {
    return ServiceProvider.builder().registration(r).clock(clock).build();
  }

  @Test
  void startSignInForOnlyRegistrationWhenOneRegistrationThenStartsItsSignIn() throws Exception {
    ServiceProvider sp = sp(registration().build());

    SignInRequest request = sp.startSignInForOnlyRegistration("state-1");

    assertThat(request.pending().registrationId()).isEqualTo("contoso");
    assertThat(request.pending().relayState()).contains("state-1");
    assertThat(entra.parseRedirect(request.redirectUrl().toString()).issuer())
        .isEqualTo(Fixture.ENTITY_ID);
  }

  @Test
  void startSignInForOnlyRegistrationWhenSeveralRegistrationsThenRefusesNamingTheOtherMethod()
      throws Exception {
    ServiceProvider sp =
        ServiceProvider.builder()
            .registration(registration().build())
            .registration(
                Registration.builder("fabrikam")
                    .entityId("urn:example:fabrikam")
                    .replyUrl("https://fabrikam.example/saml2/idpresponse")
                    .identityProvider(IdentityProvider.fromMetadata(entra.metadataXml()))
                    .build())
            .clock(clock)
            .build();

    assertThatThrownBy(() -> sp.startSignInForOnlyRegistration(null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("startSignIn(registrationId, …)");
  }

  @Test
  void startSignInWhenRedirectBindingThenEntraReadsEveryField() throws Exception {
    ServiceProvider sp = sp(registration().build());

    SignInRequest request = sp.startSignIn("contoso", "state-1");
    AuthnRequestInfo received = entra.parseRedirect(request.redirectUrl().toString());

    assertThat(request.redirectUrl().toString()).startsWith(entra.ssoUrl() + "?SAMLRequest=");
    assertThat(received.id()).isEqualTo(request.pending().requestId());
    assertThat(received.id()).startsWith("_").hasSize(33);
    assertThat(received.version()).isEqualTo("2.0");
    assertThat(received.issuer()).isEqualTo(Fixture.ENTITY_ID);
    assertThat(received.assertionConsumerServiceUrl()).isEqualTo(Fixture.REPLY_URL);
    assertThat(received.destination()).isEqualTo(entra.ssoUrl());
    assertThat(received.protocolBinding())
        .isEqualTo("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
    assertThat(received.issueInstant()).isEqualTo(clock.instant());
    assertThat(received.hasSubject()).isFalse();
    assertThat(received.forceAuthn()).isFalse();
    assertThat(received.passive()).isFalse();
    assertThat(received.relayState()).contains("state-1");
    assertThat(received.signed()).isFalse();
    assertThat(request.pending().registrationId()).isEqualTo("contoso");
    assertThat(request.pending().relayState()).contains("state-1");
    assertThat(request.pending().expiresAt())
        .isEqualTo(clock.instant().plus(sp.pendingRequestLifetime()));
  }

  @Test
  void startSignInWhenCalledRepeatedlyThenIdsAreUniqueAndNeverStartWithDigit() throws Exception {
    ServiceProvider sp = sp(registration().build());
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      String id = sp.startSignIn("contoso", null).pending().requestId();
      assertThat(Character.isDigit(id.charAt(0))).isFalse();
      ids.add(id);
    }
    assertThat(ids).hasSize(500);
  }

  @Test
  void startSignInWhenOptionsSetThenRequestCarriesThem() throws Exception {
    ServiceProvider sp =
        sp(
            registration()
                .forceAuthn(true)
                .nameIdFormat("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")
                .requestedAuthnContext(
                    "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")
                .build());

    AuthnRequestInfo received =
        entra.parseRedirect(sp.startSignIn("contoso", null).redirectUrl().toString());

    assertThat(received.forceAuthn()).isTrue();
    assertThat(received.nameIdFormat())
        .contains("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
    assertThat(received.requestedAuthnContextClassRefs())
        .containsExactly("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport");
    assertThat(received.requestedAuthnContextComparison()).contains("exact");
    assertThat(received.relayState()).isEmpty();
  }

  @Test
  void startSignInWhenPassiveThenRequestIsPassive() throws Exception {
    ServiceProvider sp = sp(registration().passive(true).build());
    assertThat(
            entra.parseRedirect(sp.startSignIn("contoso", null).redirectUrl().toString()).passive())
        .isTrue();
  }

  @Test
  void startSignInWhenSigningKeyConfiguredThenRedirectSignatureVerifiesOverTheQuery()
      throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair spKeys = g.generateKeyPair();
    X509Certificate spCert = TestCertificates.selfSigned(spKeys, "CN=cloudsign-sp");
    ServiceProvider sp = sp(registration().requestSigningKey(spKeys.getPrivate(), spCert).build());

    AuthnRequestInfo received =
        entra.parseRedirect(sp.startSignIn("contoso", "rs").redirectUrl().toString());

    assertThat(received.signed()).isTrue();
    assertThat(received.sigAlg()).contains("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
    assertThat(received.signatureValid(spCert)).isTrue();
    assertThat(received.signatureValid(entra.signingCertificate())).isFalse();
    assertThat(sp.metadata("contoso")).contains("AuthnRequestsSigned=\"true\"");
  }

  @Test
  void startSignInWhenPostBindingThenFormPostsTheRequestToEntra() throws Exception {
    ServiceProvider sp = sp(registration().requestBinding(Binding.HTTP_POST).build());

    SignInRequest request = sp.startSignIn("contoso", "r&<\"");

    assertThat(request.binding()).isEqualTo(Binding.HTTP_POST);
    assertThat(request.postForm())
        .contains("action=\"" + entra.ssoUrl() + "\"")
        .contains("name=\"SAMLRequest\" value=\"" + request.samlRequest() + "\"")
        .contains("value=\"r&amp;&lt;&quot;\"")
        .doesNotContain("r&<\"");
    AuthnRequestInfo received = entra.parsePost(request.samlRequest(), "r&<\"");
    assertThat(received.id()).isEqualTo(request.pending().requestId());
    assertThatThrownBy(request::redirectUrl).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void postFormWhenCspNonceGivenThenSubmitsFromNoncedScriptWithoutInlineHandler() throws Exception {
    ServiceProvider sp = sp(registration().requestBinding(Binding.HTTP_POST).build());
    SignInRequest request = sp.startSignIn("contoso", null);

    String page = request.postForm("r4nd0mN0nceValue123");

    assertThat(page)
        .contains("<script nonce=\"r4nd0mN0nceValue123\">document.forms[0].submit()</script>")
        .doesNotContain("onload=")
        .contains("value=\"" + request.samlRequest() + "\"");
    assertThat(request.postForm()).contains("onload=");
    assertThatThrownBy(() -> request.postForm("\"><script>"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void startSignInWhenRelayStateLongerThan80BytesThenRejects() throws Exception {
    ServiceProvider sp = sp(registration().build());
    assertThatThrownBy(() -> sp.startSignIn("contoso", "x".repeat(81)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("80 bytes");
  }

  @Test
  void startSignInWhenRegistrationUnknownThenRejects() throws Exception {
    ServiceProvider sp = sp(registration().build());
    assertThatThrownBy(() -> sp.startSignIn("nope", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown registration");
  }

  @Test
  void metadataWhenRequestedThenNamesIdentifierAndReplyUrl() throws Exception {
    String md = sp(registration().build()).metadata("contoso");
    assertThat(md)
        .contains("entityID=\"" + Fixture.ENTITY_ID + "\"")
        .contains("Location=\"" + Fixture.REPLY_URL + "\"")
        .contains("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")
        .contains("WantAssertionsSigned=\"true\"")
        .contains("AuthnRequestsSigned=\"false\"");
  }
}
