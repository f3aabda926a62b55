package io.cloudsign.saml.testkit;

import io.cloudsign.saml.testkit.internal.ReceivedRedirect;
import io.cloudsign.saml.testkit.internal.SamlTime;
import io.cloudsign.saml.testkit.internal.Xml;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import org.w3c.dom.Element;

/**
 * A LogoutResponse as the fake Entra received it from an SP: the SP's answer to an IdP-initiated
 * LogoutRequest ({@link FakeEntra#logoutRequest}), sent by HTTP-Redirect to Entra's Logout URL.
 *
 * <p>Created by {@link FakeEntra#parseLogoutResponseRedirect}. Parsing is secure (no DOCTYPE,
 * nothing external, inflation capped at 512 KiB) and checks only what any LogoutResponse has
 * (samlp:LogoutResponse with ID, Version, IssueInstant, one Issuer, a top-level StatusCode): the
 * values a correct SP must get right ({@link #inResponseTo()}, {@link #issuer()}, {@link
 * #destination()}, the signature) are exposed for the test to assert. Immutable and thread-safe.
 *
 * <p><b>Security guarantees.</b> {@link #isSignedBy} verifies over the query octets exactly as
 * received (never decoded and re-encoded), RSA-SHA256 only, as Entra does.
 */
public final class LogoutResponseInfo {
  private final String xml;
  private final String id;
  private final String inResponseTo;
  private final String issuer;
  private final String destination;
  private final Instant issueInstant;
  private final String statusCode;
  private final ReceivedRedirect redirect;

  private LogoutResponseInfo(ReceivedRedirect redirect) {
    byte[] xmlBytes = redirect.xml();
    this.xml = new String(xmlBytes, StandardCharsets.UTF_8);
    Element root = Xml.parseUntrusted(xmlBytes).getDocumentElement();
    if (!AuthnRequestInfo.PROTOCOL_NS.equals(root.getNamespaceURI())
        || !"LogoutResponse".equals(root.getLocalName())) {
      throw new IllegalArgumentException(
          "not a samlp:LogoutResponse but {" + root.getNamespaceURI() + "}" + root.getLocalName());
    }
    this.id = Xml.requiredAttribute(root, "ID");
    Xml.requiredAttribute(root, "Version");
    this.issueInstant =
        SamlTime.parse(Xml.requiredAttribute(root, "IssueInstant"), "LogoutResponse IssueInstant");
    this.inResponseTo = Xml.attribute(root, "InResponseTo");
    this.destination = Xml.attribute(root, "Destination");
    this.issuer =
        Xml.onlyChild(root, AuthnRequestInfo.ASSERTION_NS, "Issuer", "LogoutResponse")
            .getTextContent();
    Element status = Xml.onlyChild(root, AuthnRequestInfo.PROTOCOL_NS, "Status", "LogoutResponse");
    this.statusCode =
        Xml.requiredAttribute(
            Xml.onlyChild(status, AuthnRequestInfo.PROTOCOL_NS, "StatusCode", "Status"), "Value");
    this.redirect = redirect;
  }

  static LogoutResponseInfo fromRedirect(String urlOrQuery) {
    return new LogoutResponseInfo(ReceivedRedirect.parse(urlOrQuery, "SAMLResponse"));
  }

  /** The response's {@code ID}. */
  public String id() {
    return id;
  }

  /**
   * {@code InResponseTo}, or {@code null} when absent: a correct SP sets it to the LogoutRequest's
   * {@link IdpLogoutRequestBuilder#id()}.
   */
  public String inResponseTo() {
    return inResponseTo;
  }

  /** The {@code Issuer} text exactly as sent (the SP's Identifier, if the SP is correct). */
  public String issuer() {
    return issuer;
  }

  /** {@code Destination}, or {@code null} when absent. */
  public String destination() {
    return destination;
  }

  /** {@code IssueInstant}. */
  public Instant issueInstant() {
    return issueInstant;
  }

  /** The top-level {@code StatusCode} value, e.g. {@link LogoutResponseBuilder#STATUS_SUCCESS}. */
  public String statusCode() {
    return statusCode;
  }

  /** The {@code RelayState} query parameter, decoded, when present. */
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
   * Whether the query's signature is RSA-SHA256 and verifies with {@code certificate}'s public key
   * over the octets {@code SAMLResponse=…[&RelayState=…]&SigAlg=…} exactly as received. False when
   * unsigned.
   */
  public boolean isSignedBy(X509Certificate certificate) {
    return redirect.isSignedBy(certificate);
  }

  /** The decoded response XML, exactly as inflated. */
  public String xml() {
    return xml;
  }

  @Override
  public String toString() {
    return "LogoutResponseInfo[id="
        + id
        + ", inResponseTo="
        + inResponseTo
        + ", status="
        + statusCode
        + ", signed="
        + signed()
        + "]";
  }
}
