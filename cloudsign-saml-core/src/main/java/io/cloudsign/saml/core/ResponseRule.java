package io.cloudsign.saml.core;

import java.util.List;

/**
 * One named rule of Response validation: what it checks is its {@code name} (as the README lists
 * it), the codes it can report, and the check itself. Rules run in the order of {@link
 * ResponseRules#ORDER}; each reads what earlier rules established in the {@link Validation} and
 * either records failures there or ends validation by throwing {@link Validation#stop()}.
 */
record ResponseRule(String name, List<ErrorCode> codes, Check check) {
  ResponseRule {
    codes = List.copyOf(codes);
  }

  /** The check of one rule. */
  @FunctionalInterface
  interface Check {
    void apply(Validation v) throws SamlValidationException;
  }

  static ResponseRule of(String name, Check check, ErrorCode... codes) {
    return new ResponseRule(name, List.of(codes), check);
  }
}
