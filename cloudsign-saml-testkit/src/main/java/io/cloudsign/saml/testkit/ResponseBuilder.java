package io.cloudsign.saml.testkit;

import io.cloudsign.saml.testkit.internal.AssertionEncryptor;
import io.cloudsign.saml.testkit.internal.Attacks;
import io.cloudsign.saml.testkit.internal.Certificates;
import io.cloudsign.saml.testkit.internal.Claims;
import io.cloudsign.saml.testkit.internal.EnvelopedSigner;
import io.cloudsign.saml.testkit.internal.SamlTime;
import io.cloudsign.saml.testkit.internal.SignatureAlgorithm;
import io.cloudsign.saml.testkit.internal.SigningKey;
import io.cloudsign.saml.testkit.internal.Tags;
import io.cloudsign.saml.testkit.internal.Xml;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Builds one SAML Response of the fake Entra, byte-shaped like Entra's: one line, no XML
 * declaration, {@code samlp:} prefix on Response and Status, default namespaces on Issuer,
 * Assertion and Signature, {@code _}+UUID IDs, RSA-SHA256 over exclusive c14n with the signing
 * certificate in KeyInfo, NotBefore = issue − 5 min, NotOnOrAfter = issue + 60 min, SessionIndex =
 * assertion ID, Entra's claim URIs.
 *
 * <p><b>Valid and strict by default.</b> From {@link FakeEntra#respondTo} everything is preset from
 * the request; from {@link FakeEntra#response()} the caller must set audience, destination (or
 * recipient) and InResponseTo (or call {@link #withoutInResponseTo()}), else {@link #build()}
 * throws. Every way to break the Response is an explicit, named call (the "hostile variants"
 * section); each changes one thing and keeps the rest genuine, so a validator test can assert the
 * one error it expects.
 *
 * <p>Not thread-safe; each {@link #build()} makes a new Response (new IDs, clock read again).
 *
 * <pre>{@code
 * AuthnRequestInfo req = entra.parseRedirect(redirectUrl);
 * String samlResponse = entra.respondTo(req).user(TestUser.bSimon()).build();
 * String forged = entra.respondTo(req).signedWithUnknownKey().build();
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

  /** Values the {@code wrong…()} variants put in. */
  public static final String WRONG_AUDIENCE = "https://another-app.example.com/saml2/metadata";

  public static final String WRONG_URL = "https://another-app.example.com/saml2/idpresponse";
  public static final String OTHER_TENANT_ID = "3f1d2e4c-5b6a-4798-8c9d-0e1f2a3b4c5d";
  public static final String WRONG_ISSUER = "https://sts.windows.net/" + OTHER_TENANT_ID + "/";

  static final String PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
  static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
  private static final String STATUS = "urn:oasis:names:tc:SAML:2.0:status:";
  private static final String PASSWORD_CLASS = "urn:oasis:names:tc:SAML:2.0:ac:classes:Password";
  private static final Duration NOT_BEFORE_SKEW = Duration.ofMinutes(5);
  private static final Duration LIFETIME = Duration.ofMinutes(60);

  /** Beyond any clock skew an SP may allow (its hard cap is about 10 minutes). */
  private static final Duration WELL_BEYOND_SKEW = Duration.ofMinutes(15);

  private enum Signing {
    ASSERTION,
    RESPONSE,
    BOTH,
    NONE
  }

  private enum Timing {
    VALID,
    EXPIRED,
    NOT_YET_VALID,
    SUBJECT_CONFIRMATION_EXPIRED
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
  private Instant notBefore;
  private Instant notOnOrAfter;
  private Instant subjectConfirmationNotOnOrAfter;
  private Instant sessionNotOnOrAfter;
  private Signing signing = Signing.ASSERTION;
  private SignatureAlgorithm algorithm = SignatureAlgorithm.RSA_SHA256;
  private boolean unknownKey;
  private X509Certificate keyInfoCertificate;
  private boolean wrongAudience;
  private boolean wrongRecipient;
  private boolean wrongDestination;
  private boolean wrongIssuer;
  private boolean wrongResponseIssuer;
  private Timing timing = Timing.VALID;
  private String[] errorStatus;
  private boolean twoAssertions;
  private String tamperedNameId;
  private X509Certificate encryptTo;
  private boolean encryptWithCbc;
  private final List<Consumer<Document>> domEdits = new ArrayList<>();
  private final List<UnaryOperator<String>> textEdits = new ArrayList<>();
  private final List<UnaryOperator<String>> unsignedEdits = new ArrayList<>();

  ResponseBuilder(FakeEntra entra) {
    this.entra = entra;
    this.user = entra.users().get(0);
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

  /** InResponseTo on the Response and on SubjectConfirmationData. */
  public ResponseBuilder inResponseTo(String requestId) {
    this.inResponseTo = Objects.requireNonNull(requestId, "requestId");
    this.withoutInResponseTo = false;
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
   * #build()}): NotBefore = it − 5 min, NotOnOrAfter = it + 60 min.
   */
  public ResponseBuilder issueInstant(Instant instant) {
    this.issueInstant = Objects.requireNonNull(instant, "instant");
    return this;
  }

  /** {@code AuthnInstant} (default: 2 s before issue; Entra sends older ones for SSO sessions). */
  public ResponseBuilder authnInstant(Instant instant) {
    this.authnInstant = Objects.requireNonNull(instant, "instant");
    return this;
  }

  /** Conditions {@code NotBefore}, overriding issue − 5 min (for clock-skew tests). */
  public ResponseBuilder notBefore(Instant instant) {
    this.notBefore = Objects.requireNonNull(instant, "instant");
    return this;
  }

  /**
   * Conditions and SubjectConfirmationData {@code NotOnOrAfter}, overriding issue + 60 min (for
   * clock-skew tests).
   */
  public ResponseBuilder notOnOrAfter(Instant instant) {
    this.notOnOrAfter = Objects.requireNonNull(instant, "instant");
    return this;
  }

  /** Only SubjectConfirmationData {@code NotOnOrAfter}. */
  public ResponseBuilder subjectConfirmationNotOnOrAfter(Instant instant) {
    this.subjectConfirmationNotOnOrAfter = Objects.requireNonNull(instant, "instant");
    return this;
  }

  /** Adds {@code SessionNotOnOrAfter} to the AuthnStatement (Entra omits it by default). */
  public ResponseBuilder sessionNotOnOrAfter(Instant instant) {
    this.sessionNotOnOrAfter = Objects.requireNonNull(instant, "instant");
    return this;
  }

  // ---------------------------------------------------------------- genuine signing modes

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

  // ---------------------------------------------------------------- hostile variants

  /** HOSTILE: no signature anywhere. */
  public ResponseBuilder unsigned() {
    this.signing = Signing.NONE;
    return this;
  }

  /**
   * HOSTILE: signed (in the chosen mode) with an attacker's key whose certificate (same subject as
   * Entra's) is in KeyInfo. Only an SP that trusts KeyInfo accepts it.
   */
  public ResponseBuilder signedWithUnknownKey() {
    this.unknownKey = true;
    return this;
  }

  /**
   * Genuine signature, but {@code certificate} is placed in KeyInfo instead of the signing one. A
   * correct SP still <em>accepts</em> this (it never trusts KeyInfo); one that picks the key from
   * KeyInfo fails to verify.
   */
  public ResponseBuilder keyInfoCertificate(X509Certificate certificate) {
    this.keyInfoCertificate = Objects.requireNonNull(certificate, "certificate");
    return this;
  }

  /** HOSTILE (weak): rsa-sha1 signature with a sha1 digest; otherwise genuine. */
  public ResponseBuilder sha1() {
    this.algorithm = SignatureAlgorithm.RSA_SHA1;
    return this;
  }

  /** HOSTILE: Audience is {@link #WRONG_AUDIENCE} (another application's Identifier). */
  public ResponseBuilder wrongAudience() {
    this.wrongAudience = true;
    return this;
  }

  /** HOSTILE: SubjectConfirmationData Recipient is {@link #WRONG_URL}; Destination unchanged. */
  public ResponseBuilder wrongRecipient() {
    this.wrongRecipient = true;
    return this;
  }

  /** HOSTILE: Response Destination is {@link #WRONG_URL}; Recipient unchanged. */
  public ResponseBuilder wrongDestination() {
    this.wrongDestination = true;
    return this;
  }

  /**
   * HOSTILE: the Assertion's Issuer is {@link #WRONG_ISSUER} (another tenant); the Response's
   * Issuer stays genuine; still signed with this fake's key.
   */
  public ResponseBuilder wrongIssuer() {
    this.wrongIssuer = true;
    return this;
  }

  /** HOSTILE: only the Response's Issuer is {@link #WRONG_ISSUER}. */
  public ResponseBuilder wrongResponseIssuer() {
    this.wrongResponseIssuer = true;
    return this;
  }

  /**
   * HOSTILE: Conditions and SubjectConfirmationData NotOnOrAfter lie 15 min before the clock's now
   * (beyond any allowed skew), NotBefore 65 min before that; IssueInstant stays now so that only
   * the validity window is wrong.
   */
  public ResponseBuilder expired() {
    this.timing = Timing.EXPIRED;
    return this;
  }

  /**
   * HOSTILE: Conditions NotBefore lies 15 min after the clock's now (beyond any allowed skew),
   * NotOnOrAfter 65 min after that (SubjectConfirmationData too); IssueInstant stays now.
   */
  public ResponseBuilder notYetValid() {
    this.timing = Timing.NOT_YET_VALID;
    return this;
  }

  /** HOSTILE: only SubjectConfirmationData NotOnOrAfter lies 15 min in the past. */
  public ResponseBuilder subjectConfirmationExpired() {
    this.timing = Timing.SUBJECT_CONFIRMATION_EXPIRED;
    return this;
  }

  /** HOSTILE: no InResponseTo on the Response nor on SubjectConfirmationData (unsolicited). */
  public ResponseBuilder withoutInResponseTo() {
    this.withoutInResponseTo = true;
    this.inResponseTo = null;
    return this;
  }

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
    return errorStatus(STATUS + codes[0], STATUS + codes[1], "AADSTS" + code, message);
  }

  /** An error Response with explicit top-level and nested status code URIs (nested may be null). */
  public ResponseBuilder errorStatus(
      String topLevelStatusCode, String nestedStatusCode, String aadstsCode, String message) {
    Objects.requireNonNull(topLevelStatusCode, "topLevelStatusCode");
    Objects.requireNonNull(message, "message");
    this.errorStatus = new String[] {topLevelStatusCode, nestedStatusCode, aadstsCode, message};
    return this;
  }

  /**
   * HOSTILE: two Assertions (same user, different IDs), each genuinely signed if assertions are.
   */
  public ResponseBuilder twoAssertions() {
    this.twoAssertions = true;
    return this;
  }

  /** HOSTILE: after signing, the NameID is changed to {@code admin@<same domain>}. */
  public ResponseBuilder tamperedAfterSigning() {
    this.tamperedNameId = "";
    return this;
  }

  /** HOSTILE: after signing, the NameID is changed to {@code newNameId}. */
  public ResponseBuilder tamperedAfterSigning(String newNameId) {
    this.tamperedNameId = Objects.requireNonNull(newNameId, "newNameId");
    return this;
  }

  /**
   * HOSTILE (comment-split NameID, CVE-2017-11427 class): after signing, an empty XML comment is
   * inserted into the NameID right after {@code visiblePrefix}. The signature stays valid
   * (exclusive c14n drops comments); an SP must read the whole NameID, not the text before the
   * comment. Use it with {@code
   * nameId("admin@contoso.com.evil.example").commentSplitNameId("admin@contoso.com")}.
   *
   * @throws IllegalStateException at build time if the NameID does not start with {@code
   *     visiblePrefix} or equals it
   */
  public ResponseBuilder commentSplitNameId(String visiblePrefix) {
    Objects.requireNonNull(visiblePrefix, "visiblePrefix");
    return afterSigningDom(
        doc -> {
          for (Element e : Xml.descendants(doc, ASSERTION_NS, "NameID")) {
            String value = e.getTextContent();
            if (!value.startsWith(visiblePrefix) || value.equals(visiblePrefix)) {
              throw new IllegalStateException(
                  "NameID '" + value + "' must start with, and be longer than, " + visiblePrefix);
            }
            e.setTextContent(visiblePrefix);
            e.appendChild(doc.createComment(""));
            e.appendChild(doc.createTextNode(value.substring(visiblePrefix.length())));
          }
        });
  }

  /**
   * Entra's token encryption: the signed Assertion becomes an {@code EncryptedAssertion} for {@code
   * spCertificate} (AES-256-GCM content, RSA-OAEP-MGF1P key transport, {@code EncryptedKey} inside
   * {@code KeyInfo}). A Response signature (if chosen) covers the EncryptedAssertion. Which AES
   * mode Entra uses is not confirmed; {@link #encryptedAssertionAesCbc} gives the other one.
   */
  public ResponseBuilder encryptedAssertion(X509Certificate spCertificate) {
    this.encryptTo = Objects.requireNonNull(spCertificate, "spCertificate");
    this.encryptWithCbc = false;
    return this;
  }

  /** As {@link #encryptedAssertion} but with AES-256-CBC content encryption. */
  public ResponseBuilder encryptedAssertionAesCbc(X509Certificate spCertificate) {
    this.encryptTo = Objects.requireNonNull(spCertificate, "spCertificate");
    this.encryptWithCbc = true;
    return this;
  }

  /**
   * Extension point: edits the final XML text after signing (and after every other variant). For
   * attacks that no named call covers yet; prefer adding a named call.
   */
  public ResponseBuilder afterSigning(UnaryOperator<String> xmlEdit) {
    textEdits.add(Objects.requireNonNull(xmlEdit, "xmlEdit"));
    return this;
  }

  /**
   * Extension point: edits the XML text <i>before</i> it is signed, so the result is still validly
   * signed. For structural variants that no named call covers yet; prefer adding a named call.
   */
  public ResponseBuilder beforeSigning(UnaryOperator<String> xmlEdit) {
    unsignedEdits.add(Objects.requireNonNull(xmlEdit, "xmlEdit"));
    return this;
  }

  /** STRUCTURAL (signed): the Subject carries no NameID. */
  public ResponseBuilder withoutNameId() {
    return beforeSigning(x -> x.replaceAll("<NameID[^>]*>[^<]*</NameID>", ""));
  }

  /** STRUCTURAL (signed): the Assertion has no AuthnStatement. */
  public ResponseBuilder withoutAuthnStatement() {
    return beforeSigning(x -> x.replaceAll("<AuthnStatement[\\s>].*?</AuthnStatement>", ""));
  }

  /** STRUCTURAL (signed): the Assertion has no Conditions (so no AudienceRestriction). */
  public ResponseBuilder withoutConditions() {
    return beforeSigning(x -> x.replaceAll("<Conditions[\\s>].*?</Conditions>", ""));
  }

  /** STRUCTURAL (signed): Conditions has an AudienceRestriction but no NotOnOrAfter. */
  public ResponseBuilder withoutConditionsNotOnOrAfter() {
    return beforeSigning(x -> x.replaceFirst("(<Conditions[^>]*?) NotOnOrAfter=\"[^\"]*\"", "$1"));
  }

  /** STRUCTURAL (signed): Conditions carries a {@code Condition} of a type no SP understands. */
  public ResponseBuilder unknownCondition() {
    return beforeSigning(
        x ->
            x.replace(
                "</Conditions>",
                "<Condition xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                    + " xmlns:ext=\"urn:example:conditions\" xsi:type=\"ext:MustUnderstand\"/>"
                    + "</Conditions>"));
  }

  /** STRUCTURAL (signed): the SubjectConfirmation Method is {@code method} instead of bearer. */
  public ResponseBuilder subjectConfirmationMethod(String method) {
    Objects.requireNonNull(method, "method");
    return beforeSigning(
        x ->
            x.replace(
                "Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"", "Method=\"" + method + "\""));
  }

  /** STRUCTURAL (signed): SubjectConfirmationData's InResponseTo differs from the Response's. */
  public ResponseBuilder subjectConfirmationInResponseTo(String requestId) {
    Objects.requireNonNull(requestId, "requestId");
    return beforeSigning(
        x ->
            x.replaceFirst(
                "(<SubjectConfirmationData[^>]*?InResponseTo=\")[^\"]*\"",
                "$1" + requestId.replace("$", "\\$") + "\""));
  }

  /** STRUCTURAL (signed): SubjectConfirmationData has no NotOnOrAfter. */
  public ResponseBuilder withoutSubjectConfirmationNotOnOrAfter() {
    return beforeSigning(
        x -> x.replaceFirst("(<SubjectConfirmationData[^>]*?) NotOnOrAfter=\"[^\"]*\"", "$1"));
  }

  /**
   * The Assertion is replaced by an {@code EncryptedAssertion} of Entra's shape, encrypted (after
   * signing) for a throwaway certificate nobody holds: enough to test an SP that must refuse or
   * cannot decrypt it. To encrypt for your SP, use {@link #encryptedAssertion(X509Certificate)}.
   */
  public ResponseBuilder encryptedAssertion() {
    return encryptedAssertion(Certificates.unknownRecipient().certificate());
  }

  /** Internal extension point for named attacks: edits the signed DOM before serialisation. */
  ResponseBuilder afterSigningDom(Consumer<Document> edit) {
    domEdits.add(Objects.requireNonNull(edit, "edit"));
    return this;
  }

  // ---------------------------------------------------------------- named attacks (corpus)
  // Each call below builds one known attack on an otherwise genuine Response, for negative tests
  // of an SP. The DOM surgery lives in internal.Attacks.

  /** XML Signature Wrapping shapes, as SAML Raider's XSW helper builds them. */
  public enum Xsw {
    /** Response signed: evil Response (new ID) whose Signature holds the genuine Response. */
    XSW1,
    /** Response signed: the genuine Response is a sibling before the evil Response's Signature. */
    XSW2,
    /** Assertion signed: an unsigned evil Assertion (new ID) before the genuine one. */
    XSW3,
    /** Assertion signed: an unsigned evil Assertion (new ID) containing the genuine one. */
    XSW4,
    /** Assertion signed: the signed Assertion becomes evil (new ID); a genuine copy at the end. */
    XSW5,
    /** As XSW5, the genuine copy inside the evil Assertion's Signature. */
    XSW6,
    /** Assertion signed: an evil copy (same ID) in an {@code Extensions} of no namespace. */
    XSW7,
    /** As XSW5 with the same ID, the genuine copy in a {@code ds:Object} of the Signature. */
    XSW8
  }

  /**
   * HOSTILE (XML signature wrapping): {@code variant} as SAML Raider builds it, without changing
   * any content. XSW1–2 need a Response signature ({@link #signResponse()}), XSW3–8 an Assertion
   * signature (the default); {@link #build()} throws otherwise.
   */
  public ResponseBuilder xsw(Xsw variant) {
    Objects.requireNonNull(variant, "variant");
    return afterSigningDom(doc -> Attacks.xsw(doc, variant.ordinal() + 1, null));
  }

  /** HOSTILE: as {@link #xsw(Xsw)}, the element the attacker wants read says {@code evilNameId}. */
  public ResponseBuilder xsw(Xsw variant, String evilNameId) {
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(evilNameId, "evilNameId");
    return afterSigningDom(doc -> Attacks.xsw(doc, variant.ordinal() + 1, evilNameId));
  }

  /**
   * HOSTILE (wrapping, extra wrapper): the signed Assertion gets a new ID and {@code evilNameId}
   * but keeps the genuine Signature; an unsigned genuine copy (original ID) sits in an element of
   * an unknown namespace at the end of the Response, so the Reference resolves to matching content.
   */
  public ResponseBuilder xswInUnknownWrapper(String evilNameId) {
    Objects.requireNonNull(evilNameId, "evilNameId");
    return afterSigningDom(doc -> Attacks.xswUnknownWrapper(doc, evilNameId));
  }

  /**
   * HOSTILE (wrapping, extra wrapper, Response level): needs {@link #signResponse()}. The Response
   * and its Assertion get new IDs and the Assertion {@code evilNameId}, the genuine Response
   * Signature stays; an unsigned genuine copy of the Response (original IDs) sits in an element of
   * an unknown namespace at the end, so the Reference resolves to matching content.
   */
  public ResponseBuilder xswResponseInUnknownWrapper(String evilNameId) {
    Objects.requireNonNull(evilNameId, "evilNameId");
    return afterSigningDom(doc -> Attacks.xswResponseUnknownWrapper(doc, evilNameId));
  }

  /** HOSTILE: the Assertion's genuine Signature is moved onto the Response (Assertion unsigned). */
  public ResponseBuilder assertionSignatureMovedToResponse() {
    return afterSigningDom(Attacks::moveAssertionSignatureToResponse);
  }

  /**
   * HOSTILE: neither Response nor Assertion is signed; the Subject carries an {@code ID} and a
   * genuine signature of this fake's key.
   */
  public ResponseBuilder onlySubjectSigned() {
    this.signing = Signing.NONE;
    return afterSigningDom(
        doc ->
            Attacks.signSubject(
                doc, algorithm, entra.activeKey().privateKey(), entra.activeKey().certificate()));
  }

  /**
   * HOSTILE: unsigned Response and Assertion; the fake's genuinely signed federation metadata sits
   * in the Response's {@code samlp:Extensions}.
   */
  public ResponseBuilder signedMetadataInExtensions() {
    this.signing = Signing.NONE;
    return afterSigningDom(
        doc ->
            Attacks.addToExtensions(
                doc,
                (Element)
                    doc.importNode(
                        Xml.parseUntrusted(Xml.utf8(entra.metadataXml().replace("\uFEFF", "")))
                            .getDocumentElement(),
                        true)));
  }

  /**
   * HOSTILE: unsigned Response and Assertion; a LogoutResponse genuinely signed by this fake sits
   * in the Response's {@code samlp:StatusDetail}.
   */
  public ResponseBuilder signedLogoutResponseInStatusDetail() {
    this.signing = Signing.NONE;
    return afterSigningDom(
        doc -> {
          Element response = doc.getDocumentElement();
          Attacks.addToStatusDetail(
              doc,
              Attacks.signedLogoutResponse(
                  doc,
                  entra.entityId(),
                  response.getAttribute("Destination"),
                  response.getAttribute("IssueInstant"),
                  algorithm,
                  entra.activeKey().privateKey(),
                  entra.activeKey().certificate()));
        });
  }

  /** Where {@link #commentSplit} and {@link #cdataSplit} inject. */
  public enum Injected {
    NAME_ID,
    /** The first AttributeValue that continues after the prefix. */
    ATTRIBUTE_VALUE,
    AUDIENCE,
    /** Every Issuer (Response's and Assertion's) that continues after the prefix. */
    ISSUER,
    /**
     * SubjectConfirmationData's Recipient: an attribute, so the markup lands inside the attribute
     * value and the document is no longer well-formed.
     */
    RECIPIENT
  }

  /**
   * HOSTILE (comment injection, the 2018 SAML CVEs): after signing, an empty comment is inserted
   * right after {@code visiblePrefix} in every value at {@code where} that continues after it (at
   * least one must); the signature stays valid. An SP that reads only the first text node sees
   * {@code visiblePrefix}.
   */
  public ResponseBuilder commentSplit(Injected where, String visiblePrefix) {
    return split(where, visiblePrefix, false);
  }

  /** HOSTILE: as {@link #commentSplit}, the rest of the value becomes a CDATA section. */
  public ResponseBuilder cdataSplit(Injected where, String visiblePrefix) {
    return split(where, visiblePrefix, true);
  }

  private ResponseBuilder split(Injected where, String prefix, boolean cdata) {
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(prefix, "visiblePrefix");
    if (where == Injected.RECIPIENT) {
      String markup = cdata ? "<![CDATA[]]>" : "<!---->";
      String attr = " Recipient=\"" + Xml.escape(prefix);
      return afterSigning(
          x -> {
            if (!x.contains(attr)) {
              throw new IllegalStateException("Recipient does not start with " + prefix);
            }
            return x.replace(attr, attr + markup);
          });
    }
    return afterSigningDom(
        doc -> {
          List<Element> candidates =
              switch (where) {
                case NAME_ID -> Xml.descendants(doc, ASSERTION_NS, "NameID");
                case AUDIENCE -> Xml.descendants(doc, ASSERTION_NS, "Audience");
                case ISSUER -> Xml.descendants(doc, ASSERTION_NS, "Issuer");
                case ATTRIBUTE_VALUE -> Xml.descendants(doc, ASSERTION_NS, "AttributeValue");
                case RECIPIENT -> throw new AssertionError();
              };
          List<Element> targets =
              candidates.stream()
                  .filter(
                      e ->
                          e.getTextContent().startsWith(prefix)
                              && e.getTextContent().length() > prefix.length())
                  .limit(where == Injected.ATTRIBUTE_VALUE ? 1 : Long.MAX_VALUE)
                  .toList();
          if (targets.isEmpty()) {
            throw new IllegalStateException(
                "no " + where + " starts with, and is longer than, " + prefix);
          }
          for (Element e : targets) {
            Attacks.split(e, prefix, cdata);
          }
        });
  }

  /** The Assertion's Issuer value (Entra: the tenant's {@code https://sts.windows.net/…/}). */
  public ResponseBuilder assertionIssuer(String issuer) {
    Objects.requireNonNull(issuer, "issuer");
    return beforeSigning(
        x ->
            x.replace(
                "<Issuer>" + Xml.escape(entra.entityId()) + "</Issuer>",
                "<Issuer>" + Xml.escape(issuer) + "</Issuer>"));
  }

  /** The Response's Issuer value. */
  public ResponseBuilder responseIssuer(String issuer) {
    Objects.requireNonNull(issuer, "issuer");
    return beforeSigning(
        x ->
            x.replace(
                "\">" + Xml.escape(entra.entityId()) + "</Issuer>",
                "\">" + Xml.escape(issuer) + "</Issuer>"));
  }

  /** HOSTILE: the Response has no Destination. */
  public ResponseBuilder withoutDestination() {
    return beforeSigning(x -> x.replaceFirst(" Destination=\"[^\"]*\"", ""));
  }

  /** HOSTILE: SubjectConfirmationData has no Recipient. */
  public ResponseBuilder withoutRecipient() {
    return beforeSigning(x -> x.replaceFirst(" Recipient=\"[^\"]*\"", ""));
  }

  /** HOSTILE: the AudienceRestriction has no Audience. */
  public ResponseBuilder withoutAudience() {
    return beforeSigning(x -> x.replaceAll("<Audience>[^<]*</Audience>", ""));
  }

  /** HOSTILE: the Assertion has no Issuer. */
  public ResponseBuilder withoutAssertionIssuer() {
    return beforeSigning(x -> x.replaceAll("<Issuer>[^<]*</Issuer>", ""));
  }

  /** The Response has no Issuer (optional in SAML; an SP still accepts it). */
  public ResponseBuilder withoutResponseIssuer() {
    return beforeSigning(x -> x.replaceFirst("<Issuer xmlns=\"[^\"]*\">[^<]*</Issuer>", ""));
  }

  /**
   * HOSTILE (XXE): a DOCTYPE declares an external entity at {@code url}; the NameID refers to it.
   */
  public ResponseBuilder externalEntity(String url) {
    Objects.requireNonNull(url, "url");
    return withDoctype(
        "<!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM \"" + Xml.escape(url) + "\">]>", "&xxe;");
  }

  /** HOSTILE (XXE): an external parameter entity at {@code url} is referenced in the DTD. */
  public ResponseBuilder externalParameterEntity(String url) {
    Objects.requireNonNull(url, "url");
    return withDoctype(
        "<!DOCTYPE samlp:Response [<!ENTITY % p SYSTEM \"" + Xml.escape(url) + "\"> %p;]>", null);
  }

  /** HOSTILE: the DOCTYPE names an external DTD at {@code url}. */
  public ResponseBuilder externalDtd(String url) {
    Objects.requireNonNull(url, "url");
    return withDoctype("<!DOCTYPE samlp:Response SYSTEM \"" + Xml.escape(url) + "\">", null);
  }

  /** HOSTILE (billion laughs): nested entities expanding to 10^9 "lol"s in the NameID. */
  public ResponseBuilder billionLaughs() {
    StringBuilder dtd = new StringBuilder("<!DOCTYPE samlp:Response [<!ENTITY lol0 \"lol\">");
    for (int i = 1; i <= 9; i++) {
      dtd.append("<!ENTITY lol").append(i).append(" \"");
      for (int j = 0; j < 10; j++) {
        dtd.append("&lol").append(i - 1).append(';');
      }
      dtd.append("\">");
    }
    return withDoctype(dtd.append("]>").toString(), "&lol9;");
  }

  /**
   * HOSTILE: an ATTLIST default gives SubjectConfirmationData a Recipient that is not in the signed
   * bytes (the signed one is removed before signing).
   */
  public ResponseBuilder attlistDefault(String recipientUrl) {
    Objects.requireNonNull(recipientUrl, "recipientUrl");
    withoutRecipient();
    return afterSigning(
        x ->
            "<!DOCTYPE samlp:Response [<!ATTLIST SubjectConfirmationData Recipient CDATA \""
                + Xml.escape(recipientUrl)
                + "\">]>"
                + x);
  }

  /** HOSTILE: the Assertion's ID is spelled through an internal entity. */
  public ResponseBuilder entityBuiltId() {
    return afterSigning(
        x -> {
          int a = x.indexOf("<Assertion ID=\"") + "<Assertion ID=\"".length();
          String id = x.substring(a, x.indexOf('"', a));
          return "<!DOCTYPE samlp:Response [<!ENTITY id \""
              + id
              + "\">]>"
              + x.substring(0, a)
              + "&id;"
              + x.substring(a + id.length());
        });
  }

  private ResponseBuilder withDoctype(String doctype, String nameIdReplacement) {
    return afterSigning(
        x -> {
          String body = x;
          if (nameIdReplacement != null) {
            body =
                body.replaceFirst(
                    "(<NameID[^>]*>)[^<]*(</NameID>)", "$1" + nameIdReplacement + "$2");
          }
          return doctype + body;
        });
  }

  /** HOSTILE (XInclude): after signing, the NameID's text becomes an xi:include of {@code url}. */
  public ResponseBuilder xinclude(String url) {
    Objects.requireNonNull(url, "url");
    return afterSigning(
        x ->
            x.replaceFirst(
                "(<NameID[^>]*>)[^<]*(</NameID>)",
                "$1<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\""
                    + Xml.escape(url).replace("$", "\\$")
                    + "\" parse=\"text\"/>$2"));
  }

  /** HOSTILE: junk text before the root element. */
  public ResponseBuilder junkBeforeRoot() {
    return afterSigning(x -> "junk" + x);
  }

  /** HOSTILE: junk text after the root element. */
  public ResponseBuilder junkAfterRoot() {
    return afterSigning(x -> x + "junk");
  }

  /** HOSTILE: a second root element (a copy of the Response) after the first. */
  public ResponseBuilder secondRoot() {
    return afterSigning(x -> x + x);
  }

  /** How {@link #signatureDefect} damages the signature (the Assertion's, else the Response's). */
  public enum SignatureDefect {
    /** The Signature element is removed. */
    REMOVED,
    NO_SIGNED_INFO,
    EMPTY_SIGNATURE_VALUE,
    /** Reference to an ID that does not exist; SignedInfo re-signed with the IdP key. */
    REFERENCE_TO_MISSING_ID,
    TWO_SIGNED_INFO,
    TWO_SIGNATURE_VALUES,
    /** A second, identical Reference; SignedInfo re-signed with the IdP key. */
    TWO_REFERENCES,
    /** NameID changed; its digest in a comment before the genuine DigestValue. */
    COMMENT_IN_DIGEST_VALUE,
    /** {@code URI="#xpointer(id('…'))"}; SignedInfo re-signed with the IdP key. */
    REFERENCE_URI_XPOINTER_QUOTED,
    /** {@code URI="<ID>"} without {@code #}; SignedInfo re-signed with the IdP key. */
    REFERENCE_URI_WITHOUT_HASH,
    /** {@code URI=""} (whole document) with its genuine digest; re-signed with the IdP key. */
    REFERENCE_URI_EMPTY
  }

  /** HOSTILE (signature exclusion): the signature is damaged as {@code defect} says. */
  public ResponseBuilder signatureDefect(SignatureDefect defect) {
    Objects.requireNonNull(defect, "defect");
    return afterSigningDom(
        doc -> {
          Element signature = Attacks.targetSignature(doc);
          Attacks.defect(
              (Element) signature.getParentNode(),
              signature,
              Attacks.Defect.valueOf(defect.name()),
              entra.activeKey().privateKey(),
              null);
        });
  }

  /**
   * HOSTILE (signature profile): the signature's Reference gets exactly these transform algorithm
   * URIs, in this order; the digest is kept and SignedInfo is re-signed with this fake's key. The
   * digest stays right for lists that canonicalise like enveloped + exclusive c14n (for example a
   * repeated exclusive c14n), so only the SAML signature profile (SAML Core §5.4: at most the
   * enveloped and one exclusive c14n transform) can stop them.
   */
  public ResponseBuilder referenceTransforms(String... algorithms) {
    List<String> list = List.of(algorithms);
    return afterSigningDom(
        doc -> {
          Element signature = Attacks.targetSignature(doc);
          Attacks.replaceTransforms(signature, list, entra.activeKey().privateKey());
        });
  }

  /** Transforms an SP must not run (see {@link #extraTransform}). */
  public enum Transform {
    /** A stylesheet that fetches a URL with {@code document()}. */
    XSLT,
    XPATH,
    /** Subtracts the NameID from the digest, then changes the NameID to {@code admin@…}. */
    XPATH_FILTER2,
    BASE64
  }

  /**
   * HOSTILE: a transform beyond enveloped + exc-c14n is added first to the signature's Reference
   * and SignedInfo is re-signed with this fake's key (the worst case: a signature the IdP made).
   * {@code canaryUrl} is what an XSLT stylesheet fetches.
   */
  public ResponseBuilder extraTransform(Transform transform, String canaryUrl) {
    Objects.requireNonNull(transform, "transform");
    Objects.requireNonNull(canaryUrl, "canaryUrl");
    return afterSigningDom(
        doc -> {
          Element signature = Attacks.targetSignature(doc);
          Attacks.extraTransform(
              (Element) signature.getParentNode(),
              signature,
              Attacks.ExtraTransform.valueOf(transform.name()),
              canaryUrl,
              entra.activeKey().privateKey(),
              null);
        });
  }

  /**
   * HOSTILE: signed with an attacker key whose certificate clones the fake's (same subject, issuer,
   * serial, validity), placed in KeyInfo.
   */
  public ResponseBuilder signedWithClonedCertificate() {
    return resignedBy(() -> Attacks.clone(entra.activeKey().certificate()), false);
  }

  /** HOSTILE: signed with an attacker key given as RSAKeyValue in KeyInfo (no certificate). */
  public ResponseBuilder signedWithUnknownKeyAsKeyValue() {
    return resignedBy(Certificates::attacker, true);
  }

  /** HOSTILE: signed with an attacker's RSA-1024 key (certificate in KeyInfo). */
  public ResponseBuilder signedWithUnknownRsa1024Key() {
    return resignedBy(() -> Attacks.rsaKey(1024), false);
  }

  private ResponseBuilder resignedBy(
      java.util.function.Supplier<SigningKey> attacker, boolean asKeyValue) {
    return afterSigningDom(
        doc -> {
          SigningKey k = attacker.get();
          Element signature = Attacks.targetSignature(doc);
          Attacks.resign(signature, k.privateKey());
          if (asKeyValue) {
            Attacks.keyValueInsteadOfCertificate(
                signature, (java.security.interfaces.RSAPublicKey) k.certificate().getPublicKey());
          } else {
            for (Element c : Xml.descendants(signature, Attacks.DSIG_NS, "X509Certificate")) {
              c.setTextContent(Certificates.base64(k.certificate()));
            }
          }
        });
  }

  /** Genuine signature without KeyInfo (it is not signed; an SP must still accept it). */
  public ResponseBuilder withoutKeyInfo() {
    return afterSigningDom(doc -> Attacks.removeKeyInfo(Attacks.targetSignature(doc)));
  }

  /** HOSTILE (weak): RSA-SHA256 SignatureMethod, but a SHA-1 DigestMethod (genuinely signed). */
  public ResponseBuilder sha1DigestUnderRsaSha256() {
    return afterSigningDom(
        doc -> {
          Element signature = Attacks.targetSignature(doc);
          Attacks.sha1Digest(
              (Element) signature.getParentNode(), signature, entra.activeKey().privateKey());
        });
  }

  /**
   * HOSTILE (algorithm confusion): an HMAC-SHA256 "signature" keyed with the DER of the fake's
   * public key; with {@code outputBits} non-null an {@code HMACOutputLength} truncates it.
   */
  public ResponseBuilder hmacKeyedWithPublicKey(Integer outputBits) {
    return afterSigningDom(
        doc ->
            Attacks.hmac(
                Attacks.targetSignature(doc),
                entra.activeKey().certificate().getPublicKey().getEncoded(),
                outputBits));
  }

  /**
   * HOSTILE: an unsigned Assertion (new ID, NameID {@code nameId}) is placed before ({@code
   * before}) or after the genuine signed one.
   */
  public ResponseBuilder unsignedAssertion(String nameId, boolean before) {
    Objects.requireNonNull(nameId, "nameId");
    return afterSigningDom(
        doc -> {
          Element genuine = Attacks.assertion(doc);
          Element evil = Attacks.unsignedCopy(genuine, nameId);
          doc.getDocumentElement().insertBefore(evil, before ? genuine : genuine.getNextSibling());
        });
  }

  /** Where {@link #genuineAssertionIn} hides the signed Assertion. */
  public enum Container {
    /** The Advice of the unsigned Assertion that takes its place. */
    ADVICE,
    /** The Response's {@code samlp:Extensions}. */
    EXTENSIONS,
    /** A {@code samlp:StatusDetail} of the Response's Status. */
    STATUS_DETAIL
  }

  /**
   * HOSTILE: the genuine signed Assertion moves into {@code container}; an unsigned Assertion with
   * {@code evilNameId} takes its place.
   */
  public ResponseBuilder genuineAssertionIn(Container container, String evilNameId) {
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(evilNameId, "evilNameId");
    return afterSigningDom(
        doc ->
            Attacks.hideGenuineAssertion(
                doc, Attacks.Container.valueOf(container.name()), evilNameId));
  }

  /**
   * HOSTILE: an unsigned Assertion with {@code nameId} in the Response's {@code samlp:Extensions}
   * (or StatusDetail), next to the genuine signed one.
   */
  public ResponseBuilder extraAssertionIn(Container container, String nameId) {
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(nameId, "nameId");
    return afterSigningDom(
        doc -> {
          Element evil = Attacks.unsignedCopy(Attacks.assertion(doc), nameId);
          switch (container) {
            case EXTENSIONS -> Attacks.addToExtensions(doc, evil);
            case STATUS_DETAIL -> Attacks.addToStatusDetail(doc, evil);
            case ADVICE -> {
              Element genuine = Attacks.assertion(doc);
              Element advice = doc.createElementNS(ASSERTION_NS, "Advice");
              advice.appendChild(evil);
              genuine.insertBefore(
                  advice, Attacks.child(genuine, ASSERTION_NS, "Conditions").getNextSibling());
            }
          }
        });
  }

  /** HOSTILE: an EncryptedAssertion (random ciphertext) after the genuine plain Assertion. */
  public ResponseBuilder encryptedAssertionNextToPlain() {
    return afterSigningDom(
        doc ->
            doc.getDocumentElement()
                .appendChild(Attacks.fragment(doc, fakeEncryptedAssertion(Attacks.filler(64)))));
  }

  /** HOSTILE (size): an EncryptedAssertion with a CipherValue of {@code chars} characters. */
  public ResponseBuilder oversizedCipherValue(int chars) {
    return afterSigningDom(
        doc -> {
          Element genuine = Attacks.assertion(doc);
          doc.getDocumentElement()
              .replaceChild(
                  Attacks.fragment(doc, fakeEncryptedAssertion(Attacks.filler(chars))), genuine);
        });
  }

  private static String fakeEncryptedAssertion(String cipherValue) {
    return "<EncryptedAssertion xmlns=\""
        + ASSERTION_NS
        + "\"><xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\""
        + " Type=\"http://www.w3.org/2001/04/xmlenc#Element\"><xenc:EncryptionMethod"
        + " Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm\"/><xenc:CipherData>"
        + "<xenc:CipherValue>"
        + cipherValue
        + "</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></EncryptedAssertion>";
  }

  /** HOSTILE (size): the KeyInfo certificate is replaced by {@code chars} base64 characters. */
  public ResponseBuilder oversizedKeyInfoCertificate(int chars) {
    return afterSigningDom(
        doc -> {
          for (Element c :
              Xml.descendants(Attacks.targetSignature(doc), Attacks.DSIG_NS, "X509Certificate")) {
            c.setTextContent(Attacks.filler(chars));
          }
        });
  }

  /** HOSTILE (size): an element nested {@code depth} deep in the Response's Extensions. */
  public ResponseBuilder nestedElements(int depth) {
    return afterSigningDom(doc -> Attacks.addToExtensions(doc, Attacks.fragment(doc, "<x/>")))
        .afterSigning(x -> x.replace("<x/>", Attacks.nested(depth)));
  }

  /** HOSTILE (size): an element with {@code count} attributes in the Response's Extensions. */
  public ResponseBuilder manyAttributes(int count) {
    return afterSigningDom(doc -> Attacks.addToExtensions(doc, Attacks.fragment(doc, "<x/>")))
        .afterSigning(x -> x.replace("<x/>", Attacks.manyAttributes(count)));
  }

  /** HOSTILE (size): {@code chars} characters of text in the Response's Extensions. */
  public ResponseBuilder padding(int chars) {
    return afterSigningDom(doc -> Attacks.addToExtensions(doc, Attacks.fragment(doc, "<x/>")))
        .afterSigning(
            x ->
                x.replace(
                    "<x/>",
                    "<p:Pad xmlns:p=\"urn:attacker:pad\">" + Attacks.filler(chars) + "</p:Pad>"));
  }

  // ---------------------------------------------------------------- output

  /** The Response as Entra POSTs it in the {@code SAMLResponse} form field: base64 of UTF-8. */
  public String build() {
    return Base64.getEncoder().encodeToString(buildXml().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The Response XML exactly as encoded by {@link #build()}.
   *
   * @throws IllegalStateException if audience, destination/recipient or InResponseTo is missing
   */
  public String buildXml() {
    Instant now =
        (issueInstant != null ? issueInstant : entra.clock().instant())
            .truncatedTo(ChronoUnit.MILLIS);
    boolean error = errorStatus != null;
    String dest = destination != null ? destination : recipient;
    String recip = recipient != null ? recipient : destination;
    List<String> missing = new ArrayList<>();
    if (dest == null) {
      missing.add("destination(replyUrl)");
    }
    if (audience == null && !error) {
      missing.add("audience(identifier)");
    }
    if (inResponseTo == null && !withoutInResponseTo) {
      missing.add("inResponseTo(requestId) or withoutInResponseTo()");
    }
    if (encryptTo != null && tamperedNameId != null) {
      throw new IllegalStateException(
          "encryptedAssertion and tamperedAfterSigning cannot be combined: the NameID is encrypted");
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "Response incomplete, set "
              + String.join(", ", missing)
              + " (or use entra.respondTo(request))");
    }
    if (wrongDestination) {
      dest = WRONG_URL;
    }
    if (wrongRecipient) {
      recip = WRONG_URL;
    }
    String aud = wrongAudience ? WRONG_AUDIENCE : audience;
    String irt = withoutInResponseTo ? null : inResponseTo;

    Instant nb = notBefore != null ? notBefore : now.minus(NOT_BEFORE_SKEW);
    Instant noa = notOnOrAfter != null ? notOnOrAfter : now.plus(LIFETIME);
    Instant scdNoa = noa;
    switch (timing) {
      case EXPIRED -> {
        noa = now.minus(WELL_BEYOND_SKEW);
        nb = noa.minus(NOT_BEFORE_SKEW).minus(LIFETIME);
        scdNoa = noa;
      }
      case NOT_YET_VALID -> {
        nb = now.plus(WELL_BEYOND_SKEW);
        noa = nb.plus(NOT_BEFORE_SKEW).plus(LIFETIME);
        scdNoa = noa;
      }
      case SUBJECT_CONFIRMATION_EXPIRED -> scdNoa = now.minus(WELL_BEYOND_SKEW);
      case VALID -> {}
    }
    if (subjectConfirmationNotOnOrAfter != null) {
      scdNoa = subjectConfirmationNotOnOrAfter;
    }

    SigningKey key = unknownKey ? Certificates.attacker() : entra.activeKey();
    String keyInfoCert =
        Certificates.base64(keyInfoCertificate != null ? keyInfoCertificate : key.certificate());
    boolean signAssertions = signing == Signing.ASSERTION || signing == Signing.BOTH;
    boolean signTheResponse = signing == Signing.RESPONSE || signing == Signing.BOTH;

    String responseId = newId();
    Tags t = new Tags();
    t.start("samlp:Response")
        .attr("ID", responseId)
        .attr("Version", "2.0")
        .attr("IssueInstant", SamlTime.format(now))
        .attr("Destination", dest)
        .attr("InResponseTo", irt)
        .attr("xmlns:samlp", PROTOCOL_NS);
    t.start("Issuer")
        .attr("xmlns", ASSERTION_NS)
        .text(wrongResponseIssuer ? WRONG_ISSUER : entra.entityId())
        .end("Issuer");
    if (signTheResponse) {
      t.raw(EnvelopedSigner.skeleton(responseId, algorithm, keyInfoCert));
    }
    List<String> assertionIds = new ArrayList<>();
    if (error) {
      writeErrorStatus(t, now);
    } else {
      t.start("samlp:Status")
          .start("samlp:StatusCode")
          .attr("Value", STATUS + "Success")
          .end("samlp:StatusCode")
          .end("samlp:Status");
      int count = twoAssertions ? 2 : 1;
      for (int i = 0; i < count; i++) {
        String assertionId = newId();
        assertionIds.add(assertionId);
        writeAssertion(
            t, assertionId, now, nb, noa, scdNoa, recip, aud, irt, signAssertions, keyInfoCert);
      }
    }
    t.end("samlp:Response");

    String unsigned = t.toString();
    for (UnaryOperator<String> edit : unsignedEdits) {
      unsigned = Objects.requireNonNull(edit.apply(unsigned), "beforeSigning edit returned null");
    }
    Document doc = Xml.parseKeepingOrder(unsigned);
    Element response = doc.getDocumentElement();
    if (signAssertions && !error) {
      for (Element assertion : Xml.children(response, ASSERTION_NS, "Assertion")) {
        EnvelopedSigner.sign(assertion, algorithm, key.privateKey());
      }
    }
    if (encryptTo != null && !error) {
      for (Element assertion : Xml.children(response, ASSERTION_NS, "Assertion")) {
        AssertionEncryptor.encrypt(assertion, encryptTo, !encryptWithCbc);
      }
    }
    if (signTheResponse) {
      EnvelopedSigner.sign(response, algorithm, key.privateKey());
    }
    if (tamperedNameId != null && !error) {
      for (Element nameIdElement : Xml.descendants(doc, ASSERTION_NS, "NameID")) {
        String old = nameIdElement.getTextContent();
        String replacement = tamperedNameId;
        if (replacement.isEmpty()) {
          int at = old.indexOf('@');
          replacement = "admin" + (at >= 0 ? old.substring(at) : "@contoso.com");
          if (replacement.equals(old)) {
            replacement = "administrator" + old.substring(at);
          }
        }
        nameIdElement.setTextContent(replacement);
      }
    }
    for (Consumer<Document> edit : domEdits) {
      edit.accept(doc);
    }
    String xml = Xml.serialize(doc, Xml.Style.COMPACT);
    for (UnaryOperator<String> edit : textEdits) {
      xml = Objects.requireNonNull(edit.apply(xml), "afterSigning edit returned null");
    }
    return xml;
  }

  private void writeErrorStatus(Tags t, Instant now) {
    t.start("samlp:Status").start("samlp:StatusCode").attr("Value", errorStatus[0]);
    if (errorStatus[1] != null) {
      t.start("samlp:StatusCode").attr("Value", errorStatus[1]).end("samlp:StatusCode");
    }
    t.end("samlp:StatusCode");
    String prefix = errorStatus[2] != null ? errorStatus[2] + ": " : "";
    String message =
        prefix
            + errorStatus[3]
            + "\r\nTrace ID: "
            + UUID.randomUUID()
            + "\r\nCorrelation ID: "
            + UUID.randomUUID()
            + "\r\nTimestamp: "
            + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
                .withZone(ZoneOffset.UTC)
                .format(now);
    t.element("samlp:StatusMessage", message).end("samlp:Status");
  }

  private void writeAssertion(
      Tags t,
      String id,
      Instant now,
      Instant nb,
      Instant noa,
      Instant scdNoa,
      String recip,
      String aud,
      String irt,
      boolean signed,
      String keyInfoCert) {
    String issuer = wrongIssuer ? WRONG_ISSUER : entra.entityId();
    t.start("Assertion")
        .attr("ID", id)
        .attr("IssueInstant", SamlTime.format(now))
        .attr("Version", "2.0")
        .attr("xmlns", ASSERTION_NS);
    t.element("Issuer", issuer);
    if (signed) {
      t.raw(EnvelopedSigner.skeleton(id, algorithm, keyInfoCert));
    }
    t.start("Subject")
        .start("NameID")
        .attr("Format", nameIdFormat)
        .text(nameId != null ? nameId : user.nameId())
        .end("NameID");
    t.start("SubjectConfirmation").attr("Method", "urn:oasis:names:tc:SAML:2.0:cm:bearer");
    t.start("SubjectConfirmationData")
        .attr("InResponseTo", irt)
        .attr("NotOnOrAfter", SamlTime.format(scdNoa))
        .attr("Recipient", recip)
        .end("SubjectConfirmationData");
    t.end("SubjectConfirmation").end("Subject");
    t.start("Conditions")
        .attr("NotBefore", SamlTime.format(nb))
        .attr("NotOnOrAfter", SamlTime.format(noa));
    t.start("AudienceRestriction").element("Audience", aud).end("AudienceRestriction");
    t.end("Conditions");
    Map<String, List<String>> attributes = attributes();
    if (!attributes.isEmpty()) {
      t.start("AttributeStatement");
      attributes.forEach(
          (name, values) -> {
            t.start("Attribute").attr("Name", name);
            for (String v : values) {
              t.element("AttributeValue", v);
            }
            t.end("Attribute");
          });
      t.end("AttributeStatement");
    }
    Instant authn = authnInstant != null ? authnInstant : now.minusSeconds(2);
    t.start("AuthnStatement")
        .attr("AuthnInstant", SamlTime.format(authn))
        .attr("SessionIndex", id)
        .attr(
            "SessionNotOnOrAfter",
            sessionNotOnOrAfter == null ? null : SamlTime.format(sessionNotOnOrAfter));
    t.start("AuthnContext").element("AuthnContextClassRef", PASSWORD_CLASS).end("AuthnContext");
    t.end("AuthnStatement");
    t.end("Assertion");
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

  private static String newId() {
    return "_" + UUID.randomUUID();
  }
}
