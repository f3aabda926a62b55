package io.cloudsign.saml.spring;

/**
 * A {@code cloudsign.saml.*} value that core or the filter refused at start-up. {@link #property()}
 * names the property (e.g. {@code cloudsign.saml.registrations.acme.reply-url} or, when a builder's
 * cross-field check failed, the registration); the message is the builder's. Spring Boot's failure
 * analyzer shows both and stops the application.
 */
public final class CloudsignSamlConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String property;

  public CloudsignSamlConfigurationException(String property, String message, Throwable cause) {
    super(property + ": " + message, cause);
    this.property = property;
  }

  /** The offending property (or property prefix). */
  public String property() {
    return property;
  }

  /** The builder's message, without the property name. */
  public String problem() {
    return getMessage().substring(property.length() + 2);
  }
}
