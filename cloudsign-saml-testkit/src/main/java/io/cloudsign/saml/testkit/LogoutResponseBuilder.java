package io.cloudsign.saml.testkit;

import io.cloudsign.saml.testkit.internal.OutgoingPost;
import io.cloudsign.saml.testkit.internal.OutgoingRedirect;
import io.cloudsign.saml.testkit.internal.OutgoingRedirect.Signing;
import io.cloudsign.saml.testkit.internal.SamlTime;
import io.cloudsign.saml.testkit.internal.Xml;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds the fake Entra's answer to an SP-initiated single logout: a LogoutResponse sent by
 * HTTP-Redirect (a GET) to the application's Logout Url.
 *
 * <p><b>Entra's shape by default</b> (from {@link FakeEntra#logoutResponseTo}): one line, {@code
 * samlp:} prefix, {@code ID} = {@code _}+UUID, {@code IssueInstant} from the fake's clock, {@code
 * InResponseTo} = the request's ID, <b>no</b> {@code Destination}, {@code Issuer} = {@link
 * FakeEntra#logoutIssuer()} ({@code https://login.microsoftonline.com/<tenant>/}, not the sign-in
 * issuer), status Success, the request's RelayState echoed, and <b>unsigned</b>. The query is
 * percent-encoded as Entra writes it, with <b>lower-case</b> hex digits ({@code %2f}, {@code %3d});
 * an SP that decodes and re-encodes the query before verifying a signature fails on it.
 *
 * <p>{@link #signed()} adds an HTTP-Redirect signature (SAML Bindings 3.4.4.1) with the fake's
 * active signing key: {@code SigAlg} = RSA-SHA256, {@code Signature} over the octets {@code
 * SAMLResponse=…[&RelayState=…]&SigAlg=…} exactly as they appear in the URL, lower-case escapes
 * included. Two named hostile variants break that signature in one way each, for an SP's tests:
 * {@link #signatureOverReorderedQuery()} and {@link #signedByAnotherKey()}.
 *
 * <p><b>HTTP-POST</b> (Entra never posts; Keycloak, SimpleSAMLphp and others answer so when the SP
 * lists a POST SingleLogoutService): {@link #postFields()} are the form fields ({@code
 * SAMLResponse} = base64 of the XML, no DEFLATE; {@code RelayState}) and {@link #postForm()} the
 * auto-submitting page that posts them. {@link #signed()} then puts an enveloped XML signature on
 * the LogoutResponse (after the Issuer; RSA-SHA256, exclusive c14n, Reference {@code #ID}) with the
 * fake's active key, {@link #signedByAnotherKey()} with the attacker key.
 *
 * <p>Not thread-safe; each {@link #redirectUrl()} or {@link #postFields()} makes a new
 * LogoutResponse (new ID, clock read again).
 *
 * <p><b>Security guarantees.</b> Values are XML-escaped into the message; the hostile variants use
 * a key no fake publishes.
 *
 * <pre>{@code
 * LogoutRequestInfo logout = entra.parseLogoutRedirect(logoutRedirectUrl);
 * String genuine = entra.logoutResponseTo(logout).redirectUrl(); // send the browser here
 * String forged = entra.logoutResponseTo(logout).signedByAnotherKey().redirectUrl();
 * }</pre>
 */
public final class LogoutResponseBuilder {
  /**
   * SAML status code of a successful logout ({@code urn:oasis:names:tc:SAML:2.0:status:Success}).
   */
  public static final String STATUS_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";

  private final FakeEntra entra;
  private final String application;
  private String issuer;
  private String inResponseTo;
  private String destination;
  private String status = STATUS_SUCCESS;
  private String relayState;
  private String to;
  private Signing signing = Signing.NONE;

  LogoutResponseBuilder(FakeEntra entra, LogoutRequestInfo request) {
    this.entra = entra;
    this.application = request.issuer();
    this.issuer = entra.logoutIssuer();
    this.inResponseTo = request.id();
    this.relayState = request.relayState().orElse(null);
  }

  /**
   * Signs as described above with the fake's active key, the redirect's query or (HTTP-POST) the
   * XML; Entra sends it unsigned.
   */
  public LogoutResponseBuilder signed() {
    signing = signing.signed();
    return this;
  }

  /**
   * Hostile: signed with the active key, but over the parameters in another order ({@code
   * RelayState=…&SAMLResponse=…&SigAlg=…}, or {@code SigAlg=…&SAMLResponse=…} without RelayState)
   * while the URL keeps the normal order. An SP that verifies over the order the binding prescribes
   * rejects it.
   *
   * @throws IllegalStateException if {@link #signedByAnotherKey()} was chosen
   */
  public LogoutResponseBuilder signatureOverReorderedQuery() {
    return hostile(Signing.REORDERED_QUERY);
  }

  /**
   * Hostile: correctly laid out and signed, but by a key the fake does not publish (its certificate
   * copies Entra's subject, as a forger would). An SP that trusts only the metadata's certificates
   * rejects it.
   *
   * @throws IllegalStateException if {@link #signatureOverReorderedQuery()} was chosen
   */
  public LogoutResponseBuilder signedByAnotherKey() {
    return hostile(Signing.ANOTHER_KEY);
  }

  private LogoutResponseBuilder hostile(Signing variant) {
    signing = signing.hostile(variant);
    return this;
  }

  /** The {@code Issuer} (default {@link FakeEntra#logoutIssuer()}). */
  public LogoutResponseBuilder issuer(String issuer) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    return this;
  }

  /** {@code InResponseTo} (default: the LogoutRequest's ID). */
  public LogoutResponseBuilder inResponseTo(String id) {
    this.inResponseTo = Objects.requireNonNull(id, "id");
    return this;
  }

  /** Adds a {@code Destination} attribute (Entra's documented LogoutResponse has none). */
  public LogoutResponseBuilder destination(String destination) {
    this.destination = Objects.requireNonNull(destination, "destination");
    return this;
  }

  /**
   * The top-level {@code StatusCode} value (default {@link #STATUS_SUCCESS}), e.g. {@code
   * urn:oasis:names:tc:SAML:2.0:status:Responder}.
   */
  public LogoutResponseBuilder status(String statusCodeUri) {
    Objects.requireNonNull(statusCodeUri, "statusCodeUri");
    if (statusCodeUri.isBlank()) {
      throw new IllegalArgumentException("status must be a SAML status code URI, not blank");
    }
    this.status = statusCodeUri;
    return this;
  }

  /** The {@code RelayState} parameter (default: the LogoutRequest's, none if it had none). */
  public LogoutResponseBuilder relayState(String relayState) {
    this.relayState = Objects.requireNonNull(relayState, "relayState");
    return this;
  }

  /**
   * Where to send the LogoutResponse instead of the application's Logout Url.
   *
   * @throws IllegalArgumentException if {@code url} is not an absolute http(s) URL
   */
  public LogoutResponseBuilder to(String url) {
    this.to = FakeEntra.Builder.requireHttpUrl(url, "to");
    return this;
  }

  /**
   * The URL Entra redirects the browser to: the Logout Url ({@link FakeEntra.Builder#logoutUrl} of
   * the request's Issuer, or {@link #to}) with {@code SAMLResponse}, {@code RelayState} (if any)
   * and, when signed, {@code SigAlg} and {@code Signature}, in that order, lower-case
   * percent-encoded.
   *
   * @throws IllegalStateException if no Logout Url is configured for the request's Issuer and none
   *     was given with {@link #to}
   */
  public String redirectUrl() {
    return OutgoingRedirect.url(
        target(), "SAMLResponse", xml(), relayState, signing, entra.activeKey());
  }

  /**
   * The HTTP-POST form fields: {@code SAMLResponse} (base64 of the XML, enveloped-signed when
   * {@link #signed()}) and {@code RelayState} if any, in that order.
   *
   * @throws IllegalStateException for {@link #signatureOverReorderedQuery()} (Redirect only)
   */
  public Map<String, String> postFields() {
    String value =
        OutgoingPost.value(
            xml(), signing, entra.activeKey(), OutgoingPost.Wrapping.NONE, null, null);
    return OutgoingPost.fields("SAMLResponse", value, relayState);
  }

  /**
   * The page the IdP sends the browser: a form that POSTs {@link #postFields()} to the Logout Url
   * (or {@link #to}) as soon as it loads.
   *
   * @throws IllegalStateException as {@link #redirectUrl()} and {@link #postFields()}
   */
  public String postForm() {
    return OutgoingPost.page(target(), postFields());
  }

  private String target() {
    String target = to != null ? to : entra.logoutUrlOf(application).orElse(null);
    if (target == null) {
      throw new IllegalStateException(
          "no Logout Url for application "
              + application
              + ": use FakeEntra.builder().logoutUrl(identifier, url) or .to(url)");
    }
    return target;
  }

  private String xml() {
    StringBuilder x = new StringBuilder(512);
    x.append("<samlp:LogoutResponse ID=\"_")
        .append(UUID.randomUUID())
        .append("\" Version=\"2.0\" IssueInstant=\"")
        .append(SamlTime.format(entra.clock().instant()))
        .append('"');
    if (destination != null) {
      x.append(" Destination=\"").append(Xml.escape(destination)).append('"');
    }
    return x.append(" InResponseTo=\"")
        .append(Xml.escape(inResponseTo))
        .append("\" xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">")
        .append("<Issuer xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">")
        .append(Xml.escape(issuer))
        .append("</Issuer><samlp:Status><samlp:StatusCode Value=\"")
        .append(Xml.escape(status))
        .append("\"/></samlp:Status></samlp:LogoutResponse>")
        .toString();
  }

  @Override
  public String toString() {
    return "LogoutResponseBuilder[" + application + ", signing=" + signing + "]";
  }
}
