package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.LogSafe;
import io.cloudsign.saml.core.internal.XmlText;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Single logout (SAML Profiles §4.4): the SP's {@code LogoutRequest} sent to the IdP by
 * HTTP-Redirect and the IdP's {@code LogoutResponse} to it; the IdP's {@code LogoutRequest}
 * (IdP-initiated) and the SP's answer. Messages arrive by HTTP-Redirect ({@link LogoutRedirect}, as
 * Entra sends them: a GET, its percent-encoding lower-cased, Issuer {@code
 * https://login.microsoftonline.com/<tid>/}, no Destination, unsigned unless configured) or by
 * HTTP-POST ({@link LogoutPost}, as other IdPs send them); each binding decodes its message and
 * verifies its signature, and the checks after that are written once, here, for both.
 */
final class LogoutMessages {
  private static final String PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
  private static final String ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
  private static final String SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
  private static final String RESPONDER = "urn:oasis:names:tc:SAML:2.0:status:Responder";

  private final SecureRandom random = new SecureRandom();
  private final ValidationPolicy policy;
  private final Duration lifetime;

  LogoutMessages(ValidationPolicy policy, Duration lifetime) {
    this.policy = policy;
    this.lifetime = lifetime;
  }

  /** The LogoutRequest for a signed-in user, or empty when either side has no logout URL. */
  Optional<LogoutRequest> create(
      Registration r, String nameId, String nameIdFormat, String sessionIndex, String relayState) {
    Optional<URI> idpLogout = r.identityProvider().singleLogoutUrl();
    if (idpLogout.isEmpty() || r.logoutUrl().isEmpty()) {
      return Optional.empty();
    }
    if (nameId == null || nameId.isEmpty()) {
      throw new IllegalArgumentException("a LogoutRequest needs the signed-in user's NameID");
    }
    Clock clock = policy.clock();
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    byte[] b = new byte[16];
    random.nextBytes(b);
    String id = "_" + HexFormat.of().formatHex(b);
    StringBuilder xml =
        new StringBuilder(512)
            .append("<samlp:LogoutRequest xmlns:samlp=\"")
            .append(PROTOCOL)
            .append("\" xmlns:saml=\"")
            .append(ASSERTION)
            .append("\" ID=\"")
            .append(id)
            .append("\" Version=\"2.0\" IssueInstant=\"")
            .append(now)
            .append("\" Destination=\"")
            .append(XmlText.escape(idpLogout.get().toString()))
            .append("\"><saml:Issuer>")
            .append(XmlText.escape(r.entityId()))
            .append("</saml:Issuer><saml:NameID");
    if (nameIdFormat != null && !nameIdFormat.isEmpty()) {
      xml.append(" Format=\"").append(XmlText.escape(nameIdFormat)).append('"');
    }
    xml.append('>').append(XmlText.escape(nameId)).append("</saml:NameID>");
    if (sessionIndex != null && !sessionIndex.isEmpty()) {
      xml.append("<samlp:SessionIndex>")
          .append(XmlText.escape(sessionIndex))
          .append("</samlp:SessionIndex>");
    }
    xml.append("</samlp:LogoutRequest>");
    String samlRequest = Base64.getEncoder().encodeToString(AuthnRequests.deflate(xml.toString()));
    URI url = AuthnRequests.redirectUrl(r, idpLogout.get(), "SAMLRequest", samlRequest, relayState);
    PendingRequest pending = PendingRequest.of(r.id(), id, now, now.plus(lifetime), relayState);
    return Optional.of(new LogoutRequest(pending, url));
  }

  /** Validates the IdP's LogoutResponse (the raw query string of its GET) for {@code pending}. */
  void validate(
      String rawQuery,
      PendingRequest pending,
      Function<String, Optional<Registration>> registrations)
      throws LogoutException {
    Map<String, String> raw = LogoutRedirect.rawParameters(rawQuery, "SAMLResponse");
    Registration r = registrationOf(pending, registrations);
    checkRelayState(pending, LogoutRedirect.relayState(raw));
    if (raw.containsKey("Signature")) {
      LogoutRedirect.verifySignature(raw, "SAMLResponse", r, policy.allowInsecureSha1Signatures());
    } else if (raw.containsKey("SigAlg")) {
      throw fail(LogoutErrorCode.MALFORMED, "SigAlg without Signature");
    }
    checkResponse(
        LogoutRedirect.parse(LogoutRedirect.decode(raw.get("SAMLResponse")), "LogoutResponse"),
        r,
        pending);
  }

  /**
   * Validates the IdP's LogoutResponse by HTTP-POST (the {@code SAMLResponse} and {@code
   * RelayState} form values) for {@code pending}: its enveloped XML signature, when there is one,
   * then the same checks as {@link #validate}.
   */
  void validatePost(
      String samlResponse,
      String relayState,
      PendingRequest pending,
      Function<String, Optional<Registration>> registrations)
      throws LogoutException {
    Registration r = registrationOf(pending, registrations);
    checkRelayState(pending, relayState);
    Element root = LogoutPost.parse(samlResponse, "LogoutResponse");
    if (LogoutPost.signed(root)) {
      LogoutPost.verify(root, r, policy.allowInsecureSha1Signatures());
    }
    checkResponse(root, r, pending);
  }

  private static Registration registrationOf(
      PendingRequest pending, Function<String, Optional<Registration>> registrations)
      throws LogoutException {
    return registrations
        .apply(pending.registrationId())
        .orElseThrow(
            () ->
                fail(
                    LogoutErrorCode.UNKNOWN_REQUEST,
                    "registration "
                        + LogSafe.text(pending.registrationId())
                        + " is not configured"));
  }

  private static void checkRelayState(PendingRequest pending, String relayState)
      throws LogoutException {
    if (!pending.relayState().equals(Optional.ofNullable(relayState))) {
      throw fail(LogoutErrorCode.UNKNOWN_REQUEST, "the RelayState is not this logout's");
    }
  }

  /**
   * The checks on a LogoutResponse after its binding was decoded (and its signature, if any,
   * verified), the same for both bindings: InResponseTo, expiry, IssueInstant, Destination, Issuer
   * and Status.
   */
  private void checkResponse(Element root, Registration r, PendingRequest pending)
      throws LogoutException {
    String inResponseTo = root.getAttribute("InResponseTo");
    if (!pending.requestId().equals(inResponseTo)) {
      throw fail(
          LogoutErrorCode.UNKNOWN_REQUEST,
          "InResponseTo "
              + LogSafe.text(inResponseTo)
              + " is not this browser's logout "
              + pending.requestId());
    }
    Instant now = policy.clock().instant();
    if (!now.isBefore(pending.expiresAt())) {
      throw fail(LogoutErrorCode.EXPIRED, "the logout expired at " + pending.expiresAt());
    }
    checkIssueInstant(root, pending, now);
    checkDestination(root, r);
    String issuer = onlyChildText(root, ASSERTION, "Issuer");
    if (issuer == null || !r.logoutIssuers().contains(issuer.strip())) {
      throw fail(
          LogoutErrorCode.INVALID_ISSUER,
          "Issuer is "
              + LogSafe.text(String.valueOf(issuer))
              + ", expected one of "
              + r.logoutIssuers());
    }
    String status = statusCode(root);
    if (!SUCCESS.equals(status)) {
      throw fail(
          LogoutErrorCode.NOT_CONFIRMED,
          "the IdP answered " + LogSafe.text(String.valueOf(status)));
    }
  }

  /**
   * Validates an IdP's LogoutRequest (the raw query of its GET to a Logout Url) for one of {@code
   * candidates} (the registrations whose Logout Url that is), chosen by its Issuer.
   */
  IdpLogoutRequest validateRequest(
      String rawQuery, List<Registration> candidates, ReplayCache replayCache)
      throws LogoutException {
    Map<String, String> raw = LogoutRedirect.rawParameters(rawQuery, "SAMLRequest");
    Element root =
        LogoutRedirect.parse(LogoutRedirect.decode(raw.get("SAMLRequest")), "LogoutRequest");
    Registration r = registrationOfIssuer(root, candidates);
    boolean signed = raw.containsKey("Signature");
    if (signed) {
      LogoutRedirect.verifySignature(raw, "SAMLRequest", r, policy.allowInsecureSha1Signatures());
    } else if (raw.containsKey("SigAlg")) {
      throw fail(LogoutErrorCode.MALFORMED, "SigAlg without Signature");
    }
    String relayState = LogoutRedirect.relayState(raw);
    return checkRequest(root, r, signed, relayState, replayCache);
  }

  /**
   * Validates an IdP's LogoutRequest by HTTP-POST (the {@code SAMLRequest} and {@code RelayState}
   * form values) for one of {@code candidates}, chosen by its Issuer: its enveloped XML signature
   * with that registration's trusted keys, then the same checks as {@link #validateRequest}.
   */
  IdpLogoutRequest validateRequestPost(
      String samlRequest, String relayState, List<Registration> candidates, ReplayCache replayCache)
      throws LogoutException {
    Element root = LogoutPost.parse(samlRequest, "LogoutRequest");
    Registration r = registrationOfIssuer(root, candidates);
    boolean signed = LogoutPost.signed(root);
    if (signed) {
      LogoutPost.verify(root, r, policy.allowInsecureSha1Signatures());
    }
    return checkRequest(root, r, signed, relayState, replayCache);
  }

  /**
   * The checks on an IdP's LogoutRequest after its binding was decoded and its signature (if any)
   * verified, the same for both bindings: signed unless the registration accepts unsigned ones, an
   * ID, the times, Destination, a NameID, and (signed only) its ID used once.
   */
  private IdpLogoutRequest checkRequest(
      Element root, Registration r, boolean signed, String relayState, ReplayCache replayCache)
      throws LogoutException {
    if (!signed && !r.acceptsUnsignedLogoutRequests()) {
      throw fail(LogoutErrorCode.UNSIGNED, "the LogoutRequest is not signed");
    }
    String id = root.getAttribute("ID");
    if (id.isEmpty()) {
      throw fail(LogoutErrorCode.MALFORMED, "the LogoutRequest has no ID");
    }
    Instant issued = checkRequestTimes(root);
    checkDestination(root, r);
    Element nameId = onlyChild(root, ASSERTION, "NameID");
    if (nameId == null || nameId.getTextContent().isBlank()) {
      throw fail(LogoutErrorCode.MALFORMED, "the LogoutRequest has no NameID");
    }
    List<String> sessionIndexes = new java.util.ArrayList<>();
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e
          && PROTOCOL.equals(e.getNamespaceURI())
          && "SessionIndex".equals(e.getLocalName())) {
        sessionIndexes.add(e.getTextContent().strip());
      }
    }
    if (signed) {
      // Only a verified LogoutRequest may take a place in the replay cache: with unsigned ones
      // accepted, anyone could otherwise fill the registration's partition (replay_cache_full).
      remember(replayCache, r, id, issued);
    }
    return new IdpLogoutRequest(
        r.id(),
        id,
        issued,
        nameId.getTextContent().strip(),
        Optional.ofNullable(nameId.hasAttribute("Format") ? nameId.getAttribute("Format") : null),
        sessionIndexes,
        Optional.ofNullable(relayState));
  }

  /** The one candidate whose logout issuers hold the message's Issuer. */
  private static Registration registrationOfIssuer(Element root, List<Registration> candidates)
      throws LogoutException {
    String issuer = onlyChildText(root, ASSERTION, "Issuer");
    List<Registration> matching =
        candidates.stream()
            .filter(c -> issuer != null && c.logoutIssuers().contains(issuer.strip()))
            .toList();
    if (matching.size() != 1) {
      throw fail(
          LogoutErrorCode.INVALID_ISSUER,
          "Issuer "
              + LogSafe.text(String.valueOf(issuer))
              + (matching.isEmpty()
                  ? " is no logout issuer of the registrations at this Logout Url"
                  : " is a logout issuer of several registrations at this Logout Url"));
    }
    return matching.get(0);
  }

  /** IssueInstant within maxResponseAge and the skew, NotOnOrAfter not passed; the IssueInstant. */
  private Instant checkRequestTimes(Element root) throws LogoutException {
    Instant now = policy.clock().instant();
    Instant issued = instantAttribute(root, "IssueInstant");
    Duration skew = policy.clockSkew();
    if (issued.isAfter(now.plus(skew))
        || issued.plus(policy.maxResponseAge()).plus(skew).isBefore(now)) {
      throw fail(
          LogoutErrorCode.EXPIRED,
          "IssueInstant " + issued + " is not within " + policy.maxResponseAge() + " ± " + skew);
    }
    if (root.hasAttribute("NotOnOrAfter")) {
      Instant notOnOrAfter = instantAttribute(root, "NotOnOrAfter");
      if (!now.isBefore(notOnOrAfter.plus(skew))) {
        throw fail(LogoutErrorCode.EXPIRED, "the LogoutRequest expired at " + notOnOrAfter);
      }
    }
    return issued;
  }

  /** The Destination, when present, is the registration's Logout Url. */
  private static void checkDestination(Element root, Registration r) throws LogoutException {
    if (!root.hasAttribute("Destination")) {
      return;
    }
    String destination = root.getAttribute("Destination");
    if (!r.logoutUrl().map(u -> u.toString().equals(destination)).orElse(false)) {
      throw fail(
          LogoutErrorCode.INVALID_DESTINATION,
          "Destination is "
              + LogSafe.text(destination)
              + ", expected the Logout Url "
              + r.logoutUrl().map(URI::toString).orElse("(none)"));
    }
  }

  private static Instant instantAttribute(Element root, String name) throws LogoutException {
    try {
      return Instant.parse(root.getAttribute(name));
    } catch (DateTimeParseException e) {
      throw fail(LogoutErrorCode.MALFORMED, name + " is missing or not a dateTime");
    }
  }

  /** A LogoutRequest's ID is used once; a store that cannot answer does not stop a logout. */
  private void remember(ReplayCache cache, Registration r, String id, Instant issued)
      throws LogoutException {
    Instant keepUntil = issued.plus(policy.maxResponseAge()).plus(policy.clockSkew());
    try {
      if (cache.remember(r.id(), "logout-request\n" + id, keepUntil)
          == ReplayCache.Outcome.ALREADY_USED) {
        throw fail(
            LogoutErrorCode.REPLAYED, "the LogoutRequest " + LogSafe.text(id) + " was seen before");
      }
    } catch (RuntimeException e) {
      // Signing out is the safe direction: go on, and say so.
      org.slf4j.LoggerFactory.getLogger(ReplayCache.class)
          .warn(
              "replay cache unavailable for the LogoutRequest {} of registration {}; processing it"
                  + " anyway (it only signs out): {}",
              LogSafe.text(id),
              r.id(),
              LogSafe.text(String.valueOf(e.getMessage())));
    }
  }

  /**
   * The SP's LogoutResponse to an IdP's LogoutRequest, by HTTP-Redirect to the IdP's logout URL
   * (Issuer = the Identifier, InResponseTo, Status Success), signed with the SP key when set.
   */
  URI response(Registration r, IdpLogoutRequest request) {
    return response(r, request, true);
  }

  /** As above; Status Responder when {@code ended} is false (the SP could not end the sessions). */
  URI response(Registration r, IdpLogoutRequest request, boolean ended) {
    URI destination =
        r.identityProvider()
            .singleLogoutUrl()
            .orElseThrow(() -> new IllegalStateException("the IdP metadata has no logout URL"));
    byte[] b = new byte[16];
    random.nextBytes(b);
    String xml =
        "<samlp:LogoutResponse xmlns:samlp=\""
            + PROTOCOL
            + "\" xmlns:saml=\""
            + ASSERTION
            + "\" ID=\"_"
            + HexFormat.of().formatHex(b)
            + "\" Version=\"2.0\" IssueInstant=\""
            + policy.clock().instant().truncatedTo(ChronoUnit.SECONDS)
            + "\" Destination=\""
            + XmlText.escape(destination.toString())
            + "\" InResponseTo=\""
            + XmlText.escape(request.id())
            + "\"><saml:Issuer>"
            + XmlText.escape(r.entityId())
            + "</saml:Issuer><samlp:Status><samlp:StatusCode Value=\""
            + (ended ? SUCCESS : RESPONDER)
            + "\"/></samlp:Status></samlp:LogoutResponse>";
    String samlResponse = Base64.getEncoder().encodeToString(AuthnRequests.deflate(xml));
    return AuthnRequests.redirectUrl(
        r, destination, "SAMLResponse", samlResponse, request.relayState().orElse(null));
  }

  private void checkIssueInstant(Element root, PendingRequest pending, Instant now)
      throws LogoutException {
    Instant issued = instantAttribute(root, "IssueInstant");
    Duration skew = policy.clockSkew();
    if (issued.isBefore(pending.issuedAt().minus(skew)) || issued.isAfter(now.plus(skew))) {
      throw fail(
          LogoutErrorCode.EXPIRED,
          "IssueInstant " + issued + " is outside " + pending.issuedAt() + " … now, ± " + skew);
    }
  }

  /** The document's root, a SAML 2.0 {@code samlp:<rootName>}. */
  static Element root(Document doc, String rootName) throws LogoutException {
    Element root = doc.getDocumentElement();
    if (!PROTOCOL.equals(root.getNamespaceURI())
        || !rootName.equals(root.getLocalName())
        || !"2.0".equals(root.getAttribute("Version"))) {
      throw fail(
          LogoutErrorCode.MALFORMED,
          "the message is a " + LogSafe.text(root.getLocalName()) + ", not a SAML 2.0 " + rootName);
    }
    return root;
  }

  private static String onlyChildText(Element parent, String ns, String local)
      throws LogoutException {
    Element found = onlyChild(parent, ns, local);
    return found == null ? null : found.getTextContent();
  }

  private static Element onlyChild(Element parent, String ns, String local) throws LogoutException {
    Element found = null;
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e
          && ns.equals(e.getNamespaceURI())
          && local.equals(e.getLocalName())) {
        if (found != null) {
          throw fail(LogoutErrorCode.MALFORMED, "two " + local + " elements");
        }
        found = e;
      }
    }
    return found;
  }

  private static String statusCode(Element root) throws LogoutException {
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element status
          && PROTOCOL.equals(status.getNamespaceURI())
          && "Status".equals(status.getLocalName())) {
        for (Node c = status.getFirstChild(); c != null; c = c.getNextSibling()) {
          if (c instanceof Element code
              && PROTOCOL.equals(code.getNamespaceURI())
              && "StatusCode".equals(code.getLocalName())) {
            return code.getAttribute("Value");
          }
        }
      }
    }
    throw fail(LogoutErrorCode.MALFORMED, "no Status/StatusCode");
  }

  static LogoutException fail(LogoutErrorCode code, String detail) {
    return new LogoutException(code, detail);
  }
}
