package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.LogSafe;
import io.cloudsign.saml.core.internal.SecureXml;
import io.cloudsign.saml.core.internal.XmlBounds;
import io.cloudsign.saml.core.internal.XmlText;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * SP-initiated single logout (SAML Profiles §4.4, Bindings §3.4): the {@code LogoutRequest} sent to
 * the IdP by HTTP-Redirect, and the IdP's {@code LogoutResponse} received by HTTP-Redirect, as
 * Entra sends it (a GET, its percent-encoding lower-cased, Issuer {@code
 * https://login.microsoftonline.com/<tid>/}, no Destination, unsigned unless configured).
 *
 * <p>A signature is verified over the query exactly as received ({@code SAMLResponse=…
 * &RelayState=…&SigAlg=…}, the raw substrings in that order), never over a re-encoding: Entra's
 * lower-cased escapes would not survive one.
 */
final class LogoutMessages {
  private static final String PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
  private static final String ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
  private static final String SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
  private static final String RESPONDER = "urn:oasis:names:tc:SAML:2.0:status:Responder";
  private static final int MAX_QUERY_CHARS = 64 * 1024;
  private static final int MAX_INFLATED_BYTES = 64 * 1024;
  private static final Map<String, String> SIG_ALGS =
      Map.of(
          "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "SHA256withRSA",
          "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", "SHA384withRSA",
          "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "SHA512withRSA");
  private static final String RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";

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
    Map<String, String> raw = rawParameters(rawQuery, "SAMLResponse");
    Registration r =
        registrations
            .apply(pending.registrationId())
            .orElseThrow(
                () ->
                    fail(
                        LogoutErrorCode.UNKNOWN_REQUEST,
                        "registration "
                            + LogSafe.text(pending.registrationId())
                            + " is not configured"));
    String relayState = raw.containsKey("RelayState") ? decode(raw.get("RelayState")) : null;
    if (!pending.relayState().equals(Optional.ofNullable(relayState))) {
      throw fail(LogoutErrorCode.UNKNOWN_REQUEST, "the RelayState is not this logout's");
    }
    if (raw.containsKey("Signature")) {
      verifySignature(raw, "SAMLResponse", r);
    } else if (raw.containsKey("SigAlg")) {
      throw fail(LogoutErrorCode.MALFORMED, "SigAlg without Signature");
    }
    Element root = parse(decode(raw.get("SAMLResponse")), "LogoutResponse");
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
    Map<String, String> raw = rawParameters(rawQuery, "SAMLRequest");
    Element root = parse(decode(raw.get("SAMLRequest")), "LogoutRequest");
    Registration r = registrationOfIssuer(root, candidates);
    boolean signed = raw.containsKey("Signature");
    if (signed) {
      verifySignature(raw, "SAMLRequest", r);
    } else if (raw.containsKey("SigAlg")) {
      throw fail(LogoutErrorCode.MALFORMED, "SigAlg without Signature");
    } else if (!r.acceptsUnsignedLogoutRequests()) {
      throw fail(LogoutErrorCode.UNSIGNED, "the LogoutRequest has no Redirect signature");
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
    String relayState = raw.containsKey("RelayState") ? decode(raw.get("RelayState")) : null;
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

  /**
   * The query's parameters, raw (still percent-encoded); each at most once; {@code message} is
   * {@code SAMLResponse} or {@code SAMLRequest}, and the other one must not be there.
   */
  private static Map<String, String> rawParameters(String rawQuery, String message)
      throws LogoutException {
    if (rawQuery == null || rawQuery.isEmpty() || rawQuery.length() > MAX_QUERY_CHARS) {
      throw fail(LogoutErrorCode.MALFORMED, "no query, or one over " + MAX_QUERY_CHARS + " chars");
    }
    String other = message.equals("SAMLResponse") ? "SAMLRequest" : "SAMLResponse";
    Map<String, String> raw = new LinkedHashMap<>();
    for (String part : rawQuery.split("&", -1)) {
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      String value = eq < 0 ? "" : part.substring(eq + 1);
      if (name.equals(other)) {
        throw fail(
            LogoutErrorCode.MALFORMED,
            "a " + other + " arrived where a " + message + " was expected");
      }
      if (List.of(message, "RelayState", "SigAlg", "Signature").contains(name)
          && raw.put(name, value) != null) {
        throw fail(LogoutErrorCode.MALFORMED, name + " appears more than once");
      }
    }
    if (!raw.containsKey(message) || raw.get(message).isEmpty()) {
      throw fail(LogoutErrorCode.MALFORMED, "no " + message + " parameter");
    }
    return raw;
  }

  /**
   * SAML Bindings §3.4.4.1: the signed octets are {@code SAMLResponse=v[&RelayState=v]&SigAlg=v}
   * with each value exactly as it arrived, in that order, whatever order the query had.
   */
  private void verifySignature(Map<String, String> raw, String message, Registration r)
      throws LogoutException {
    String sigAlg = raw.containsKey("SigAlg") ? decode(raw.get("SigAlg")) : null;
    String jca = SIG_ALGS.get(sigAlg);
    if (jca == null && RSA_SHA1.equals(sigAlg) && policy.allowInsecureSha1Signatures()) {
      jca = "SHA1withRSA";
    }
    if (jca == null) {
      throw fail(
          LogoutErrorCode.INVALID_SIGNATURE,
          "SigAlg "
              + LogSafe.text(String.valueOf(sigAlg))
              + " is not allowed (RSA-SHA256/384/512)");
    }
    String signed =
        message
            + "="
            + raw.get(message)
            + (raw.containsKey("RelayState") ? "&RelayState=" + raw.get("RelayState") : "")
            + "&SigAlg="
            + raw.get("SigAlg");
    byte[] signature;
    try {
      signature = Base64.getMimeDecoder().decode(decode(raw.get("Signature")));
    } catch (IllegalArgumentException e) {
      throw fail(LogoutErrorCode.MALFORMED, "Signature is not base64");
    }
    KeySource source = r.keySource();
    TrustedKeys trusted = source.current();
    if (verifies(jca, signed, signature, trusted.certificates())) {
      return;
    }
    TrustedKeys fresh = source.refreshAfterUnknownKey(trusted);
    if (fresh != trusted && verifies(jca, signed, signature, fresh.certificates())) {
      return;
    }
    throw fail(
        LogoutErrorCode.INVALID_SIGNATURE,
        "the Redirect signature does not verify over the query as received with any of the "
            + fresh.certificates().size()
            + " trusted certificate(s)");
  }

  private static boolean verifies(
      String jca, String signed, byte[] signature, List<X509Certificate> certificates) {
    for (X509Certificate c : certificates) {
      try {
        Signature s = Signature.getInstance(jca);
        s.initVerify(c.getPublicKey());
        s.update(signed.getBytes(StandardCharsets.US_ASCII));
        if (s.verify(signature)) {
          return true;
        }
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // not this key (another key type, malformed signature bytes)
      }
    }
    return false;
  }

  private static Element parse(String samlMessage, String rootName) throws LogoutException {
    byte[] deflated;
    try {
      deflated = Base64.getMimeDecoder().decode(samlMessage);
    } catch (IllegalArgumentException e) {
      throw fail(LogoutErrorCode.MALFORMED, "SAMLResponse is not base64");
    }
    byte[] xml = inflate(deflated);
    Document doc;
    try {
      doc = SecureXml.parse(xml, XmlBounds.RESPONSE);
    } catch (SecureXml.RejectedXmlException e) {
      throw fail(LogoutErrorCode.MALFORMED, "SAMLResponse: " + e.getMessage());
    }
    Element root = doc.getDocumentElement();
    if (!PROTOCOL.equals(root.getNamespaceURI())
        || !rootName.equals(root.getLocalName())
        || !"2.0".equals(root.getAttribute("Version"))) {
      throw fail(
          LogoutErrorCode.MALFORMED,
          "the message is a "
              + LogSafe.text(root.getLocalName())
              + ", not a SAML 2.0 LogoutResponse");
    }
    return root;
  }

  /** Raw DEFLATE, at most {@link #MAX_INFLATED_BYTES}: a small message cannot expand to much. */
  private static byte[] inflate(byte[] deflated) throws LogoutException {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(deflated);
      ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
      byte[] buf = new byte[4096];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw fail(LogoutErrorCode.MALFORMED, "SAMLResponse is not complete DEFLATE data");
        }
        out.write(buf, 0, n);
        if (out.size() > MAX_INFLATED_BYTES) {
          throw fail(LogoutErrorCode.MALFORMED, "SAMLResponse inflates to over 64 KiB");
        }
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw fail(LogoutErrorCode.MALFORMED, "SAMLResponse is not DEFLATE data");
    } finally {
      inflater.end();
    }
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

  private static String decode(String raw) throws LogoutException {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw fail(LogoutErrorCode.MALFORMED, "a parameter is not percent-encoded properly");
    }
  }

  private static LogoutException fail(LogoutErrorCode code, String detail) {
    return new LogoutException(code, detail);
  }
}
