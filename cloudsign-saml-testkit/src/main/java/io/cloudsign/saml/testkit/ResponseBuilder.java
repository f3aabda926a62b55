package io.cloudsign.saml.testkit;

import io.cloudsign.saml.testkit.internal.AssertionEncryptor;
import io.cloudsign.saml.testkit.internal.Certificates;
import io.cloudsign.saml.testkit.internal.Claims;
import io.cloudsign.saml.testkit.internal.EnvelopedSigner;
import io.cloudsign.saml.testkit.internal.SignatureAlgorithm;
import io.cloudsign.saml.testkit.internal.Xml;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Builds one SAML Response of the fake Entra, byte-shaped like Entra's: one line, no XML
 * declaration, {@code samlp:} prefix on Response and Status, default namespaces on Issuer,
 * Assertion and Signature, {@code _}+UUID IDs, RSA-SHA256 over exclusive c14n with the signing
 * certificate in KeyInfo, NotBefore = issue − 5 min, NotOnOrAfter = issue + 60 min, SessionIndex =
 * assertion ID, Entra's claim URIs.
 *
 * <p><b>Genuine by default.</b> The builder's options are only what a real Entra configuration can
 * produce: the user and claims, NameID format, signing option and algorithm, token encryption,
 * AuthnInstant, error Responses, IdP-initiated (unsolicited) sign-in, and the issue instant. Every
 * hostile change is an {@link Attack} value given to {@link #with}; each changes one thing and
 * keeps the rest genuine, so a validator test can assert the one error it expects.
 *
 * <p><b>Strict.</b> From {@link FakeEntra#respondTo} everything is preset from the request; from
 * {@link FakeEntra#response()} the caller must set audience, destination (or recipient) and
 * InResponseTo (or call {@link #withoutInResponseTo()}), else {@link #build()} throws.
 *
 * <p>Not thread-safe; each {@link #build()} makes a new Response (new IDs, clock read again).
 *
 * <pre>{@code
 * AuthnRequestInfo req = entra.parseRedirect(redirectUrl);
 * String samlResponse = entra.respondTo(req).user(TestUser.bSimon()).build();
 * String forged = entra.respondTo(req).with(Attack.signedWithUnknownKey()).build();
 * }</pre>
 */
public final class ResponseBuilder {
  /** NameID formats Entra can send. */
  public static final String NAMEID_EMAIL =
      "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

  public static final String NAMEID_PERSISTENT =
      "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
  public static final String NAMEID_TRANSIENT =
      "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
  public static final String NAMEID_UNSPECIFIED =
      "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

  /** Entra's "Signing Algorithm" setting (SAML Signing Certificate). */
  public enum SigningAlgorithm {
    /** RSA-SHA256 with SHA-256 digests: Entra's default. */
    SHA256,
    /** RSA-SHA1 with SHA-1 digests: Entra's legacy option; SPs should refuse it by default. */
    SHA1
  }

  private enum Signing {
    ASSERTION,
    RESPONSE,
    BOTH
  }

  private final FakeEntra entra;
  private TestUser user;
  private String nameId;
  private String nameIdFormat = NAMEID_EMAIL;
  private final Map<String, List<String>> attributeOverrides = new LinkedHashMap<>();
  private String inResponseTo;
  private boolean withoutInResponseTo;
  private String destination;
  private String recipient;
  private String audience;
  private Instant issueInstant;
  private Instant authnInstant;
  private Instant sessionNotOnOrAfter;
  private Signing signing = Signing.ASSERTION;
  private SignatureAlgorithm algorithm = SignatureAlgorithm.RSA_SHA256;
  private Draft.ErrorStatus errorStatus;
  private X509Certificate encryptTo;
  private boolean encryptWithGcm;
  private final List<Attack> attacks = new ArrayList<>();
  private Supplier<String> ids = () -> "_" + UUID.randomUUID();

  ResponseBuilder(FakeEntra entra) {
    this.entra = entra;
    this.user = entra.users().get(0);
    this.encryptTo = entra.tokenEncryptionCertificate().orElse(null);
  }

  // ---------------------------------------------------------------- content

  /** The signed-in user (default: the fake's first user, {@link TestUser#bSimon()}). */
  public ResponseBuilder user(TestUser user) {
    this.user = Objects.requireNonNull(user, "user");
    return this;
  }

  /** The NameID value (default: the user's {@link TestUser#nameId()}). */
  public ResponseBuilder nameId(String nameId) {
    this.nameId = Objects.requireNonNull(nameId, "nameId");
    return this;
  }

  /** The NameID Format (default {@link #NAMEID_EMAIL}, Entra's default). */
  public ResponseBuilder nameIdFormat(String format) {
    this.nameIdFormat = Objects.requireNonNull(format, "format");
    return this;
  }

  /**
   * Sets the values of one attribute (claim), replacing the user's; a new URI is appended after the
   * standard claims. Values are sent as Entra does: one {@code AttributeValue} each, no NameFormat,
   * no xsi:type.
   */
  public ResponseBuilder attribute(String name, String... values) {
    Objects.requireNonNull(name, "name");
    if (values.length == 0) {
      throw new IllegalArgumentException(
          "attribute " + name + " needs a value; to drop it use removeAttribute");
    }
    attributeOverrides.put(name, List.of(values));
    return this;
  }

  /** Leaves the attribute (claim) with this URI out of the Response. */
  public ResponseBuilder removeAttribute(String name) {
    attributeOverrides.put(Objects.requireNonNull(name, "name"), null);
    return this;
  }

  /** {@code AuthnInstant} (default: 2 s before issue; Entra sends older ones for SSO sessions). */
  public ResponseBuilder authnInstant(Instant instant) {
    this.authnInstant = Objects.requireNonNull(instant, "instant");
    return this;
  }

  /** Adds {@code SessionNotOnOrAfter} to the AuthnStatement (Entra omits it by default). */
  public ResponseBuilder sessionNotOnOrAfter(Instant instant) {
    this.sessionNotOnOrAfter = Objects.requireNonNull(instant, "instant");
    return this;
  }

  // ---------------------------------------------------------------- addressing and time

  /** InResponseTo on the Response and on SubjectConfirmationData. */
  public ResponseBuilder inResponseTo(String requestId) {
    this.inResponseTo = Objects.requireNonNull(requestId, "requestId");
    this.withoutInResponseTo = false;
    return this;
  }

  /**
   * No InResponseTo on the Response nor on SubjectConfirmationData, as Entra sends for an
   * IdP-initiated sign-in (a tile in My Apps). An SP that only allows SP-initiated sign-in rejects
   * it as unsolicited ({@code unsolicited_response} in cloudsign-saml-core).
   */
  public ResponseBuilder withoutInResponseTo() {
    this.withoutInResponseTo = true;
    this.inResponseTo = null;
    return this;
  }

  /** The Response {@code Destination} (the SP's Reply URL); also the Recipient unless set. */
  public ResponseBuilder destination(String url) {
    this.destination = Objects.requireNonNull(url, "url");
    return this;
  }

  /** SubjectConfirmationData {@code Recipient}; also the Destination unless set. */
  public ResponseBuilder recipient(String url) {
    this.recipient = Objects.requireNonNull(url, "url");
    return this;
  }

  /** The {@code Audience} (the SP's Identifier). */
  public ResponseBuilder audience(String identifier) {
    this.audience = Objects.requireNonNull(identifier, "identifier");
    return this;
  }

  /**
   * The issue instant every other time derives from (default: the fake's clock at {@link
   * #build()}): NotBefore = it − 5 min, NotOnOrAfter = it + 60 min. An instant in the past is a
   * Response that took that long to arrive.
   */
  public ResponseBuilder issueInstant(Instant instant) {
    this.issueInstant = Objects.requireNonNull(instant, "instant");
    return this;
  }

  // ---------------------------------------------------------------- signing and encryption

  /** Sign only the Assertion: Entra's default ("Sign SAML assertion"). */
  public ResponseBuilder signAssertion() {
    this.signing = Signing.ASSERTION;
    return this;
  }

  /** Sign only the Response ("Sign SAML response"); its signature covers the Assertion. */
  public ResponseBuilder signResponse() {
    this.signing = Signing.RESPONSE;
    return this;
  }

  /** Sign the Assertion, then the Response ("Sign SAML response and assertion"). */
  public ResponseBuilder signResponseAndAssertion() {
    this.signing = Signing.BOTH;
    return this;
  }

  /** The signature and digest algorithms (default {@link SigningAlgorithm#SHA256}, as Entra). */
  public ResponseBuilder signingAlgorithm(SigningAlgorithm algorithm) {
    this.algorithm =
        switch (Objects.requireNonNull(algorithm, "algorithm")) {
          case SHA256 -> SignatureAlgorithm.RSA_SHA256;
          case SHA1 -> SignatureAlgorithm.RSA_SHA1;
        };
    return this;
  }

  /**
   * Entra's token encryption: the signed Assertion becomes an {@code EncryptedAssertion} for {@code
   * spCertificate}, in the shape Microsoft's token encryption sends: AES-256-CBC content ({@code
   * xmlenc#aes256-cbc}; Entra documents "AES-256" and offers no choice of mode), RSA-OAEP key
   * transport ({@code xmlenc#rsa-oaep-mgf1p}, SHA-1 digest), the {@code EncryptedKey} inside the
   * {@code EncryptedData}'s {@code KeyInfo} with the SP certificate. A Response signature (if
   * chosen) covers the EncryptedAssertion. {@link #encryptedAssertionAesGcm} gives AES-256-GCM.
   */
  public ResponseBuilder encryptedAssertion(X509Certificate spCertificate) {
    this.encryptTo = Objects.requireNonNull(spCertificate, "spCertificate");
    this.encryptWithGcm = false;
    return this;
  }

  /** As {@link #encryptedAssertion} but with AES-256-GCM content encryption. */
  public ResponseBuilder encryptedAssertionAesGcm(X509Certificate spCertificate) {
    this.encryptTo = Objects.requireNonNull(spCertificate, "spCertificate");
    this.encryptWithGcm = true;
    return this;
  }

  /**
   * The Assertion is encrypted (after signing) for a throwaway certificate nobody holds, as when
   * Entra is configured with another application's certificate: enough to test an SP that must
   * refuse or cannot decrypt it. To encrypt for your SP, use {@link
   * #encryptedAssertion(X509Certificate)}.
   */
  public ResponseBuilder encryptedAssertion() {
    return encryptedAssertion(Certificates.unknownRecipient().certificate());
  }

  // ---------------------------------------------------------------- error Responses

  /**
   * An Entra error Response: no Assertion; Status {@code Requester} or {@code Responder} with a
   * nested code chosen as Entra does for {@code aadstsCode} (e.g. 50105 → Requester/RequestDenied,
   * 50058 → Requester/NoPassive, 50011/700016/75011/750054 → Requester/RequestUnsupported, others →
   * Responder/AuthnFailed), and StatusMessage {@code "AADSTS50105: <message>"} followed by Trace
   * ID, Correlation ID and Timestamp lines. Unsigned unless {@link #signResponse()} or {@link
   * #signResponseAndAssertion()} is chosen.
   *
   * @param aadstsCode {@code "AADSTS50105"} or {@code "50105"}
   */
  public ResponseBuilder errorStatus(String aadstsCode, String message) {
    String code = Objects.requireNonNull(aadstsCode, "aadstsCode").replaceFirst("^AADSTS", "");
    if (!code.matches("[0-9]{4,7}")) {
      throw new IllegalArgumentException("aadstsCode must look like AADSTS50105: " + aadstsCode);
    }
    String[] codes =
        switch (code) {
          case "50105", "50020", "53003" -> new String[] {"Requester", "RequestDenied"};
          case "50058", "50076", "50079", "65001" -> new String[] {"Requester", "NoPassive"};
          case "50011", "700016", "75011", "750054", "75006", "90011", "900236" ->
              new String[] {"Requester", "RequestUnsupported"};
          default -> new String[] {"Responder", "AuthnFailed"};
        };
    String status = ResponseWriter.STATUS;
    return errorStatus(status + codes[0], status + codes[1], "AADSTS" + code, message);
  }

  /** An error Response with explicit top-level and nested status code URIs (nested may be null). */
  public ResponseBuilder errorStatus(
      String topLevelStatusCode, String nestedStatusCode, String aadstsCode, String message) {
    Objects.requireNonNull(topLevelStatusCode, "topLevelStatusCode");
    Objects.requireNonNull(message, "message");
    this.errorStatus =
        new Draft.ErrorStatus(topLevelStatusCode, nestedStatusCode, aadstsCode, message);
    return this;
  }

  // ---------------------------------------------------------------- attacks

  /**
   * Applies hostile changes (see {@link Attack}): they run stage by stage in {@link Attack.Stage}
   * order, and within one stage in the order given here (over every call of {@code with}).
   *
   * @throws IllegalArgumentException if an attack takes over a part of the Response that another
   *     one (given now or before) already does; nothing is added then
   */
  public ResponseBuilder with(Attack... attacks) {
    List<Attack> all = new ArrayList<>(this.attacks);
    for (Attack attack : attacks) {
      Objects.requireNonNull(attack, "attack");
      for (Attack earlier : all) {
        refuseConflict(earlier, attack);
      }
      all.add(attack);
    }
    this.attacks.clear();
    this.attacks.addAll(all);
    return this;
  }

  private static void refuseConflict(Attack earlier, Attack attack) {
    Set<Slot> shared = EnumSet.noneOf(Slot.class);
    shared.addAll(earlier.slots());
    shared.retainAll(attack.slots());
    if (shared.isEmpty()) {
      return;
    }
    if (earlier.equals(attack)) {
      throw new IllegalArgumentException(attack + " is given twice");
    }
    throw new IllegalArgumentException(
        earlier
            + " and "
            + attack
            + " cannot be combined: both change "
            + shared.iterator().next()
            + "; a Response can carry only one of them");
  }

  /** Test seam: where Response and Assertion IDs come from (default {@code _} + random UUID). */
  ResponseBuilder ids(Supplier<String> ids) {
    this.ids = Objects.requireNonNull(ids, "ids");
    return this;
  }

  /** The NameID this builder writes: what the server's session book remembers. */
  String nameIdValue() {
    return nameId != null ? nameId : user.nameId();
  }

  String nameIdFormatValue() {
    return nameIdFormat;
  }

  /** Whether this is an error Response (no Assertion, nobody signed in). */
  boolean isErrorStatus() {
    return errorStatus != null;
  }

  // ---------------------------------------------------------------- output

  /** The Response as Entra POSTs it in the {@code SAMLResponse} form field: base64 of UTF-8. */
  public String build() {
    return Base64.getEncoder().encodeToString(buildXml().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The Response XML exactly as encoded by {@link #build()}.
   *
   * @throws IllegalStateException if audience, destination/recipient or InResponseTo is missing, or
   *     an attack cannot be applied to this Response (it names the attack and why)
   */
  public String buildXml() {
    Draft draft = draft();
    for (Attack a : attacks) {
      a.editContent(draft);
    }
    String xml = ResponseWriter.write(draft);
    for (Attack a : attacks) {
      xml = a.editUnsignedXml(xml);
    }
    Document doc = Xml.parseKeepingOrder(xml);
    signAndEncrypt(doc, draft);
    for (Attack a : attacks) {
      a.editSignedDocument(doc, draft);
    }
    xml = Xml.serialize(doc, Xml.Style.COMPACT);
    for (Attack a : attacks) {
      xml = a.editFinalXml(xml);
    }
    return xml;
  }

  /** The genuine values of this Response, checked for completeness. */
  private Draft draft() {
    String dest = destination != null ? destination : recipient;
    List<String> missing = new ArrayList<>();
    if (dest == null) {
      missing.add("destination(replyUrl)");
    }
    if (audience == null && errorStatus == null) {
      missing.add("audience(identifier)");
    }
    if (inResponseTo == null && !withoutInResponseTo) {
      missing.add("inResponseTo(requestId) or withoutInResponseTo()");
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "Response incomplete, set "
              + String.join(", ", missing)
              + " (or use entra.respondTo(request))");
    }
    refuseAttacksOnHiddenAssertion();
    Instant now = issueInstant != null ? issueInstant : entra.clock().instant();
    Draft d = new Draft(entra, now.truncatedTo(ChronoUnit.MILLIS), ids);
    d.user = user;
    d.nameId = nameId;
    d.nameIdFormat = nameIdFormat;
    d.attributes = attributes();
    d.authnInstant = authnInstant;
    d.sessionNotOnOrAfter = sessionNotOnOrAfter;
    d.errorStatus = errorStatus;
    d.destination = dest;
    d.recipient = recipient != null ? recipient : destination;
    d.audience = audience;
    d.inResponseTo = withoutInResponseTo ? null : inResponseTo;
    d.signAssertion = signing == Signing.ASSERTION || signing == Signing.BOTH;
    d.signResponse = signing == Signing.RESPONSE || signing == Signing.BOTH;
    d.algorithm = algorithm;
    d.encryptTo = encryptTo;
    if (encryptWithGcm) {
      d.contentEncryption = AssertionEncryptor.Content.AES256_GCM;
    }
    return d;
  }

  private void refuseAttacksOnHiddenAssertion() {
    for (Attack a : attacks) {
      if (a.editsPlainAssertion() && encryptTo != null) {
        throw new IllegalStateException(
            "encryptedAssertion and "
                + a
                + " cannot be combined: the attack edits the Assertion, which is encrypted");
      }
      if (a.editsPlainAssertion() && errorStatus != null) {
        throw new IllegalStateException(
            "errorStatus and " + a + " cannot be combined: an error Response has no Assertion");
      }
    }
  }

  /** Entra's order: the Assertion signature first, then encryption, then the Response's. */
  private void signAndEncrypt(Document doc, Draft d) {
    Element response = doc.getDocumentElement();
    List<Element> assertions =
        d.isError() ? List.of() : Xml.children(response, ResponseWriter.ASSERTION_NS, "Assertion");
    if (d.signAssertion) {
      for (Element assertion : assertions) {
        EnvelopedSigner.sign(assertion, d.algorithm, d.signingKey.privateKey());
      }
    }
    if (d.encryptTo != null) {
      for (Element assertion : assertions) {
        AssertionEncryptor.encrypt(assertion, d.encryptTo, d.contentEncryption, d.keyTransport);
      }
    }
    if (d.signResponse) {
      EnvelopedSigner.sign(response, d.algorithm, d.signingKey.privateKey());
    }
  }

  /** Entra's claims for the user, in Entra's order, then the user's and the builder's changes. */
  private Map<String, List<String>> attributes() {
    Map<String, List<String>> a = new LinkedHashMap<>();
    a.put(Claims.TENANT_ID, List.of(entra.tenantId()));
    a.put(Claims.OBJECT_ID, List.of(user.objectId()));
    user.displayName().ifPresent(v -> a.put(Claims.DISPLAY_NAME, List.of(v)));
    if (user.groups().size() > Claims.GROUPS_OVERAGE_LIMIT) {
      a.put(
          Claims.GROUPS_LINK,
          List.of(
              "https://graph.windows.net/"
                  + entra.tenantId()
                  + "/users/"
                  + user.objectId()
                  + "/getMemberObjects"));
    } else if (!user.groups().isEmpty()) {
      a.put(Claims.GROUPS, user.groups());
    }
    if (!user.roles().isEmpty()) {
      a.put(Claims.ROLE, user.roles());
    }
    a.put(Claims.IDENTITY_PROVIDER, List.of(entra.entityId()));
    a.put(Claims.AUTHN_METHODS_REFERENCES, List.of(Claims.PASSWORD_METHOD));
    user.givenName().ifPresent(v -> a.put(Claims.GIVEN_NAME, List.of(v)));
    user.surname().ifPresent(v -> a.put(Claims.SURNAME, List.of(v)));
    user.email().ifPresent(v -> a.put(Claims.EMAIL, List.of(v)));
    a.put(Claims.NAME, List.of(user.userPrincipalName()));
    a.putAll(user.claims());
    attributeOverrides.forEach(
        (k, v) -> {
          if (v == null) {
            a.remove(k);
          } else {
            a.put(k, v);
          }
        });
    return a;
  }
}
