package io.cloudsign.saml.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a refused {@code cloudsign.saml.*} value into Spring Boot's "APPLICATION FAILED TO START"
 * report: the property and the builder's message, and what to do. Registered in {@code
 * META-INF/spring.factories}.
 */
public final class CloudsignSamlFailureAnalyzer
    extends AbstractFailureAnalyzer<CloudsignSamlConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable root, CloudsignSamlConfigurationException cause) {
    return new FailureAnalysis(
        "cloudsign-saml refused its configuration:\n\n    Property: "
            + cause.property()
            + "\n    Problem:  "
            + cause.problem(),
        "Fix "
            + cause.property()
            + " (application.yml or the environment). Identifier, Reply URL and Sign on URL must"
            + " equal what Entra's Basic SAML Configuration says; metadata is Entra's Federation"
            + " Metadata XML.",
        cause);
  }
}
