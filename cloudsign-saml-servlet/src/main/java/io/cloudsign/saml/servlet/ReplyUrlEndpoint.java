package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.ErrorCode;
import io.cloudsign.saml.core.PendingRequest;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.RegistrationUnavailableException;
import io.cloudsign.saml.core.SamlValidationException;
import io.cloudsign.saml.core.VerifiedAssertion;
import io.cloudsign.saml.servlet.internal.StateCookieCodec.Entry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Reply URL ({@code POST /saml2/idpresponse}): reads the form, finds this browser's pending
 * sign-in in the request-state cookie, lets core validate the Response, checks the RelayState bound
 * to the answered request, asks the {@link UserLinker} for the local user, then starts the session
 * (new id) and sends the browser to its return path. Any POST consumes the state cookie, accepted
 * or not; each step that refuses names its code.
 */
final class ReplyUrlEndpoint implements Endpoint {
  private static final Logger log = LoggerFactory.getLogger(SamlSsoFilter.class);

  /** Bodies up to this size are read and dropped before a 413, so the client sees the page. */
  private static final long DISCARD_LIMIT = 8L * 1024 * 1024;

  private final FilterSettings s;

  ReplyUrlEndpoint(FilterSettings settings) {
    this.s = settings;
  }

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (!"POST".equals(request.getMethod())) {
      response.setHeader("Allow", "POST");
      s.responder.respond(
          request,
          response,
          Failure.of(
              FilterErrorCode.METHOD_NOT_ALLOWED,
              "the Reply URL accepts POST only, got " + Requests.safeMethod(request)));
      return;
    }
    List<Registration> servedHere;
    try {
      servedHere = s.servedAt(request, request.getContextPath() + Requests.pathInContext(request));
    } catch (RegistrationUnavailableException e) {
      s.responder.respond(
          request,
          response,
          Failure.validation(ErrorCode.REGISTRATION_UNAVAILABLE, e.getMessage())
              .at(e.registrationId()));
      return;
    }
    try {
      signIn(request, response, servedHere);
    } catch (Refused refused) {
      s.responder.respond(request, response, refused.failure, s.stateCookie.clear(servedHere));
    }
  }

  private void signIn(
      HttpServletRequest request, HttpServletResponse response, List<Registration> servedHere)
      throws IOException, Refused {
    Form form = readForm(request, response);
    List<Entry> entries = pendingSignIns(request, servedHere);
    VerifiedAssertion identity = validate(form.samlResponse(), entries);
    Entry answered = answeredWithItsRelayState(identity, entries, form.relayState());
    LocalUser user = link(identity);

    try {
      Sessions.start(request, new SamlPrincipal(user, identity, s.clock.instant()));
    } catch (IllegalStateException e) {
      // Jetty without a SessionHandler: "No SessionManager"; a response already committed.
      throw new Refused(
          Failure.of(
              FilterErrorCode.CONTAINER_MISCONFIGURED,
              "the container could not create a session ("
                  + e.getMessage()
                  + "): enable session support (Jetty: new"
                  + " ServletContextHandler(ServletContextHandler.SESSIONS))"));
    }
    s.stateCookie.clear(servedHere).forEach(c -> response.addHeader("Set-Cookie", c)); // consumed
    log.info(
        "SAML sign-in: registration={} local user={} assertion={}",
        identity.registrationId(),
        LogText.value(user.name()),
        LogText.value(identity.assertionId()));
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", answered.returnPath());
    response.setHeader("Cache-Control", "no-store");
  }

  private record Form(String samlResponse, String relayState) {}

  /** SAMLResponse and RelayState, once each, from the POST body of a bounded size. */
  private Form readForm(HttpServletRequest request, HttpServletResponse response) throws Refused {
    long length = request.getContentLengthLong();
    if (length > s.maxFormBytes) {
      discardBody(request, response, length);
      throw new Refused(
          Failure.validation(
              ErrorCode.RESPONSE_TOO_LARGE,
              "the form is " + length + " bytes, more than " + s.maxFormBytes));
    }
    String[] responses;
    String[] relays;
    String query;
    try {
      query = request.getQueryString();
      responses = request.getParameterValues("SAMLResponse");
      relays = request.getParameterValues("RelayState");
    } catch (RuntimeException e) {
      if (length > 0 && isForm(request) && isSizeLimit(e)) {
        // A body within our limit that the container will not decode: its own limit is lower.
        throw new Refused(
            Failure.of(
                FilterErrorCode.CONTAINER_MISCONFIGURED,
                "the container refused a form of "
                    + length
                    + " bytes ("
                    + e.getClass().getSimpleName()
                    + "): its form size limit is below what maxResponseChars needs ("
                    + s.maxFormBytes
                    + " bytes of form); raise it (Jetty:"
                    + " ServletContextHandler#setMaxFormContentSize)"));
      }
      throw malformed(
          "the form could not be read (not application/x-www-form-urlencoded): "
              + e.getClass().getSimpleName());
    }
    if (responses == null && "POST_TOO_LARGE".equals(tomcatParseFailure(request))) {
      throw new Refused(
          Failure.of(
              FilterErrorCode.CONTAINER_MISCONFIGURED,
              "Tomcat dropped a form of "
                  + length
                  + " bytes: the Connector's maxPostSize is below what maxResponseChars needs ("
                  + s.maxFormBytes
                  + " bytes of form); raise maxPostSize"));
    }
    if ((query != null && query.contains("SAML"))
        || (responses != null && responses.length > 1)
        || (relays != null && relays.length > 1)) {
      throw malformed(
          "SAMLResponse and RelayState must arrive once each, in the POST body (HTTP-POST"
              + " binding)");
    }
    if (responses == null || responses[0].isBlank()) {
      throw malformed("no SAMLResponse form field");
    }
    return new Form(responses[0], relays == null ? null : relays[0]);
  }

  /**
   * Whether the container refused the form for its size (Jetty: "Form is larger than max length";
   * Tomcat: maxPostSize), not for bad encoding, which anyone can send and is malformed_response.
   */
  private static boolean isSizeLimit(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (m.contains("max") || m.contains("too large") || m.contains("larger than")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isForm(HttpServletRequest request) {
    String type = request.getContentType();
    return type != null
        && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
  }

  /** Tomcat records why it did not parse the parameters (e.g. over maxPostSize) here. */
  private static String tomcatParseFailure(HttpServletRequest request) {
    Object reason = request.getAttribute("org.apache.catalina.parameter_parse_failed_reason");
    return reason == null ? null : reason.toString();
  }

  private static Refused malformed(String detail) {
    return new Refused(Failure.validation(ErrorCode.MALFORMED_RESPONSE, detail));
  }

  /**
   * Reads and drops an over-limit body (never parsing it) so the browser receives the error page
   * instead of a connection reset; a body larger than {@link #DISCARD_LIMIT} is not read and the
   * connection is closed after the answer.
   */
  private static void discardBody(
      HttpServletRequest request, HttpServletResponse response, long length) {
    if (length > DISCARD_LIMIT) {
      response.setHeader("Connection", "close");
      return;
    }
    try (InputStream in = request.getInputStream()) {
      byte[] buffer = new byte[16 * 1024];
      long left = length;
      int n;
      while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
        left -= n;
      }
    } catch (IOException e) {
      response.setHeader("Connection", "close");
    }
  }

  /** This browser's pending sign-ins for the registrations of this Reply URL. */
  private List<Entry> pendingSignIns(HttpServletRequest request, List<Registration> servedHere)
      throws Refused {
    StateCookie.Read state = s.stateCookie.read(request, servedHere);
    if (!state.entries().isEmpty()) {
      return unexpired(onThisHost(request, state.entries(), servedHere));
    }
    String cookie =
        servedHere.isEmpty()
            ? "(none for a tenant at this Reply URL)"
            : s.stateCookie.describe(servedHere.get(0));
    if (state.tampered()) {
      throw new Refused(
          Failure.of(
              FilterErrorCode.INVALID_REQUEST_STATE,
              "the state cookie "
                  + cookie
                  + " failed its integrity check"
                  + state
                      .foreignKeyId()
                      .map(
                          k ->
                              ": it was signed with state key id "
                                  + k
                                  + ", which this node does not have (its keys: "
                                  + s.stateCookie.keyIds()
                                  + "); give every node the same stateKey, and the earlier"
                                  + " ones as previousStateKeys during a rotation")
                      .orElse("")));
    }
    throw new Refused(
        Failure.of(
            FilterErrorCode.MISSING_REQUEST_STATE,
            "no pending sign-in in the state cookie "
                + cookie
                + ": sign-in was not started in this browser, took longer than "
                + s.serviceProvider.pendingRequestLifetime()
                + ", or the browser did not send the cookie (it is Secure: the Reply URL must"
                + " be https or http://localhost, on the host where sign-in started)"));
  }

  /**
   * With requireReplyUrlHost: the entries whose registration's Reply URL host is the host the POST
   * arrived at; refused when there is none.
   */
  private List<Entry> onThisHost(
      HttpServletRequest request, List<Entry> entries, List<Registration> servedHere)
      throws Refused {
    if (!s.requireReplyUrlHost) {
      return entries;
    }
    String host = normalizedHost(request.getServerName());
    List<Entry> here =
        entries.stream()
            .filter(e -> host.equals(normalizedHost(replyUrlHost(servedHere, e))))
            .toList();
    if (!here.isEmpty()) {
      return here;
    }
    Entry e = entries.get(entries.size() - 1);
    throw new Refused(
        Failure.of(
            FilterErrorCode.REPLY_URL_HOST_MISMATCH,
            "requireReplyUrlHost: the POST arrived at host "
                + Requests.safeHost(request.getServerName())
                + " but the pending sign-in is for registration "
                + e.registrationId()
                + ", whose Reply URL host is "
                + replyUrlHost(servedHere, e)));
  }

  private static String replyUrlHost(List<Registration> servedHere, Entry e) {
    return servedHere.stream()
        .filter(r -> r.id().equals(e.registrationId()))
        .map(r -> r.replyUrl().getHost())
        .findFirst()
        .orElse("");
  }

  /** Lower case, without IPv6 brackets or a trailing dot. */
  private static String normalizedHost(String host) {
    String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  /**
   * The entries, unless every one has expired: then the Response is refused unread, before the
   * parser runs (core would refuse it as pending_request_expired, but only after parsing it).
   */
  private List<Entry> unexpired(List<Entry> entries) throws Refused {
    Instant now = s.clock.instant();
    if (entries.stream().anyMatch(e -> !e.expiredAt(now))) {
      return entries;
    }
    throw new Refused(
        Failure.of(
            FilterErrorCode.REQUEST_STATE_EXPIRED,
            "the pending sign-in "
                + entries.get(entries.size() - 1).requestId()
                + " expired at "
                + entries.get(entries.size() - 1).expiresAt()
                + " (now "
                + now
                + ", pendingRequestLifetime "
                + s.serviceProvider.pendingRequestLifetime()
                + "); the Response was not parsed"));
  }

  private VerifiedAssertion validate(String samlResponse, List<Entry> entries) throws Refused {
    List<PendingRequest> pending = entries.stream().map(Entry::toPendingRequest).toList();
    try {
      return s.serviceProvider.validate(samlResponse, pending);
    } catch (SamlValidationException e) {
      String registrations =
          entries.stream()
              .map(Entry::registrationId)
              .distinct()
              .collect(java.util.stream.Collectors.joining(","));
      throw new Refused(
          Failure.validation(e.code(), String.valueOf(e.getMessage())).at(registrations));
    } catch (RuntimeException e) {
      throw new Refused(Failure.internal("the Response validator failed", e));
    }
  }

  /** The entry the Response answered, if the posted RelayState is the one bound to it. */
  private static Entry answeredWithItsRelayState(
      VerifiedAssertion identity, List<Entry> entries, String relayState) throws Refused {
    Entry answered = null;
    for (Entry e : entries) {
      if (e.registrationId().equals(identity.registrationId())
          && e.requestId().equals(identity.inResponseTo())) {
        answered = e;
      }
    }
    if (answered != null
        && relayState != null
        && MessageDigest.isEqual(
            relayState.getBytes(StandardCharsets.UTF_8),
            answered.relayKey().getBytes(StandardCharsets.UTF_8))) {
      return answered;
    }
    throw new Refused(
        Failure.of(
            FilterErrorCode.RELAY_STATE_MISMATCH,
            relayState == null
                ? "the POST carried no RelayState (Entra echoes the one sent)"
                : "the posted RelayState is not the one bound to the answered request"));
  }

  private LocalUser link(VerifiedAssertion identity) throws Refused {
    try {
      return Objects.requireNonNull(s.userLinker.link(identity), "UserLinker returned null");
    } catch (UserLinkException e) {
      throw new Refused(
          Failure.refusedBy(e.reason(), "user linker refused " + identity + ": " + e.getMessage()));
    } catch (RuntimeException e) {
      throw new Refused(Failure.internal("the UserLinker failed", e));
    }
  }

  /** A step refused the POST; carries the answer, not a stack trace. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    final transient Failure failure;

    Refused(Failure failure) {
      super(failure.code(), null, false, false);
      this.failure = failure;
    }
  }
}
