package io.cloudsign.saml.core;

import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.ResponseBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.function.UnaryOperator;

/**
 * A service provider configured like the CloudSign gallery app against a fake Entra, and the
 * sign-in round trip the tests start from.
 */
final class Fixture {
  static final String ENTITY_ID = "urn:amazon:cognito:sp:ap-northeast-1_TESTPOOL";
  static final String REPLY_URL =
      "https://cloudsign-TESTPOOL.auth.ap-northeast-1.amazoncognito.com/saml2/idpresponse";
  static final String SIGN_ON_URL = "https://www.cloudsign.jp/login";

  final FakeEntra entra;
  final ServiceProvider sp;
  final Registration registration;

  Fixture(FakeEntra entra, Clock clock) {
    this(entra, clock, UnaryOperator.identity());
  }

  Fixture(FakeEntra entra, Clock clock, UnaryOperator<ServiceProvider.Builder> options) {
    this(entra, clock, registration("contoso", entra), options);
  }

  Fixture(FakeEntra entra, Clock clock, Registration registration) {
    this(entra, clock, registration, UnaryOperator.identity());
  }

  Fixture(
      FakeEntra entra,
      Clock clock,
      Registration registration,
      UnaryOperator<ServiceProvider.Builder> options) {
    this.entra = entra;
    this.registration = registration;
    this.sp =
        options.apply(ServiceProvider.builder().registration(registration).clock(clock)).build();
  }

  static Registration registration(String id, FakeEntra entra) {
    try {
      return Registration.builder(id)
          .entityId(ENTITY_ID)
          .replyUrl(REPLY_URL)
          .signOnUrl(SIGN_ON_URL)
          .identityProvider(IdentityProvider.fromMetadata(entra.metadataXml()))
          .build();
    } catch (SamlMetadataException e) {
      throw new AssertionError(e);
    }
  }

  /** A started sign-in: the pending request and what Entra received. */
  record Flow(SignInRequest request, AuthnRequestInfo received) {
    PendingRequest pending() {
      return request.pending();
    }
  }

  Flow start() {
    SignInRequest request = sp.startSignIn(registration.id(), "relay-1");
    return new Flow(request, entra.parseRedirect(request.redirectUrl().toString()));
  }

  ResponseBuilder respond(Flow flow) {
    return entra.respondTo(flow.received());
  }

  VerifiedAssertion validate(Flow flow, ResponseBuilder response) throws SamlValidationException {
    return sp.validate(response.build(), flow.pending());
  }

  /** Base64 of arbitrary XML text, as a browser would post it. */
  static String encode(String xml) {
    return Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
  }
}
