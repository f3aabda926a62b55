package io.cloudsign.saml.testkit;

import io.cloudsign.saml.testkit.internal.Bindings;
import io.cloudsign.saml.testkit.internal.ReceivedRedirect;
import io.cloudsign.saml.testkit.internal.SamlTime;
import io.cloudsign.saml.testkit.internal.Xml;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
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
  private final ReceivedRedirect redirect;

  private LogoutRequestInfo(ReceivedRedirect redirect) {
    byte[] xmlBytes = redirect.xml();
    this.xml = new String(xmlBytes, StandardCharsets.UTF_8);
    Element root = Xml.parseUntrusted(xmlBytes).getDocumentElement();
    if (!isLogoutRequest(root)) {
      throw new IllegalArgumentException(
          "not a samlp:LogoutRequest but {" + root.getNamespaceURI() + "}" + root.getLocalName());
    }
    this.id = Xml.requiredAttribute(root, "ID");
    Xml.requiredAttribute(root, "Version");
    this.issueInstant =
        SamlTime.parse(Xml.requiredAttribute(root, "IssueInstant"), "LogoutRequest IssueInstant");
    this.destination = Xml.attribute(root, "Destination");
    this.issuer =
        Xml.onlyChild(root, AuthnRequestInfo.ASSERTION_NS, "Issuer", "LogoutRequest")
            .getTextContent();
    Element name = Xml.onlyChild(root, AuthnRequestInfo.ASSERTION_NS, "NameID", "LogoutRequest");
    this.nameId = name.getTextContent();
    this.nameIdFormat = Xml.attribute(name, "Format");
    List<Element> sessions = Xml.children(root, AuthnRequestInfo.PROTOCOL_NS, "SessionIndex");
    this.sessionIndex = sessions.isEmpty() ? null : sessions.get(0).getTextContent();
    this.redirect = redirect;
  }

  static LogoutRequestInfo fromRedirect(String urlOrQuery) {
    return new LogoutRequestInfo(ReceivedRedirect.parse(urlOrQuery, "SAMLRequest"));
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
    return Optional.ofNullable(redirect.relayState());
  }

  /** The {@code SigAlg} query parameter, decoded, when present. */
  public Optional<String> sigAlg() {
    return Optional.ofNullable(redirect.sigAlg());
  }

  /** Whether the query carries a {@code Signature}. */
  public boolean signed() {
    return redirect.signed();
  }

  /**
   * Whether the query's signature is RSA-SHA256 (the only {@code SigAlg} Entra accepts) and
   * verifies with {@code certificate}'s public key over the octets {@code
   * SAMLRequest=…[&RelayState=…]&SigAlg=…} exactly as received. False when unsigned.
   */
  public boolean isSignedBy(X509Certificate certificate) {
    return redirect.isSignedBy(certificate);
  }

  /** The decoded request XML, exactly as inflated. */
  public String xml() {
    return xml;
  }

  @Override
  public String toString() {
    return "LogoutRequestInfo[id=" + id + ", issuer=" + issuer + ", signed=" + signed() + "]";
  }
}
