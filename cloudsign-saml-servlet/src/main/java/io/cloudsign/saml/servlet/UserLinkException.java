package io.cloudsign.saml.servlet;

import java.util.Objects;

/**
 * A {@link UserLinker} refuses a verified identity. The browser sees a 403 page with {@link
 * Reason#id()} and a correlation id; {@link #getMessage()} goes to the log only.
 */
public final class UserLinkException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the user may not sign in; each is a {@link FilterErrorCode} shown to the browser. */
  public enum Reason {
    /** No local user for this identity (not provisioned yet). */
    NOT_PROVISIONED(FilterErrorCode.USER_NOT_PROVISIONED),
    /** The local user exists but is inactive (disabled, locked, expired). */
    INACTIVE(FilterErrorCode.USER_INACTIVE),
    /** Any other refusal (e.g. not in a required group). */
    DENIED(FilterErrorCode.ACCESS_DENIED);

    private final FilterErrorCode code;

    Reason(FilterErrorCode code) {
      this.code = code;
    }

    /** The filter's code for this refusal (403). */
    public FilterErrorCode code() {
      return code;
    }

    /** Stable snake_case id, shown to the browser: {@code code().id()}. */
    public String id() {
      return code.id();
    }

    /** A sentence for the user (contains no identity data). */
    public String userMessage() {
      return code.userMessage();
    }
  }

  private final Reason reason;

  /**
   * @param logDetail for the log only; never shown to the browser
   */
  public UserLinkException(Reason reason, String logDetail) {
    super(logDetail, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public static UserLinkException notProvisioned(String logDetail) {
    return new UserLinkException(Reason.NOT_PROVISIONED, logDetail);
  }

  public static UserLinkException inactive(String logDetail) {
    return new UserLinkException(Reason.INACTIVE, logDetail);
  }

  public static UserLinkException denied(String logDetail) {
    return new UserLinkException(Reason.DENIED, logDetail);
  }

  public Reason reason() {
    return reason;
  }
}
