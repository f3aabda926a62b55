package io.cloudsign.saml.spring;

import io.cloudsign.saml.servlet.SignInFailure;
import java.util.Objects;
import org.springframework.security.core.AuthenticationException;

/**
 * A refused sign-in, as Spring Security's {@code AuthenticationFailureHandler} receives it. {@link
 * #failure()} carries what may be shown: the HTTP status, the stable code ({@code user_inactive},
 * {@code audience_mismatch}, …), a fixed sentence and the correlation id of the log line with the
 * details. The message is the code and correlation id only: no attacker text.
 */
public final class CloudsignSamlAuthenticationException extends AuthenticationException {
  private static final long serialVersionUID = 1L;

  private final transient SignInFailure failure;

  CloudsignSamlAuthenticationException(SignInFailure failure) {
    super(failure.code() + " [" + failure.correlationId() + "]");
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /** What the filter says may be shown about the failure. */
  public SignInFailure failure() {
    return failure;
  }

  /** The stable snake_case code. */
  public String code() {
    return failure.code();
  }
}
