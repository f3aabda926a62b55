package io.cloudsign.saml.testkit;

import io.cloudsign.saml.testkit.internal.Bindings;
import io.cloudsign.saml.testkit.internal.RedirectSignature;
import io.cloudsign.saml.testkit.internal.Xml;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.w3c.dom.Element;

/**
 * A LogoutRequest as the fake Entra received it from an SP (SP-initiated single logout): the
 * decoded XML and the values Entra acts on.
 *
 * <p>Created by {@link FakeEntra#parseLogoutRedirect}: Entra accepts LogoutRequests by
 * HTTP-Redirect only. Parsing is secure (no DOCTYPE, nothing external, inflation capped at 512
 * KiB). Entra looks the application up by {@link #issuer()} and answers with a LogoutResponse to
 * its Logout Url ({@link FakeEntra#logoutResponseTo}); it does not act on the NameID or
 * SessionIndex, which are exposed for the SP's own tests. Immutable and thread-safe.
 *
 * <p><b>Security guarantees.</b> {@link #isSignedBy} verifies over the query octets exactly as
 * received (never decoded and re-encoded), so a test sees the same result Entra would.
 */
public final class LogoutRequestInfo {
  private final String xml;
  private final String id;
  private final String issuer;
  private final String destination;
  private final Instant issueInstant;
  private final String nameId;
  private final String nameIdFormat;
  private final String sessionIndex;
  private final String relayState;
  private final String sigAlg;
  // The exact signed octets and the signature, when the query carries one.
  private final String signedQuery;
  private final byte[] signature;

  private LogoutRequestInfo(
      byte[] xmlBytes, String relayState, String sigAlg, String signedQuery, byte[] signature) {
    this.xml = new String(xmlBytes, StandardCharsets.UTF_8);
    Element root = Xml.parseUntrusted(xmlBytes).getDocumentElement();
    if (!isLogoutRequest(root)) {
      throw new IllegalArgumentException(
          "not a samlp:LogoutRequest but {" + root.getNamespaceURI() + "}" + root.getLocalName());
    }
    this.id = required(root, "ID");
    required(root, "Version");
    try {
      this.issueInstant = Instant.parse(required(root, "IssueInstant"));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("LogoutRequest IssueInstant is not an xs:dateTime in UTC");
    }
    this.destination = optional(root, "Destination");
    this.issuer = onlyChild(root, AuthnRequestInfo.ASSERTION_NS, "Issuer").getTextContent();
    Element name = onlyChild(root, AuthnRequestInfo.ASSERTION_NS, "NameID");
    this.nameId = name.getTextContent();
    this.nameIdFormat = optional(name, "Format");
    List<Element> sessions = Xml.children(root, AuthnRequestInfo.PROTOCOL_NS, "SessionIndex");
    this.sessionIndex = sessions.isEmpty() ? null : sessions.get(0).getTextContent();
    this.relayState = relayState;
    this.sigAlg = sigAlg;
    this.signedQuery = signedQuery;
    this.signature = signature;
  }

  static LogoutRequestInfo fromRedirect(String urlOrQuery) {
    Objects.requireNonNull(urlOrQuery, "redirect URL");
    Map<String, String> raw = Bindings.rawQueryParameters(urlOrQuery);
    String samlRequest = raw.get("SAMLRequest");
    if (samlRequest == null) {
      throw new IllegalArgumentException("redirect has no SAMLRequest parameter");
    }
    byte[] xml = Bindings.inflate(Bindings.base64(Bindings.decode(samlRequest), "SAMLRequest"));
    String relay = raw.containsKey("RelayState") ? Bindings.decode(raw.get("RelayState")) : null;
    String sigAlg = raw.containsKey("SigAlg") ? Bindings.decode(raw.get("SigAlg")) : null;
    String signedQuery = null;
    byte[] signature = null;
    if (raw.containsKey("Signature")) {
      if (sigAlg == null) {
        throw new IllegalArgumentException("redirect has a Signature but no SigAlg");
      }
      signedQuery = Bindings.signedOctets(raw, "SAMLRequest");
      signature = Bindings.base64(Bindings.decode(raw.get("Signature")), "Signature");
    }
    return new LogoutRequestInfo(xml, relay, sigAlg, signedQuery, signature);
  }

  /**
   * Whether the redirect's SAMLRequest inflates to a samlp:LogoutRequest; false for anything
   * unreadable (the sign-in path then refuses it as it refuses any bad request).
   */
  static boolean isLogoutRedirect(String rawQuery) {
    try {
      String samlRequest = Bindings.rawQueryParameters(rawQuery).get("SAMLRequest");
      return samlRequest != null
          && isLogoutRequest(
              Xml.parseUntrusted(
                      Bindings.inflate(
                          Bindings.base64(Bindings.decode(samlRequest), "SAMLRequest")))
                  .getDocumentElement());
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Whether an HTTP-POST SAMLRequest (base64, not deflated) is a samlp:LogoutRequest. */
  static boolean isLogoutPost(String samlRequestBase64) {
    try {
      return isLogoutRequest(
          Xml.parseUntrusted(Bindings.base64(samlRequestBase64, "SAMLRequest"))
              .getDocumentElement());
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean isLogoutRequest(Element root) {
    return AuthnRequestInfo.PROTOCOL_NS.equals(root.getNamespaceURI())
        && "LogoutRequest".equals(root.getLocalName());
  }

  /** The request's {@code ID}; Entra's LogoutResponse carries it as {@code InResponseTo}. */
  public String id() {
    return id;
  }

  /**
   * The {@code Issuer} text exactly as sent: Entra looks the application up by it (its Identifier).
   */
  public String issuer() {
    return issuer;
  }

  /** {@code Destination}, or {@code null} when absent (Entra does not require it). */
  public String destination() {
    return destination;
  }

  /** {@code IssueInstant}. */
  public Instant issueInstant() {
    return issueInstant;
  }

  /** The {@code NameID} text as sent (Entra ignores it: it ends the browser's session). */
  public String nameId() {
    return nameId;
  }

  /** {@code NameID/@Format}, when present. */
  public Optional<String> nameIdFormat() {
    return Optional.ofNullable(nameIdFormat);
  }

  /** The first {@code SessionIndex}, when present. */
  public Optional<String> sessionIndex() {
    return Optional.ofNullable(sessionIndex);
  }

  /** The {@code RelayState} query parameter, decoded; Entra echoes it in its LogoutResponse. */
  public Optional<String> relayState() {
    return Optional.ofNullable(relayState);
  }

  /** The {@code SigAlg} query parameter, decoded, when present. */
  public Optional<String> sigAlg() {
    return Optional.ofNullable(sigAlg);
  }

  /** Whether the query carries a {@code Signature}. */
  public boolean signed() {
    return signature != null;
  }

  /**
   * Whether the query's signature is RSA-SHA256 (the only {@code SigAlg} Entra accepts) and
   * verifies with {@code certificate}'s public key over the octets {@code
   * SAMLRequest=…[&RelayState=…]&SigAlg=…} exactly as received. False when unsigned.
   */
  public boolean isSignedBy(X509Certificate certificate) {
    Objects.requireNonNull(certificate, "certificate");
    if (signature == null || !RedirectSignature.RSA_SHA256.equals(sigAlg)) {
      return false;
    }
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initVerify(certificate.getPublicKey());
      s.update(signedQuery.getBytes(StandardCharsets.US_ASCII));
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The decoded request XML, exactly as inflated. */
  public String xml() {
    return xml;
  }

  @Override
  public String toString() {
    return "LogoutRequestInfo[id=" + id + ", issuer=" + issuer + ", signed=" + signed() + "]";
  }

  private static Element onlyChild(Element root, String ns, String name) {
    List<Element> found = Xml.children(root, ns, name);
    if (found.size() != 1) {
      throw new IllegalArgumentException(
          "LogoutRequest must have one " + name + ", has " + found.size());
    }
    return found.get(0);
  }

  private static String required(Element e, String name) {
    String v = optional(e, name);
    if (v == null) {
      throw new IllegalArgumentException(e.getLocalName() + " has no " + name + " attribute");
    }
    return v;
  }

  private static String optional(Element e, String name) {
    return e.hasAttributeNS(null, name) ? e.getAttributeNS(null, name) : null;
  }
}
