package io.cloudsign.saml.bench;

import io.cloudsign.saml.core.IdentityProvider;
import io.cloudsign.saml.core.PendingRequest;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ReplayCache;
import io.cloudsign.saml.core.SamlMetadataException;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.core.SignInRequest;
import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.ResponseBuilder;
import io.cloudsign.saml.testkit.TestUser;
import java.time.Clock;
import java.util.function.UnaryOperator;

/**
 * The Entra-shaped fixture every benchmark uses: a fake Entra tenant, the CloudSign-like
 * registration, and Responses as they arrive at the Reply URL (base64, one line, assertion-only
 * RSA-SHA256 signature with a 2048-bit key, B. Simon's Entra claims).
 */
final class BenchFixture {
  static final String REGISTRATION = "contoso";
  static final String ENTITY_ID = "urn:amazon:cognito:sp:ap-northeast-1_BENCHPOOL";
  static final String REPLY_URL =
      "https://cloudsign-BENCHPOOL.auth.ap-northeast-1.amazoncognito.com/saml2/idpresponse";
  static final String RELAY_STATE = "/documents/inbox";

  final FakeEntra entra;
  final Registration registration;

  BenchFixture(Clock clock) {
    this.entra = FakeEntra.builder().clock(clock).build();
    this.registration = registration(entra.metadataXml());
  }

  /** {@code entra}'s tenant trusted through {@code idp} (e.g. its metadata URL). */
  BenchFixture(FakeEntra entra, IdentityProvider idp) {
    this.entra = entra;
    this.registration = registration(idp);
  }

  static Registration registration(String metadataXml) {
    try {
      return registration(IdentityProvider.fromMetadata(metadataXml));
    } catch (SamlMetadataException e) {
      throw new IllegalStateException(e);
    }
  }

  static Registration registration(IdentityProvider idp) {
    return Registration.builder(REGISTRATION)
        .entityId(ENTITY_ID)
        .replyUrl(REPLY_URL)
        .identityProvider(idp)
        .build();
  }

  ServiceProvider serviceProvider(Clock clock, ReplayCache replayCache) {
    ServiceProvider.Builder b = ServiceProvider.builder().registration(registration).clock(clock);
    if (replayCache != null) {
      b.replayCache(replayCache);
    }
    return b.build();
  }

  /** One sign-in: the pending request and the signed Response (base64) that answers it. */
  record Exchange(PendingRequest pending, String samlResponse, String xml) {}

  Exchange exchange(ServiceProvider sp) {
    return exchange(sp, UnaryOperator.identity());
  }

  Exchange exchange(ServiceProvider sp, UnaryOperator<ResponseBuilder> variant) {
    SignInRequest request = sp.startSignIn(REGISTRATION, RELAY_STATE);
    AuthnRequestInfo received = entra.parseRedirect(request.redirectUrl().toString());
    String xml = variant.apply(entra.respondTo(received).user(TestUser.bSimon())).buildXml();
    return new Exchange(
        request.pending(),
        java.util.Base64.getEncoder()
            .encodeToString(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        xml);
  }
}
