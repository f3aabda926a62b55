package io.cloudsign.saml.servlet;

/**
 * Why {@link SamlSsoFilter} refused a request before or after core's validation, as {@link
 * io.cloudsign.saml.core.ErrorCode} says why core refused a Response. Each code has a stable
 * snake_case {@link #id()} (safe to show to a browser, to put in metrics and to match in tests),
 * the HTTP {@link #status()} the filter answers, and a {@link #hint()} telling an administrator
 * what to check.
 *
 * <p>{@link SignInFailure#filterCode()} carries it to a {@link FailureHandler}; {@link
 * #AUTHENTICATION_REQUIRED} is the {@code error} of the 401 JSON answer to API calls instead.
 */
public enum FilterErrorCode {
  /** A request that cannot follow a redirect reached a protected path without a signed-in user. */
  AUTHENTICATION_REQUIRED(
      "authentication_required",
      401,
      "You need to sign in.",
      "An API call (XHR, fetch, or an Accept header without HTML) reached a protected path without"
          + " a session; the client should send the user to the signOnUrl of the JSON answer, or"
          + " adjust redirectToSignIn."),
  /** The RegistrationSelector named no configured registration when sign-in started. */
  NO_REGISTRATION(
      "no_registration",
      404,
      "This sign-in address does not belong to any configured organisation.",
      "No registration matched this sign-in start: with several registrations, start at a"
          + " registration's Sign on URL path or configure a RegistrationSelector that returns a"
          + " registration id for this request."),
  /** Something other than POST reached the Reply URL. */
  METHOD_NOT_ALLOWED(
      "method_not_allowed",
      405,
      "Entra sends sign-in responses to this address by POST only.",
      "The Reply URL accepts only Entra's HTTP-POST binding; a GET there is a bookmark, a reload"
          + " or an IdP configured for HTTP-Redirect responses."),
  /** No state cookie for this Reply URL arrived with the Response. */
  MISSING_REQUEST_STATE(
      "missing_request_state",
      400,
      "This sign-in cannot be matched to this browser. Please start signing in again.",
      "The browser sent no state cookie: sign-in was not started in this browser (IdP-initiated,"
          + " or another tab started a newer sign-in), or the cookie was blocked — the Reply URL"
          + " must be https (http only on localhost) on the host where sign-in started."),
  /** A state cookie arrived but failed its integrity check. */
  INVALID_REQUEST_STATE(
      "invalid_request_state",
      400,
      "This sign-in cannot be matched to this browser. Please start signing in again.",
      "The state cookie failed its integrity check: it was altered, or signed with another key"
          + " (every node serving the Reply URL needs the same stateKey; a restart without one"
          + " invalidates sign-ins in flight)."),
  /**
   * Every pending sign-in of the state cookie has expired: the Response is not read at all, so a
   * cookie from one sign-in start cannot make the parser work for anyone later.
   */
  REQUEST_STATE_EXPIRED(
      "request_state_expired",
      400,
      "This sign-in took too long. Please start signing in again.",
      "The sign-in took longer than the ServiceProvider's pendingRequestLifetime (default 15"
          + " minutes) from its start to Entra's answer; start again. The Response was not read."),
  /**
   * With {@link SamlSsoFilter.Builder#requireReplyUrlHost}, the Response was posted to a host other
   * than the host of the Reply URL of the registration its state cookie names.
   */
  REPLY_URL_HOST_MISMATCH(
      "reply_url_host_mismatch",
      400,
      "This sign-in cannot be matched to this address. Please start signing in again.",
      "requireReplyUrlHost is on and the Response was posted to another host than the Reply URL"
          + " of the registration its state cookie names: a Response of one tenant posted to another"
          + " tenant's host, or a proxy that hides the browser's Host (forward it, or enable the"
          + " container's forwarded-header handling)."),
  /** The posted RelayState is missing or not the one bound to the answered request. */
  RELAY_STATE_MISMATCH(
      "relay_state_mismatch",
      400,
      "This sign-in cannot be matched to this browser. Please start signing in again.",
      "Entra echoes the RelayState it was sent; a missing or different one means the POST did"
          + " not come from this browser's own sign-in (or a proxy dropped the form field)."),
  /**
   * A POST to the logout path that does not come from the application's own pages ({@code
   * Sec-Fetch-Site} other than same-origin, or an {@code Origin}/{@code Referer} of another host,
   * or none of them): a cross-site request forging a sign-out. The session is kept.
   */
  LOGOUT_NOT_SAME_ORIGIN(
      "logout_not_same_origin",
      403,
      "Sign-out was requested from another site and was not done. Use Sign out in this"
          + " application.",
      "Logout starts only from a POST by the application's own pages (a form on the same origin);"
          + " a GET shows a page with a Sign out button. Behind a proxy, forward the browser's Host"
          + " header, or the Origin check of browsers without Sec-Fetch-Site fails."),
  /** The UserLinker found no local user for the verified identity. */
  USER_NOT_PROVISIONED(
      "user_not_provisioned",
      403,
      "Your account is not set up in this application.",
      "The identity is genuine but the UserLinker knows no local user for it: provision the user"
          + " (linked by its scoped key) or check the linker."),
  /** The UserLinker found the local user but it is not active. */
  USER_INACTIVE(
      "user_inactive",
      403,
      "Your account in this application is not active.",
      "The local user is disabled, locked or expired; reactivate it in the application."),
  /** The UserLinker refused the user for another reason. */
  ACCESS_DENIED(
      "access_denied",
      403,
      "Your account may not use this application.",
      "The UserLinker refused the user (e.g. not in a required group); its log line says why."),
  /**
   * The servlet container refused what the filter needs: no session support, or a form size limit
   * below the form size the filter accepts ({@code 3 × maxResponseChars + 8192} bytes).
   */
  CONTAINER_MISCONFIGURED(
      "container_misconfigured",
      500,
      "Sign-in failed because this application's server is not set up for it.",
      "The servlet container has no session support (Jetty: new"
          + " ServletContextHandler(ServletContextHandler.SESSIONS)), or its form size limit is"
          + " below what maxResponseChars needs (Jetty: ServletContextHandler#setMaxFormContentSize; Tomcat:"
          + " the Connector's maxPostSize); the ERROR log line says which."),
  /**
   * The {@link SessionRevocations} store (shared by the nodes) could not say whether the signed-in
   * user's session was ended by an IdP-initiated logout: the request is refused (fail closed), the
   * session is kept, so the user goes on once the store answers again.
   */
  SESSION_CHECK_UNAVAILABLE(
      "session_check_unavailable",
      503,
      "Your session cannot be checked right now. Please try again in a moment.",
      "The SessionRevocations store did not answer (the ERROR log line names it: the PostgreSQL"
          + " table saml_session_revocations or the Redis server): bring it back or fix its"
          + " address; sessions are kept and work again by themselves once it answers."),
  /** The application's RegistrationSelector, UserLinker or the validator threw. */
  INTERNAL_ERROR(
      "internal_error",
      500,
      "Sign-in failed because of an error in this application.",
      "A RegistrationSelector, UserLinker or the validator threw an unexpected exception; the"
          + " ERROR log line with this correlation id has the stack trace.");

  private final String id;
  private final int status;
  private final String userMessage;
  private final String hint;

  FilterErrorCode(String id, int status, String userMessage, String hint) {
    this.id = id;
    this.status = status;
    this.userMessage = userMessage;
    this.hint = hint;
  }

  /** Stable snake_case id, safe to show. */
  public String id() {
    return id;
  }

  /** The HTTP status the filter answers with this code. */
  public int status() {
    return status;
  }

  /** What an administrator should check; for the log and documentation, not the browser. */
  public String hint() {
    return hint;
  }

  /** The fixed sentence the browser sees; contains no request data. */
  String userMessage() {
    return userMessage;
  }
}
