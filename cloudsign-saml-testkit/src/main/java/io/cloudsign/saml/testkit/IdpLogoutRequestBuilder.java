package io.cloudsign.saml.testkit;

import io.cloudsign.saml.testkit.internal.OutgoingPost;
import io.cloudsign.saml.testkit.internal.OutgoingRedirect;
import io.cloudsign.saml.testkit.internal.OutgoingRedirect.Signing;
import io.cloudsign.saml.testkit.internal.SamlTime;
import io.cloudsign.saml.testkit.internal.Xml;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds the LogoutRequest the fake Entra sends to an application when the user signs out of
 * another application of the same Entra session (IdP-initiated single logout): by HTTP-Redirect (a
 * GET) to the application's Logout Url.
 *
 * <p><b>Entra's shape by default</b> (from {@link FakeEntra#logoutRequest}): one line, {@code
 * samlp:} and {@code saml:} prefixes, {@code ID} = {@code _}+UUID (fixed for this builder, see
 * {@link #id()}), {@code Version} 2.0, {@code IssueInstant} from the fake's clock, {@code
 * Destination} = the application's Logout Url ({@link FakeEntra.Builder#logoutUrl}), {@code Issuer}
 * = {@link FakeEntra#logoutIssuer()} ({@code https://login.microsoftonline.com/<tenant>/}, not the
 * sign-in issuer), a {@code saml:NameID} with Format {@link ResponseBuilder#NAMEID_EMAIL}, no
 * {@code SessionIndex}, no {@code NotOnOrAfter}, no RelayState, and <b>unsigned</b>. The query is
 * percent-encoded as Entra writes it, with <b>lower-case</b> hex digits ({@code %2f}, {@code %3d});
 * an SP that decodes and re-encodes the query before verifying a signature fails on it.
 *
 * <p>{@link #signed()} adds an HTTP-Redirect signature (SAML Bindings 3.4.4.1) with the fake's
 * active signing key: {@code SigAlg} = RSA-SHA256, {@code Signature} over the octets {@code
 * SAMLRequest=…[&RelayState=…]&SigAlg=…} exactly as they appear in the URL. Two named hostile
 * variants break that signature in one way each: {@link #signatureOverReorderedQuery()} and {@link
 * #signedByAnotherKey()}. Other hostile requests are one option away: a replayed {@link
 * #id(String)}, an expired {@link #notOnOrAfter(Instant)}, a wrong {@link #issuer(String)} or
 * {@link #destination(String)}.
 *
 * <p><b>HTTP-POST</b> (Entra never posts; Keycloak, SimpleSAMLphp and others do when the SP lists a
 * POST SingleLogoutService): {@link #postFields()} are the form fields ({@code SAMLRequest} =
 * base64 of the XML, no DEFLATE; {@code RelayState} if set) and {@link #postForm()} the IdP's
 * auto-submitting page that posts them to the Logout Url. {@link #signed()} then puts an enveloped
 * XML signature on the LogoutRequest (right after the Issuer; RSA-SHA256, exclusive c14n, Reference
 * {@code #ID}, the signing certificate in KeyInfo) with the fake's active key, and {@link
 * #signedByAnotherKey()} the same with the attacker key. {@link #wrapped(Wrapping, String)} breaks
 * a signed POST message in one named way (signature wrapping, a change after signing).
 *
 * <p>The SP answers with a LogoutResponse to Entra's Logout URL; decode it with {@link
 * FakeEntra#parseLogoutResponseRedirect} and compare its {@code InResponseTo} with {@link #id()}.
 *
 * <p>Not thread-safe. Every {@link #redirectUrl()} of one builder carries the same ID; {@code
 * IssueInstant} is read from the clock at each call unless {@link #issueInstant(Instant)} fixed it.
 *
 * <p><b>Security guarantees.</b> Values are XML-escaped into the message; the hostile variants use
 * a key no fake publishes.
 *
 * <pre>{@code
 * IdpLogoutRequestBuilder logout = entra.logoutRequest("urn:my-sp", "bsimon@contoso.com");
 * String url = logout.signed().redirectUrl(); // send the browser (or an HTTP client) here
 * LogoutResponseInfo answer = entra.parseLogoutResponseRedirect(locationTheSpRedirectedTo);
 * boolean answered = logout.id().equals(answer.inResponseTo());
 * }</pre>
 */
public final class IdpLogoutRequestBuilder {
  /** Hostile shapes of a signed HTTP-POST LogoutRequest, for {@link #wrapped}. */
  public enum Wrapping {
    /**
     * Signature wrapping: an unsigned LogoutRequest for the victim (another ID) carries the genuine
     * signed one in its {@code samlp:Extensions}. An SP that accepts a signature anywhere in the
     * message signs the victim out.
     */
    SIGNED_INSIDE_UNSIGNED(OutgoingPost.Wrapping.SIGNED_INSIDE_UNSIGNED),
    /**
     * Signature wrapping: the genuine signed LogoutRequest carries, in its {@code
     * samlp:Extensions}, a second, unsigned LogoutRequest for the victim with the same ID. An SP
     * whose reference resolution or NameID lookup finds the second one signs the victim out.
     */
    SECOND_REQUEST_SAME_ID(OutgoingPost.Wrapping.SECOND_MESSAGE_SAME_ID),
    /** The body changed after signing: the NameID is the victim's. */
    CHANGED_AFTER_SIGNING(OutgoingPost.Wrapping.CHANGED_AFTER_SIGNING);

    private final OutgoingPost.Wrapping shape;

    Wrapping(OutgoingPost.Wrapping shape) {
      this.shape = shape;
    }
  }

  private final FakeEntra entra;
  private final String application;
  private final String logoutUrl;
  private final String nameId;
  private String id = "_" + UUID.randomUUID();
  private String issuer;
  private String destination;
  private String nameIdFormat = ResponseBuilder.NAMEID_EMAIL;
  private String sessionIndex;
  private Instant notOnOrAfter;
  private Instant issueInstant;
  private String relayState;
  private Signing signing = Signing.NONE;
  private OutgoingPost.Wrapping wrapping = OutgoingPost.Wrapping.NONE;
  private String victimNameId;

  IdpLogoutRequestBuilder(FakeEntra entra, String application, String nameId) {
    this.entra = entra;
    this.application = Objects.requireNonNull(application, "spIdentifier");
    this.nameId = Objects.requireNonNull(nameId, "nameId");
    this.logoutUrl =
        entra
            .logoutUrlOf(application)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no Logout Url for application "
                            + application
                            + " (Entra sends logout only to an app that has one): use"
                            + " FakeEntra.builder().logoutUrl(identifier, url)"));
    this.issuer = entra.logoutIssuer();
    this.destination = logoutUrl;
  }

  /**
   * Signs as described above with the fake's active key: the redirect's query (HTTP-Redirect) or
   * the LogoutRequest's XML (HTTP-POST).
   */
  public IdpLogoutRequestBuilder signed() {
    signing = signing.signed();
    return this;
  }

  /**
   * Hostile: signed with the active key, but over the parameters in another order ({@code
   * RelayState=…&SAMLRequest=…&SigAlg=…}, or {@code SigAlg=…&SAMLRequest=…} without RelayState)
   * while the URL keeps the normal order. An SP that verifies over the order the binding prescribes
   * rejects it.
   *
   * @throws IllegalStateException if {@link #signedByAnotherKey()} was chosen
   */
  public IdpLogoutRequestBuilder signatureOverReorderedQuery() {
    signing = signing.hostile(Signing.REORDERED_QUERY);
    return this;
  }

  /**
   * Hostile: correctly laid out and signed, but by a key the fake does not publish (its certificate
   * copies Entra's subject, as a forger would). An SP that trusts only the metadata's certificates
   * rejects it.
   *
   * @throws IllegalStateException if {@link #signatureOverReorderedQuery()} was chosen
   */
  public IdpLogoutRequestBuilder signedByAnotherKey() {
    signing = signing.hostile(Signing.ANOTHER_KEY);
    return this;
  }

  /**
   * Hostile, HTTP-POST only: the signed LogoutRequest broken in the way {@code wrapping} names, to
   * sign out {@code victimNameId} (call {@link #signed()} or {@link #signedByAnotherKey()} too).
   */
  public IdpLogoutRequestBuilder wrapped(Wrapping wrapping, String victimNameId) {
    this.wrapping = Objects.requireNonNull(wrapping, "wrapping").shape;
    this.victimNameId = Objects.requireNonNull(victimNameId, "victimNameId");
    return this;
  }

  /** Adds a {@code SessionIndex} (the one the SP received in the Assertion's AuthnStatement). */
  public IdpLogoutRequestBuilder sessionIndex(String sessionIndex) {
    this.sessionIndex = Objects.requireNonNull(sessionIndex, "sessionIndex");
    return this;
  }

  /**
   * The {@code NameID}'s {@code Format} (default {@link ResponseBuilder#NAMEID_EMAIL}), e.g. {@link
   * ResponseBuilder#NAMEID_PERSISTENT}.
   */
  public IdpLogoutRequestBuilder nameIdFormat(String format) {
    Objects.requireNonNull(format, "format");
    if (format.isBlank()) {
      throw new IllegalArgumentException("nameIdFormat must be a NameID format URI, not blank");
    }
    this.nameIdFormat = format;
    return this;
  }

  /** Adds {@code NotOnOrAfter} (none by default); one in the past makes an expired request. */
  public IdpLogoutRequestBuilder notOnOrAfter(Instant notOnOrAfter) {
    this.notOnOrAfter = Objects.requireNonNull(notOnOrAfter, "notOnOrAfter");
    return this;
  }

  /** The {@code Issuer} (default {@link FakeEntra#logoutIssuer()}). */
  public IdpLogoutRequestBuilder issuer(String issuer) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    return this;
  }

  /**
   * The {@code Destination} attribute (default: the application's Logout Url). The redirect still
   * goes to the Logout Url: this makes a request addressed to someone else.
   */
  public IdpLogoutRequestBuilder destination(String destination) {
    this.destination = Objects.requireNonNull(destination, "destination");
    return this;
  }

  /** A fixed {@code IssueInstant} instead of the clock's instant at {@link #redirectUrl()}. */
  public IdpLogoutRequestBuilder issueInstant(Instant issueInstant) {
    this.issueInstant = Objects.requireNonNull(issueInstant, "issueInstant");
    return this;
  }

  /**
   * The request's {@code ID} (default {@code _}+UUID): pass a previous request's {@link #id()} to
   * replay it.
   *
   * @throws IllegalArgumentException if blank
   */
  public IdpLogoutRequestBuilder id(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id must not be blank");
    }
    this.id = id;
    return this;
  }

  /** Adds a {@code RelayState} parameter (none by default). */
  public IdpLogoutRequestBuilder relayState(String relayState) {
    this.relayState = Objects.requireNonNull(relayState, "relayState");
    return this;
  }

  /** The request's {@code ID}: the {@code InResponseTo} a correct SP answers with. */
  public String id() {
    return id;
  }

  /**
   * The URL Entra redirects the browser to: the application's Logout Url with {@code SAMLRequest},
   * {@code RelayState} (if set) and, when signed, {@code SigAlg} and {@code Signature}, in that
   * order, lower-case percent-encoded.
   */
  public String redirectUrl() {
    if (wrapping != OutgoingPost.Wrapping.NONE) {
      throw new IllegalStateException("wrapped(...) is an HTTP-POST variant: use postFields()");
    }
    return OutgoingRedirect.url(
        logoutUrl, "SAMLRequest", xml(), relayState, signing, entra.activeKey());
  }

  /** The application's Logout Url, where {@link #postForm()} posts to. */
  public String logoutUrl() {
    return logoutUrl;
  }

  /**
   * The HTTP-POST form fields: {@code SAMLRequest} (base64 of the XML, enveloped-signed when {@link
   * #signed()}) and {@code RelayState} if set, in that order.
   *
   * @throws IllegalStateException for {@link #signatureOverReorderedQuery()} (Redirect only) or a
   *     {@link #wrapped} request that is not signed
   */
  public Map<String, String> postFields() {
    String value =
        OutgoingPost.value(
            xml(), signing, entra.activeKey(), wrapping, id -> xml(victimNameId, id), victimNameId);
    return OutgoingPost.fields("SAMLRequest", value, relayState);
  }

  /**
   * The page the IdP sends the browser: a form that POSTs {@link #postFields()} to the Logout Url
   * as soon as it loads (a button when scripts are off).
   */
  public String postForm() {
    return OutgoingPost.page(logoutUrl, postFields());
  }

  private String xml() {
    return xml(nameId, id);
  }

  private String xml(String nameId, String id) {
    Instant instant = issueInstant != null ? issueInstant : entra.clock().instant();
    StringBuilder x = new StringBuilder(768);
    x.append("<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"")
        .append(" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"")
        .append(Xml.escape(id))
        .append("\" Version=\"2.0\" IssueInstant=\"")
        .append(SamlTime.format(instant))
        .append("\" Destination=\"")
        .append(Xml.escape(destination))
        .append('"');
    if (notOnOrAfter != null) {
      x.append(" NotOnOrAfter=\"").append(SamlTime.format(notOnOrAfter)).append('"');
    }
    x.append("><saml:Issuer>")
        .append(Xml.escape(issuer))
        .append("</saml:Issuer><saml:NameID Format=\"")
        .append(Xml.escape(nameIdFormat))
        .append("\">")
        .append(Xml.escape(nameId))
        .append("</saml:NameID>");
    if (sessionIndex != null) {
      x.append("<samlp:SessionIndex>")
          .append(Xml.escape(sessionIndex))
          .append("</samlp:SessionIndex>");
    }
    return x.append("</samlp:LogoutRequest>").toString();
  }

  @Override
  public String toString() {
    return "IdpLogoutRequestBuilder["
        + application
        + ", id="
        + id
        + ", signing="
        + signing
        + (wrapping == OutgoingPost.Wrapping.NONE ? "" : ", wrapping=" + wrapping)
        + "]";
  }
}
