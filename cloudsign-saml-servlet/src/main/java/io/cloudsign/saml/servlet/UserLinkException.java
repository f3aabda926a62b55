package io.cloudsign.saml.servlet;

import java.util.Objects;

/**
 * A {@link UserLinker} refuses a verified identity. The browser sees a 403 page with {@link
 * Reason#id()} and a correlation id; {@link #getMessage()} goes to the log only.
 */
public final class UserLinkException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the user may not sign in; each has a stable id shown to the browser. */
  public enum Reason {
    /** No local user for this identity (not provisioned yet). */
    NOT_PROVISIONED("user_not_provisioned", "Your account is not set up in this application."),
    /** The local user exists but is inactive (disabled, locked, expired). */
    INACTIVE("user_inactive", "Your account in this application is not active."),
    /** Any other refusal (e.g. not in a required group). */
    DENIED("access_denied", "Your account may not use this application.");

    private final String id;
    private final String message;

    Reason(String id, String message) {
      this.id = id;
      this.message = message;
    }

    /** Stable snake_case id, shown to the browser. */
    public String id() {
      return id;
    }

    /** A sentence for the user (contains no identity data). */
    public String userMessage() {
      return message;
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
