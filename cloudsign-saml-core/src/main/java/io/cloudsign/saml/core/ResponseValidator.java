package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.OpenSaml;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Applies the Response rules of {@link ResponseRules#ORDER}, in that order, to one parse of a
 * Response. Identity data is read only from the Assertion element whose covering signature verified
 * ({@link SamlResponse} keeps each assertion's element). Thread-safe: it holds only the policy, the
 * registration lookup and the rule list, all immutable.
 */
final class ResponseValidator {
  private final ValidationPolicy policy;
  private final Function<String, Optional<Registration>> registrations;
  private final List<ResponseRule> rules;

  ResponseValidator(
      ValidationPolicy policy, Function<String, Optional<Registration>> registrations) {
    this(policy, registrations, ResponseRules.ORDER);
  }

  /** With another rule order: for tests that exercise the extension point. */
  ResponseValidator(
      ValidationPolicy policy,
      Function<String, Optional<Registration>> registrations,
      List<ResponseRule> rules) {
    OpenSaml.get(); // fail at start-up, not at the first login, if OpenSAML cannot initialise
    this.policy = policy;
    this.registrations = registrations;
    this.rules = List.copyOf(rules);
  }

  VerifiedAssertion validate(String samlResponse, List<PendingRequest> pending)
      throws SamlValidationException {
    Validation v = new Validation(samlResponse, pending, policy, registrations);
    for (ResponseRule rule : rules) {
      rule.check().apply(v);
    }
    return v.verified();
  }
}
