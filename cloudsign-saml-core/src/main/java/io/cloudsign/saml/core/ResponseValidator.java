package io.cloudsign.saml.core;

import java.util.List;

final class ResponseValidator {
  ResponseValidator(ServiceProvider sp) {}

  VerifiedAssertion validate(String samlResponse, List<PendingRequest> pending)
      throws SamlValidationException {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
