package io.cloudsign.saml.testkit;

import static io.cloudsign.saml.testkit.Slot.ASSERTION_ISSUER;
import static io.cloudsign.saml.testkit.Slot.AUDIENCE;
import static io.cloudsign.saml.testkit.Slot.CONDITIONS;
import static io.cloudsign.saml.testkit.Slot.CONFIRMATION_IN_RESPONSE_TO;
import static io.cloudsign.saml.testkit.Slot.CONFIRMATION_METHOD;
import static io.cloudsign.saml.testkit.Slot.CONFIRMATION_NOT_ON_OR_AFTER;
import static io.cloudsign.saml.testkit.Slot.DESTINATION;
import static io.cloudsign.saml.testkit.Slot.DOCTYPE;
import static io.cloudsign.saml.testkit.Slot.ENCRYPTION;
import static io.cloudsign.saml.testkit.Slot.KEY_INFO;
import static io.cloudsign.saml.testkit.Slot.NAME_ID;
import static io.cloudsign.saml.testkit.Slot.NOT_BEFORE;
import static io.cloudsign.saml.testkit.Slot.NOT_ON_OR_AFTER;
import static io.cloudsign.saml.testkit.Slot.PLACEMENT;
import static io.cloudsign.saml.testkit.Slot.RECIPIENT;
import static io.cloudsign.saml.testkit.Slot.RESPONSE_ISSUER;
import static io.cloudsign.saml.testkit.Slot.SIGNED_ELEMENTS;
import static io.cloudsign.saml.testkit.Slot.SIGNED_INFO;
import static io.cloudsign.saml.testkit.Slot.SIGNER;

import io.cloudsign.saml.testkit.internal.AssertionEncryptor;
import io.cloudsign.saml.testkit.internal.AttackerKeys;
import io.cloudsign.saml.testkit.internal.Attacks;
import io.cloudsign.saml.testkit.internal.Certificates;
import io.cloudsign.saml.testkit.internal.Doctypes;
import io.cloudsign.saml.testkit.internal.EncryptionSurgery;
import io.cloudsign.saml.testkit.internal.SignatureSurgery;
import io.cloudsign.saml.testkit.internal.Wrapping;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.w3c.dom.Document;

/**
 * One hostile change to an otherwise genuine Entra Response, as a value (the way OkHttp's
 * MockWebServer models a misbehaving server as one {@code SocketPolicy}): apply it with {@link
 * ResponseBuilder#with}. Without attacks the builder makes the genuine Entra shape; each attack
 * changes exactly what its factory says and keeps the rest genuine, so a test of an SP can assert
 * the one error it expects. Each factory also says what a correct SP does with the result; the
 * error codes named are cloudsign-saml-core's ({@code ErrorCode} ids), other SPs have their own
 * names for the same rules. A few attacks make shapes a correct SP must still accept (for example
 * {@link #withoutKeyInfo()}): they prove that the SP does not reject too much.
 *
 * <p><b>Order.</b> An attack acts in one or more {@link Stage}s, and a build runs the stages in a
 * fixed order: {@link Stage#CONTENT} (values the fake writes), {@link Stage#UNSIGNED_XML} (the
 * unsigned XML text), signing and encryption, {@link Stage#SIGNED_DOCUMENT} (the signed document),
 * {@link Stage#FINAL_XML} (the final text). Within one stage, attacks run in the order they were
 * given to {@code with}. So {@code with(a, b)} and {@code with(b, a)} give the same Response unless
 * {@code a} and {@code b} act in the same stage; nothing depends on where a factory or enum
 * constant is declared. The builder's own settings are the genuine values attacks start from:
 * {@code audience(x)} with {@link #wrongAudience()} still writes {@link #WRONG_AUDIENCE}.
 *
 * <p><b>Conflicts.</b> Attacks that take over the same part of the Response (say {@link #expired()}
 * and {@link #notYetValid()}, both the validity window; {@link #wrongAudience()} and {@link
 * #withoutAudience()}) cannot be combined: {@code with} throws {@link IllegalArgumentException}
 * naming both and the part. An attack that needs something the builder's settings do not give (a
 * Response signature for {@link Xsw#XSW1}, a plain Assertion for {@link #tamperedAfterSigning()})
 * makes {@link ResponseBuilder#build()} throw {@link IllegalStateException} naming the attack.
 *
 * <p><b>Escape hatch.</b> For a change no factory covers, {@link #beforeSigning} and {@link
 * #afterSigning} make an attack from a function over the XML text; prefer adding a named factory.
 *
 * <p>Immutable and thread-safe (an attack made from a function is as thread-safe as the function);
 * equal when made by the same factory with equal arguments. This file is long on purpose: it is the
 * catalogue, one documented factory per attack, so a test author finds every attack in one place;
 * the DOM surgery lives in the internal package.
 *
 * <p><b>Security guarantees.</b> Attacks never open a connection: URLs given to them (canaries) are
 * only written into the document. Attacker keys are generated apart from every fake's keys; an
 * attack signs with the fake's own key only where its factory says so ("re-signed"), to model a
 * signature the IdP really made.
 *
 * <pre>{@code
 * String forged = entra.respondTo(req).with(Attack.wrongAudience()).build();
 * String wrapped =
 *     entra
 *         .respondTo(req)
 *         .signResponse()
 *         .with(Attack.xsw(Attack.Xsw.XSW1, "admin@contoso.com"))
 *         .build();
 * String twoChanges =
 *     entra.respondTo(req).with(Attack.expired(), Attack.withoutKeyInfo()).build();
 * }</pre>
 */
public final class Attack {
  /** The Audience {@link #wrongAudience()} writes: another application's Identifier. */
  public static final String WRONG_AUDIENCE = "https://another-app.example.com/saml2/metadata";

  /** The URL {@link #wrongDestination()} and {@link #wrongRecipient()} write. */
  public static final String WRONG_URL = "https://another-app.example.com/saml2/idpresponse";

  /** The tenant of {@link #WRONG_ISSUER}. */
  public static final String OTHER_TENANT_ID = "3f1d2e4c-5b6a-4798-8c9d-0e1f2a3b4c5d";

  /** The Issuer {@link #wrongIssuer()} and {@link #wrongResponseIssuer()} write. */
  public static final String WRONG_ISSUER = "https://sts.windows.net/" + OTHER_TENANT_ID + "/";

  /** Beyond any clock skew an SP may allow (its hard cap is about 10 minutes). */
  private static final Duration WELL_BEYOND_SKEW = Duration.ofMinutes(15);

  /** When, during a build, an attack touches the Response; stages run in declaration order. */
  public enum Stage {
    /**
     * A value the fake writes (Audience, Destination, Issuer, validity window, signing key, which
     * elements are signed): the signatures cover the change.
     */
    CONTENT,
    /** The unsigned XML text: the signatures, made next, cover the change. */
    UNSIGNED_XML,
    /**
     * The signed (and, if chosen, encrypted) document: a signature over a changed element no longer
     * verifies unless the attack re-signs it.
     */
    SIGNED_DOCUMENT,
    /** The final XML text, after every other stage: DOCTYPEs, junk around the root. */
    FINAL_XML
  }

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

  /** Transforms an SP must not run (see {@link #extraTransform}). */
  public enum Transform {
    /** A stylesheet that fetches a URL with {@code document()}. */
    XSLT,
    XPATH,
    /** Subtracts the NameID from the digest, then changes the NameID to {@code admin@…}. */
    XPATH_FILTER2,
    BASE64
  }

  /** Encryption algorithms an SP must refuse (see {@link #disallowedEncryption}). */
  public enum DisallowedEncryption {
    /** Content encrypted with {@code xmlenc#tripledes-cbc}. */
    TRIPLEDES_CBC,
    /** Key transport {@code xmlenc#rsa-1_5} (PKCS#1 v1.5: Bleichenbacher's oracle). */
    RSA_1_5
  }

  /** Where {@link #genuineAssertionIn} and {@link #extraAssertionIn} put an Assertion. */
  public enum Container {
    /** An Advice of the Assertion that stays in place. */
    ADVICE,
    /** The Response's {@code samlp:Extensions}. */
    EXTENSIONS,
    /** A {@code samlp:StatusDetail} of the Response's Status. */
    STATUS_DETAIL
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

  private final String name;
  private final List<Object> arguments;
  private final Set<Slot> slots;
  private final boolean editsPlainAssertion;

  /** One edit per stage: a Consumer, UnaryOperator or BiConsumer as {@link #on} typed it. */
  private final Map<Stage, Object> edits;

  private Attack(
      String name,
      List<Object> arguments,
      Set<Slot> slots,
      boolean editsPlainAssertion,
      Map<Stage, Object> edits) {
    this.name = name;
    this.arguments = arguments;
    this.slots = slots;
    this.editsPlainAssertion = editsPlainAssertion;
    this.edits = edits;
  }

  // ================================================================ addressing

  /** The Audience is {@link #WRONG_AUDIENCE}; still signed. Expect {@code invalid_audience}. */
  public static Attack wrongAudience() {
    return named("wrongAudience").takes(AUDIENCE).onContent(d -> d.audience = WRONG_AUDIENCE);
  }

  /** The AudienceRestriction has no Audience; still signed. Expect {@code invalid_audience}. */
  public static Attack withoutAudience() {
    return named("withoutAudience")
        .takes(AUDIENCE)
        .onUnsignedXml(x -> x.replaceAll("<Audience>[^<]*</Audience>", ""));
  }

  /**
   * The Response's Destination is {@link #WRONG_URL}; Recipient unchanged. Expect {@code
   * invalid_destination}.
   */
  public static Attack wrongDestination() {
    return named("wrongDestination").takes(DESTINATION).onContent(d -> d.destination = WRONG_URL);
  }

  /** The Response has no Destination. Expect {@code invalid_destination}. */
  public static Attack withoutDestination() {
    return named("withoutDestination")
        .takes(DESTINATION)
        .onUnsignedXml(x -> x.replaceFirst(" Destination=\"[^\"]*\"", ""));
  }

  /**
   * SubjectConfirmationData's Recipient is {@link #WRONG_URL}; Destination unchanged; still signed.
   * Expect {@code invalid_subject_confirmation}.
   */
  public static Attack wrongRecipient() {
    return named("wrongRecipient").takes(RECIPIENT).onContent(d -> d.recipient = WRONG_URL);
  }

  /** SubjectConfirmationData has no Recipient. Expect {@code invalid_subject_confirmation}. */
  public static Attack withoutRecipient() {
    return named("withoutRecipient").takes(RECIPIENT).onUnsignedXml(Attack::removeRecipient);
  }

  // ================================================================ issuers

  /**
   * The Assertion's Issuer is {@link #WRONG_ISSUER} (another tenant); the Response's stays genuine;
   * still signed with this fake's key. Expect {@code invalid_issuer}.
   */
  public static Attack wrongIssuer() {
    return named("wrongIssuer")
        .takes(ASSERTION_ISSUER)
        .onContent(d -> d.assertionIssuer = WRONG_ISSUER);
  }

  /**
   * The Assertion's Issuer is {@code issuer} (a near miss of Entra's, say); still signed. Expect
   * {@code invalid_issuer} unless it equals the IdP's entity ID.
   */
  public static Attack assertionIssuer(String issuer) {
    Objects.requireNonNull(issuer, "issuer");
    return named("assertionIssuer", issuer)
        .takes(ASSERTION_ISSUER)
        .onContent(d -> d.assertionIssuer = issuer);
  }

  /** The Assertion has no Issuer; still signed. Expect {@code invalid_issuer}. */
  public static Attack withoutAssertionIssuer() {
    return named("withoutAssertionIssuer")
        .takes(ASSERTION_ISSUER)
        .onUnsignedXml(x -> x.replaceAll("<Issuer>[^<]*</Issuer>", ""));
  }

  /** Only the Response's Issuer is {@link #WRONG_ISSUER}. Expect {@code invalid_issuer}. */
  public static Attack wrongResponseIssuer() {
    return named("wrongResponseIssuer")
        .takes(RESPONSE_ISSUER)
        .onContent(d -> d.responseIssuer = WRONG_ISSUER);
  }

  /**
   * The Response's Issuer is {@code issuer}. Expect {@code invalid_issuer} unless it equals the
   * IdP's entity ID.
   */
  public static Attack responseIssuer(String issuer) {
    Objects.requireNonNull(issuer, "issuer");
    return named("responseIssuer", issuer)
        .takes(RESPONSE_ISSUER)
        .onContent(d -> d.responseIssuer = issuer);
  }

  /** The Response has no Issuer. It is optional in SAML: a correct SP accepts the Response. */
  public static Attack withoutResponseIssuer() {
    return named("withoutResponseIssuer")
        .takes(RESPONSE_ISSUER)
        .onUnsignedXml(x -> x.replaceFirst("<Issuer xmlns=\"[^\"]*\">[^<]*</Issuer>", ""));
  }

  // ================================================================ time

  /**
   * Conditions and SubjectConfirmationData NotOnOrAfter lie 15 min before the issue instant (beyond
   * any allowed skew), NotBefore 65 min before that; IssueInstant stays, so only the validity
   * window is wrong; still signed. Expect {@code expired}.
   */
  public static Attack expired() {
    return named("expired")
        .takes(NOT_BEFORE, NOT_ON_OR_AFTER, CONFIRMATION_NOT_ON_OR_AFTER)
        .onContent(
            d -> {
              d.notOnOrAfter = d.issueInstant.minus(WELL_BEYOND_SKEW);
              d.notBefore = d.notOnOrAfter.minus(Draft.NOT_BEFORE_SKEW).minus(Draft.LIFETIME);
              d.confirmationNotOnOrAfter = d.notOnOrAfter;
            });
  }

  /**
   * Conditions NotBefore lies 15 min after the issue instant (beyond any allowed skew),
   * NotOnOrAfter (and SubjectConfirmationData's) 65 min after that; still signed. Expect {@code
   * not_yet_valid}.
   */
  public static Attack notYetValid() {
    return named("notYetValid")
        .takes(NOT_BEFORE, NOT_ON_OR_AFTER, CONFIRMATION_NOT_ON_OR_AFTER)
        .onContent(
            d -> {
              d.notBefore = d.issueInstant.plus(WELL_BEYOND_SKEW);
              d.notOnOrAfter = d.notBefore.plus(Draft.NOT_BEFORE_SKEW).plus(Draft.LIFETIME);
              d.confirmationNotOnOrAfter = d.notOnOrAfter;
            });
  }

  /**
   * Only SubjectConfirmationData's NotOnOrAfter lies 15 min before the issue instant; still signed.
   * Expect {@code invalid_subject_confirmation}.
   */
  public static Attack subjectConfirmationExpired() {
    return named("subjectConfirmationExpired")
        .takes(CONFIRMATION_NOT_ON_OR_AFTER)
        .onContent(d -> d.confirmationNotOnOrAfter = d.issueInstant.minus(WELL_BEYOND_SKEW));
  }

  /**
   * Conditions NotBefore is {@code instant} instead of issue − 5 min (for clock-skew tests); still
   * signed. Expect {@code not_yet_valid} once it lies beyond the SP's skew in the future.
   */
  public static Attack notBefore(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    return named("notBefore", instant).takes(NOT_BEFORE).onContent(d -> d.notBefore = instant);
  }

  /**
   * Conditions NotOnOrAfter is {@code instant} instead of issue + 60 min, and so is
   * SubjectConfirmationData's unless {@link #subjectConfirmationNotOnOrAfter} sets it; still
   * signed. Expect {@code expired} once it lies beyond the SP's skew in the past.
   */
  public static Attack notOnOrAfter(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    return named("notOnOrAfter", instant)
        .takes(NOT_ON_OR_AFTER)
        .onContent(d -> d.notOnOrAfter = instant);
  }

  /**
   * Only SubjectConfirmationData's NotOnOrAfter is {@code instant}; still signed. Expect {@code
   * invalid_subject_confirmation} once it lies beyond the SP's skew in the past.
   */
  public static Attack subjectConfirmationNotOnOrAfter(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    return named("subjectConfirmationNotOnOrAfter", instant)
        .takes(CONFIRMATION_NOT_ON_OR_AFTER)
        .onContent(d -> d.confirmationNotOnOrAfter = instant);
  }

  // ================================================================ structure (still signed)

  /** The Subject carries no NameID; still signed. Expect {@code missing_name_id}. */
  public static Attack withoutNameId() {
    return named("withoutNameId")
        .takes(NAME_ID)
        .onUnsignedXml(x -> x.replaceAll("<NameID[^>]*>[^<]*</NameID>", ""));
  }

  /** The Assertion has no AuthnStatement; still signed. Expect {@code missing_authn_statement}. */
  public static Attack withoutAuthnStatement() {
    return named("withoutAuthnStatement")
        .onUnsignedXml(x -> x.replaceAll("<AuthnStatement[\\s>].*?</AuthnStatement>", ""));
  }

  /**
   * The Assertion has no Conditions (so no AudienceRestriction); still signed. Expect {@code
   * invalid_audience}.
   */
  public static Attack withoutConditions() {
    return named("withoutConditions")
        .takes(CONDITIONS, NOT_BEFORE, NOT_ON_OR_AFTER, AUDIENCE)
        .onUnsignedXml(x -> x.replaceAll("<Conditions[\\s>].*?</Conditions>", ""));
  }

  /** Conditions has no NotOnOrAfter; still signed. Expect {@code expired}. */
  public static Attack withoutConditionsNotOnOrAfter() {
    return named("withoutConditionsNotOnOrAfter")
        .takes(NOT_ON_OR_AFTER)
        .onUnsignedXml(x -> x.replaceFirst("(<Conditions[^>]*?) NotOnOrAfter=\"[^\"]*\"", "$1"));
  }

  /**
   * Conditions carries a {@code Condition} of a type no SP understands; still signed. Expect {@code
   * unsupported_condition}.
   */
  public static Attack unknownCondition() {
    return named("unknownCondition")
        .takes(CONDITIONS)
        .onUnsignedXml(
            x ->
                x.replace(
                    "</Conditions>",
                    "<Condition xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                        + " xmlns:ext=\"urn:example:conditions\" xsi:type=\"ext:MustUnderstand\"/>"
                        + "</Conditions>"));
  }

  /**
   * The SubjectConfirmation Method is {@code method} instead of bearer; still signed. Expect {@code
   * invalid_subject_confirmation}.
   */
  public static Attack subjectConfirmationMethod(String method) {
    Objects.requireNonNull(method, "method");
    return named("subjectConfirmationMethod", method)
        .takes(CONFIRMATION_METHOD)
        .onUnsignedXml(
            x ->
                x.replace(
                    "Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"",
                    "Method=\"" + method + "\""));
  }

  /**
   * SubjectConfirmationData's InResponseTo is {@code requestId}, the Response's stays; still
   * signed. Expect {@code invalid_subject_confirmation}.
   */
  public static Attack subjectConfirmationInResponseTo(String requestId) {
    Objects.requireNonNull(requestId, "requestId");
    return named("subjectConfirmationInResponseTo", requestId)
        .takes(CONFIRMATION_IN_RESPONSE_TO)
        .onUnsignedXml(
            x ->
                x.replaceFirst(
                    "(<SubjectConfirmationData[^>]*?InResponseTo=\")[^\"]*\"",
                    "$1" + requestId.replace("$", "\\$") + "\""));
  }

  /**
   * SubjectConfirmationData has no NotOnOrAfter; still signed. Expect {@code
   * invalid_subject_confirmation}.
   */
  public static Attack withoutSubjectConfirmationNotOnOrAfter() {
    return named("withoutSubjectConfirmationNotOnOrAfter")
        .takes(CONFIRMATION_NOT_ON_OR_AFTER)
        .onUnsignedXml(
            x -> x.replaceFirst("(<SubjectConfirmationData[^>]*?) NotOnOrAfter=\"[^\"]*\"", "$1"));
  }

  /**
   * Two Assertions (same user, different IDs), each genuinely signed if assertions are. Expect
   * {@code invalid_assertion_count}.
   */
  public static Attack twoAssertions() {
    return named("twoAssertions").onContent(d -> d.assertionCount = 2);
  }

  // ================================================================ signatures and keys

  /** No signature anywhere, whatever the signing mode. Expect {@code missing_signature}. */
  public static Attack unsigned() {
    return named("unsigned").takes(SIGNED_ELEMENTS).onContent(Attack::signNothing);
  }

  /**
   * Signed (in the chosen mode) with an attacker's key whose certificate (same subject as Entra's)
   * is in KeyInfo. Only an SP that trusts KeyInfo accepts it. Expect {@code invalid_signature}.
   */
  public static Attack signedWithUnknownKey() {
    return named("signedWithUnknownKey")
        .takes(SIGNER)
        .onContent(d -> d.signingKey = Certificates.attacker());
  }

  /**
   * After signing, the target signature (the Assertion's, else the Response's) is re-signed with an
   * attacker key whose certificate clones the fake's (same subject, issuer, serial, validity),
   * placed in KeyInfo. Expect {@code invalid_signature}.
   */
  public static Attack signedWithClonedCertificate() {
    return named("signedWithClonedCertificate")
        .takes(SIGNER, KEY_INFO)
        .onSignedDocument(AttackSteps::resignWithClonedCertificate);
  }

  /**
   * After signing, the target signature is re-signed with an attacker key given as RSAKeyValue in
   * KeyInfo (no certificate). Expect {@code invalid_signature}.
   */
  public static Attack signedWithUnknownKeyAsKeyValue() {
    return named("signedWithUnknownKeyAsKeyValue")
        .takes(SIGNER, KEY_INFO)
        .onSignedDocument((doc, d) -> AttackSteps.resignWithKeyValue(doc, Certificates.attacker()));
  }

  /**
   * After signing, the target signature is re-signed with an attacker's RSA-1024 key (its
   * certificate in KeyInfo). Expect {@code invalid_signature}.
   */
  public static Attack signedWithUnknownRsa1024Key() {
    return named("signedWithUnknownRsa1024Key")
        .takes(SIGNER, KEY_INFO)
        .onSignedDocument(
            (doc, d) -> AttackSteps.resignWithCertificate(doc, AttackerKeys.rsaKey(1024)));
  }

  /**
   * Genuine signatures, but {@code certificate} is in KeyInfo instead of the signing one. A correct
   * SP accepts it (it never trusts KeyInfo); one that picks the key from KeyInfo fails to verify.
   */
  public static Attack keyInfoCertificate(X509Certificate certificate) {
    Objects.requireNonNull(certificate, "certificate");
    return named("keyInfoCertificate", certificate)
        .takes(KEY_INFO)
        .onContent(d -> d.keyInfoCertificate = certificate);
  }

  /**
   * The target signature has no KeyInfo (KeyInfo is not signed). A correct SP accepts it: it takes
   * keys from the metadata only.
   */
  public static Attack withoutKeyInfo() {
    return named("withoutKeyInfo")
        .takes(KEY_INFO)
        .onSignedDocument((doc, d) -> SignatureSurgery.removeKeyInfo(Attacks.targetSignature(doc)));
  }

  /**
   * The target signature keeps RSA-SHA256 but its Reference gets a SHA-1 DigestMethod (digest
   * recomputed, re-signed with this fake's key). Expect {@code disallowed_signature_algorithm}.
   */
  public static Attack sha1DigestUnderRsaSha256() {
    return named("sha1DigestUnderRsaSha256")
        .takes(SIGNED_INFO)
        .onSignedDocument(
            (doc, d) ->
                SignatureSurgery.sha1Digest(Attacks.targetSignature(doc), AttackSteps.idpKey(d)));
  }

  /**
   * Algorithm confusion: the target signature becomes an HMAC-SHA256 "signature" keyed with the DER
   * of the fake's public key. Expect {@code disallowed_signature_algorithm}.
   */
  public static Attack hmacKeyedWithPublicKey() {
    return named("hmacKeyedWithPublicKey")
        .takes(SIGNER, SIGNED_INFO)
        .onSignedDocument((doc, d) -> AttackSteps.hmac(doc, d, null));
  }

  /**
   * As {@link #hmacKeyedWithPublicKey()}, with an {@code HMACOutputLength} of {@code outputBits}
   * truncating it (CVE-2009-0217). Expect {@code disallowed_signature_algorithm}.
   */
  public static Attack hmacKeyedWithPublicKey(int outputBits) {
    return named("hmacKeyedWithPublicKey", outputBits)
        .takes(SIGNER, SIGNED_INFO)
        .onSignedDocument((doc, d) -> AttackSteps.hmac(doc, d, outputBits));
  }

  /**
   * Signature exclusion: the target signature is damaged as {@code defect} says. Expect {@code
   * missing_signature} for {@link SignatureDefect#REMOVED}, {@code invalid_signature} for the
   * others.
   */
  public static Attack signatureDefect(SignatureDefect defect) {
    Objects.requireNonNull(defect, "defect");
    return named("signatureDefect", defect)
        .takes(SIGNED_INFO)
        .onSignedDocument(
            (doc, d) -> AttackSteps.signatureDefect(doc, defect, AttackSteps.idpKey(d)));
  }

  /**
   * The target signature's Reference gets exactly these transform algorithm URIs, in this order;
   * the digest is kept and SignedInfo re-signed with this fake's key. The digest stays right for
   * lists that canonicalise like enveloped + exclusive c14n (a repeated exclusive c14n, say), so
   * only the SAML signature profile (SAML Core §5.4: at most the enveloped and one exclusive c14n
   * transform) can stop them. Expect {@code invalid_signature} for a list the profile forbids.
   */
  public static Attack referenceTransforms(String... algorithms) {
    List<String> list = List.of(algorithms);
    return named("referenceTransforms", list.toArray())
        .takes(SIGNED_INFO)
        .onSignedDocument(
            (doc, d) ->
                SignatureSurgery.replaceTransforms(
                    Attacks.targetSignature(doc), list, AttackSteps.idpKey(d)));
  }

  /**
   * A transform beyond enveloped + exc-c14n is added first to the target signature's Reference and
   * SignedInfo re-signed with this fake's key (the worst case: a signature the IdP made). {@code
   * canaryUrl} is what an XSLT stylesheet fetches. Expect {@code invalid_signature}, and no
   * connection to the canary.
   */
  public static Attack extraTransform(Transform transform, String canaryUrl) {
    Objects.requireNonNull(transform, "transform");
    Objects.requireNonNull(canaryUrl, "canaryUrl");
    return named("extraTransform", transform, canaryUrl)
        .takes(SIGNED_INFO)
        .onSignedDocument(
            (doc, d) ->
                AttackSteps.extraTransform(doc, transform, canaryUrl, AttackSteps.idpKey(d)));
  }

  /**
   * After signing, every NameID becomes {@code admin@} its own domain, which breaks the signature
   * over it. Expect {@code invalid_signature}.
   */
  public static Attack tamperedAfterSigning() {
    return tampered("tamperedAfterSigning", "");
  }

  /** After signing, every NameID becomes {@code newNameId}. Expect {@code invalid_signature}. */
  public static Attack tamperedAfterSigning(String newNameId) {
    return tampered("tamperedAfterSigning", Objects.requireNonNull(newNameId, "newNameId"));
  }

  // ================================================================ signature wrapping

  /**
   * XML signature wrapping: {@code variant} as SAML Raider builds it, without changing any content.
   * XSW1–2 need a Response signature ({@link ResponseBuilder#signResponse()}), XSW3–8 an Assertion
   * signature (the default). Expect the first rule the shape meets: {@code duplicate_id} for XSW1,
   * 2, 7 and 8, {@code invalid_assertion_count} for XSW3 and 5, {@code missing_signature} for XSW4,
   * {@code invalid_signature} for XSW6.
   */
  public static Attack xsw(Xsw variant) {
    Objects.requireNonNull(variant, "variant");
    return named("xsw", variant)
        .takes(PLACEMENT)
        .onSignedDocument((doc, d) -> AttackSteps.xsw(doc, variant, null));
  }

  /** As {@link #xsw(Xsw)}, the element the attacker wants read says {@code evilNameId}. */
  public static Attack xsw(Xsw variant, String evilNameId) {
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(evilNameId, "evilNameId");
    return named("xsw", variant, evilNameId)
        .takes(PLACEMENT)
        .onSignedDocument((doc, d) -> AttackSteps.xsw(doc, variant, evilNameId));
  }

  /**
   * The signed Assertion gets a new ID and {@code evilNameId} but keeps the genuine Signature; an
   * unsigned genuine copy (original ID) sits in an element of an unknown namespace at the end of
   * the Response, so the Reference resolves to matching content. Expect {@code invalid_signature}.
   */
  public static Attack xswInUnknownWrapper(String evilNameId) {
    Objects.requireNonNull(evilNameId, "evilNameId");
    return named("xswInUnknownWrapper", evilNameId)
        .takes(PLACEMENT)
        .onSignedDocument((doc, d) -> Wrapping.assertionInUnknownWrapper(doc, evilNameId));
  }

  /**
   * Needs a Response signature. The Response and its Assertion get new IDs and the Assertion {@code
   * evilNameId}, the genuine Response Signature stays; an unsigned genuine copy of the Response
   * (original IDs) sits in an element of an unknown namespace at the end. Expect {@code
   * invalid_signature}.
   */
  public static Attack xswResponseInUnknownWrapper(String evilNameId) {
    Objects.requireNonNull(evilNameId, "evilNameId");
    return named("xswResponseInUnknownWrapper", evilNameId)
        .takes(PLACEMENT)
        .onSignedDocument((doc, d) -> Wrapping.responseInUnknownWrapper(doc, evilNameId));
  }

  /**
   * The Assertion's genuine Signature moves onto the Response (Assertion unsigned). Expect {@code
   * invalid_signature}.
   */
  public static Attack assertionSignatureMovedToResponse() {
    return named("assertionSignatureMovedToResponse")
        .takes(PLACEMENT)
        .onSignedDocument((doc, d) -> Attacks.moveAssertionSignatureToResponse(doc));
  }

  /**
   * Neither Response nor Assertion is signed; the Subject carries an {@code ID} and a genuine
   * signature of this fake's key. Expect {@code missing_signature}.
   */
  public static Attack onlySubjectSigned() {
    return named("onlySubjectSigned")
        .takes(SIGNED_ELEMENTS)
        .onContent(Attack::signNothing)
        .onSignedDocument(AttackSteps::signSubject);
  }

  /**
   * Unsigned Response and Assertion; the fake's genuinely signed federation metadata sits in the
   * Response's {@code samlp:Extensions}. Expect {@code missing_signature}.
   */
  public static Attack signedMetadataInExtensions() {
    return named("signedMetadataInExtensions")
        .takes(SIGNED_ELEMENTS)
        .onContent(Attack::signNothing)
        .onSignedDocument(AttackSteps::signedMetadataInExtensions);
  }

  /**
   * Unsigned Response and Assertion; a LogoutResponse genuinely signed by this fake sits in the
   * Response's {@code samlp:StatusDetail}. Expect {@code missing_signature}.
   */
  public static Attack signedLogoutResponseInStatusDetail() {
    return named("signedLogoutResponseInStatusDetail")
        .takes(SIGNED_ELEMENTS)
        .onContent(Attack::signNothing)
        .onSignedDocument(AttackSteps::signedLogoutResponseInStatusDetail);
  }

  // ================================================================ assertion count and placement

  /**
   * An unsigned Assertion (new ID, NameID {@code nameId}) is placed before the genuine signed one.
   * Expect {@code invalid_assertion_count}.
   */
  public static Attack unsignedAssertionBefore(String nameId) {
    Objects.requireNonNull(nameId, "nameId");
    return named("unsignedAssertionBefore", nameId)
        .onSignedDocument((doc, d) -> AttackSteps.unsignedAssertion(doc, nameId, true));
  }

  /** As {@link #unsignedAssertionBefore}, placed after the genuine one. */
  public static Attack unsignedAssertionAfter(String nameId) {
    Objects.requireNonNull(nameId, "nameId");
    return named("unsignedAssertionAfter", nameId)
        .onSignedDocument((doc, d) -> AttackSteps.unsignedAssertion(doc, nameId, false));
  }

  /**
   * The genuine signed Assertion moves into {@code container}; an unsigned Assertion with {@code
   * evilNameId} takes its place. Expect {@code missing_signature}.
   */
  public static Attack genuineAssertionIn(Container container, String evilNameId) {
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(evilNameId, "evilNameId");
    return named("genuineAssertionIn", container, evilNameId)
        .takes(PLACEMENT)
        .onSignedDocument((doc, d) -> AttackSteps.genuineAssertionIn(doc, container, evilNameId));
  }

  /**
   * An unsigned Assertion with {@code nameId} in {@code container}, next to the genuine signed one.
   * A correct SP ignores it in {@link Container#EXTENSIONS} and {@link Container#STATUS_DETAIL}
   * (and signs in the genuine user); in {@link Container#ADVICE} it breaks the signature over the
   * Assertion: expect {@code invalid_signature}.
   */
  public static Attack extraAssertionIn(Container container, String nameId) {
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(nameId, "nameId");
    return named("extraAssertionIn", container, nameId)
        .onSignedDocument((doc, d) -> AttackSteps.extraAssertionIn(doc, container, nameId));
  }

  /**
   * An EncryptedAssertion (random ciphertext) after the genuine plain Assertion. Expect {@code
   * invalid_assertion_count}.
   */
  public static Attack encryptedAssertionNextToPlain() {
    return named("encryptedAssertionNextToPlain")
        .onSignedDocument(
            (doc, d) ->
                doc.getDocumentElement()
                    .appendChild(
                        Attacks.fragment(doc, Attacks.fakeEncryptedAssertion(Attacks.filler(64)))));
  }

  // ================================================================ token encryption

  /**
   * Needs {@link ResponseBuilder#encryptedAssertion(X509Certificate)}: the Assertion is encrypted
   * to another SP's certificate (a key pair only the fake knows), as when Entra's Token encryption
   * holds another application's certificate. Expect {@code decryption_failed}, the same as every
   * other decryption failure.
   */
  public static Attack encryptedForAnotherSp() {
    return named("encryptedForAnotherSp")
        .takes(ENCRYPTION)
        .onContent(
            d -> {
              d.requireEncryption();
              d.encryptTo = Certificates.unknownRecipient().certificate();
            });
  }

  /**
   * Needs {@link ResponseBuilder#encryptedAssertion(X509Certificate)}: encrypted with an algorithm
   * outside the SP's allowlist (really encrypted with it, to the SP's certificate). Expect {@code
   * decryption_failed}.
   */
  public static Attack disallowedEncryption(DisallowedEncryption algorithm) {
    Objects.requireNonNull(algorithm, "algorithm");
    return named("disallowedEncryption", algorithm)
        .takes(ENCRYPTION)
        .onContent(
            d -> {
              d.requireEncryption();
              switch (algorithm) {
                case TRIPLEDES_CBC ->
                    d.contentEncryption = AssertionEncryptor.Content.TRIPLEDES_CBC;
                case RSA_1_5 -> d.keyTransport = AssertionEncryptor.KeyTransport.RSA_1_5;
              }
            });
  }

  /**
   * Needs {@link ResponseBuilder#encryptedAssertion(X509Certificate)}: neither the Assertion nor
   * the Response is signed, the Assertion is still encrypted to the SP (encryption is no signature:
   * anyone can encrypt to the SP's public certificate). Expect {@code decryption_failed}.
   */
  public static Attack unsignedEncryptedAssertion() {
    return named("unsignedEncryptedAssertion")
        .takes(SIGNED_ELEMENTS, ENCRYPTION)
        .onContent(
            d -> {
              d.requireEncryption();
              signNothing(d);
            });
  }

  /**
   * Needs an EncryptedAssertion: its EncryptedData's CipherValue becomes a {@code
   * xenc:CipherReference} to {@code canaryUrl} (an SP that dereferences it makes a request there:
   * SSRF). Expect {@code decryption_failed}, and no request to the canary.
   */
  public static Attack cipherReference(String canaryUrl) {
    Objects.requireNonNull(canaryUrl, "canaryUrl");
    return named("cipherReference", canaryUrl)
        .takes(ENCRYPTION)
        .onSignedDocument((doc, d) -> EncryptionSurgery.cipherReference(doc, canaryUrl));
  }

  /**
   * Needs an EncryptedAssertion: a {@code ds:RetrievalMethod} to {@code canaryUrl} with a
   * Transform, first in the EncryptedData's KeyInfo (the genuine EncryptedKey stays). Expect {@code
   * decryption_failed}, and no request to the canary.
   */
  public static Attack retrievalMethodWithTransforms(String canaryUrl) {
    Objects.requireNonNull(canaryUrl, "canaryUrl");
    return named("retrievalMethodWithTransforms", canaryUrl)
        .takes(ENCRYPTION)
        .onSignedDocument(
            (doc, d) -> EncryptionSurgery.retrievalMethodWithTransforms(doc, canaryUrl));
  }

  /** Needs an EncryptedAssertion: its EncryptedKey twice. Expect {@code decryption_failed}. */
  public static Attack twoEncryptedKeys() {
    return named("twoEncryptedKeys")
        .takes(ENCRYPTION)
        .onSignedDocument((doc, d) -> EncryptionSurgery.twoEncryptedKeys(doc));
  }

  /**
   * Needs an EncryptedAssertion: its EncryptedKey is replaced by a {@code ds:KeyName} (the content
   * key would have to be known to the SP already). Expect {@code decryption_failed}.
   */
  public static Attack withoutEncryptedKey() {
    return named("withoutEncryptedKey")
        .takes(ENCRYPTION)
        .onSignedDocument((doc, d) -> EncryptionSurgery.withoutEncryptedKey(doc));
  }

  /**
   * Needs an EncryptedAssertion: one bit in the middle of its content ciphertext is flipped (with
   * AES-CBC it garbles one block and flips one bit of the next; with AES-GCM the tag fails). Expect
   * {@code decryption_failed}.
   */
  public static Attack tamperedCiphertext() {
    return named("tamperedCiphertext")
        .takes(ENCRYPTION)
        .onSignedDocument((doc, d) -> EncryptionSurgery.tamperedCiphertext(doc));
  }

  // ================================================================ comment and CDATA splits

  /**
   * Comment injection (the 2018 SAML CVEs, CVE-2017-11427 class): after signing, an empty comment
   * is inserted right after {@code visiblePrefix} in every value at {@code where} that continues
   * after it (at least one must, else the build throws); the signature stays valid (exclusive c14n
   * drops comments). An SP that reads only the first text node sees {@code visiblePrefix}; a
   * correct SP reads the whole signed value (and so rejects an Audience or Issuer that is not
   * exactly its own: {@code invalid_audience}, {@code invalid_issuer}). Injected into the {@link
   * Injected#RECIPIENT} attribute, the markup breaks well-formedness: expect {@code
   * malformed_response}. Use it with {@code nameId("admin@contoso.com.evil.example")} and {@code
   * commentSplit(Injected.NAME_ID, "admin@contoso.com")}.
   */
  public static Attack commentSplit(Injected where, String visiblePrefix) {
    return split("commentSplit", where, visiblePrefix, false);
  }

  /** As {@link #commentSplit}, the rest of the value becomes a CDATA section. */
  public static Attack cdataSplit(Injected where, String visiblePrefix) {
    return split("cdataSplit", where, visiblePrefix, true);
  }

  // ================================================================ DOCTYPE and parser

  /**
   * XXE: a DOCTYPE declares an external entity at {@code url}; the NameID refers to it. Expect
   * {@code malformed_response} and no connection to {@code url}.
   */
  public static Attack externalEntity(String url) {
    Objects.requireNonNull(url, "url");
    return named("externalEntity", url)
        .takes(DOCTYPE, NAME_ID)
        .editsThePlainAssertion()
        .onFinalXml(x -> Doctypes.externalEntity(x, url));
  }

  /**
   * XXE: an external parameter entity at {@code url} is referenced in the DTD. Expect {@code
   * malformed_response} and no connection.
   */
  public static Attack externalParameterEntity(String url) {
    Objects.requireNonNull(url, "url");
    return named("externalParameterEntity", url)
        .takes(DOCTYPE)
        .onFinalXml(x -> Doctypes.externalParameterEntity(x, url));
  }

  /** The DOCTYPE names an external DTD at {@code url}. Expect {@code malformed_response}. */
  public static Attack externalDtd(String url) {
    Objects.requireNonNull(url, "url");
    return named("externalDtd", url).takes(DOCTYPE).onFinalXml(x -> Doctypes.externalDtd(x, url));
  }

  /**
   * Billion laughs: nested entities expanding to 10^9 "lol"s in the NameID. Expect {@code
   * malformed_response} in bounded time and memory.
   */
  public static Attack billionLaughs() {
    return named("billionLaughs")
        .takes(DOCTYPE, NAME_ID)
        .editsThePlainAssertion()
        .onFinalXml(Doctypes::billionLaughs);
  }

  /**
   * An ATTLIST default gives SubjectConfirmationData a Recipient that is not in the signed bytes
   * (the signed one is removed before signing). Expect {@code malformed_response}.
   */
  public static Attack attlistDefault(String recipientUrl) {
    Objects.requireNonNull(recipientUrl, "recipientUrl");
    return named("attlistDefault", recipientUrl)
        .takes(DOCTYPE, RECIPIENT)
        .onUnsignedXml(Attack::removeRecipient)
        .onFinalXml(x -> Doctypes.attlistRecipient(x, recipientUrl));
  }

  /**
   * The Assertion's ID is spelled through an internal entity. Expect {@code malformed_response}.
   */
  public static Attack entityBuiltId() {
    return named("entityBuiltId").takes(DOCTYPE).onFinalXml(Doctypes::entityBuiltId);
  }

  /**
   * XInclude: after signing, the NameID's text becomes an {@code xi:include} of {@code url}. Expect
   * {@code malformed_response} and no connection.
   */
  public static Attack xinclude(String url) {
    Objects.requireNonNull(url, "url");
    return named("xinclude", url)
        .takes(NAME_ID)
        .editsThePlainAssertion()
        .onFinalXml(x -> Doctypes.xinclude(x, url));
  }

  /** Junk text before the root element. Expect {@code malformed_response}. */
  public static Attack junkBeforeRoot() {
    return named("junkBeforeRoot").onFinalXml(x -> "junk" + x);
  }

  /** Junk text after the root element. Expect {@code malformed_response}. */
  public static Attack junkAfterRoot() {
    return named("junkAfterRoot").onFinalXml(x -> x + "junk");
  }

  /**
   * A second root element (a copy of the Response) after the first. Expect {@code
   * malformed_response}.
   */
  public static Attack secondRoot() {
    return named("secondRoot").onFinalXml(x -> x + x);
  }

  // ================================================================ size

  /**
   * The Assertion is replaced by an EncryptedAssertion whose CipherValue has {@code chars}
   * characters. Expect {@code response_too_large} beyond the SP's size limit, else {@code
   * encrypted_assertion_not_supported} from an SP without a decryption key.
   */
  public static Attack oversizedCipherValue(int chars) {
    requirePositive(chars, "chars");
    return named("oversizedCipherValue", chars)
        .takes(PLACEMENT)
        .onSignedDocument((doc, d) -> AttackSteps.oversizedCipherValue(doc, chars));
  }

  /**
   * The target signature's KeyInfo certificate is replaced by {@code chars} base64 characters.
   * Expect {@code response_too_large} beyond the SP's size limit.
   */
  public static Attack oversizedKeyInfoCertificate(int chars) {
    requirePositive(chars, "chars");
    return named("oversizedKeyInfoCertificate", chars)
        .takes(KEY_INFO)
        .onSignedDocument(
            (doc, d) ->
                SignatureSurgery.setKeyInfoCertificates(
                    Attacks.targetSignature(doc), Attacks.filler(chars)));
  }

  /**
   * An element nested {@code depth} deep in the Response's Extensions. Expect {@code
   * response_too_large} beyond the SP's size limit, else {@code malformed_response} from the
   * parser's depth bound.
   */
  public static Attack nestedElements(int depth) {
    requirePositive(depth, "depth");
    return inExtensions("nestedElements", depth, () -> Attacks.nested(depth));
  }

  /**
   * An element with {@code count} attributes in the Response's Extensions. Expect {@code
   * response_too_large} beyond the SP's size limit, else {@code malformed_response}.
   */
  public static Attack manyAttributes(int count) {
    requirePositive(count, "count");
    return inExtensions("manyAttributes", count, () -> Attacks.manyAttributes(count));
  }

  /**
   * {@code chars} characters of text in the Response's Extensions. Expect {@code
   * response_too_large} beyond the SP's size limit.
   */
  public static Attack padding(int chars) {
    requirePositive(chars, "chars");
    return inExtensions(
        "padding",
        chars,
        () -> "<p:Pad xmlns:p=\"urn:attacker:pad\">" + Attacks.filler(chars) + "</p:Pad>");
  }

  // ================================================================ escape hatch

  /**
   * An attack made from a function over the unsigned XML text ({@link Stage#UNSIGNED_XML}): the
   * signatures, made next, cover the change. For structural changes no factory covers yet.
   */
  public static Attack beforeSigning(UnaryOperator<String> xmlEdit) {
    Objects.requireNonNull(xmlEdit, "xmlEdit");
    return named("beforeSigning", xmlEdit).onUnsignedXml(xmlEdit);
  }

  /**
   * An attack made from a function over the final XML text ({@link Stage#FINAL_XML}: after signing
   * and after every other attack). For attacks no factory covers yet.
   */
  public static Attack afterSigning(UnaryOperator<String> xmlEdit) {
    Objects.requireNonNull(xmlEdit, "xmlEdit");
    return named("afterSigning", xmlEdit).onFinalXml(xmlEdit);
  }

  // ================================================================ the value

  /** The stages this attack acts in, in the order a build runs them. */
  public Set<Stage> stages() {
    return Collections.unmodifiableSet(edits.keySet());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Attack other
        && name.equals(other.name)
        && arguments.equals(other.arguments);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + arguments.hashCode();
  }

  /** The factory call that made it, e.g. {@code Attack.xsw(XSW3, "admin@contoso.com")}. */
  @Override
  public String toString() {
    return "Attack."
        + name
        + arguments.stream().map(Attack::describe).collect(Collectors.joining(", ", "(", ")"));
  }

  // ================================================================ used by ResponseBuilder

  Set<Slot> slots() {
    return slots;
  }

  /** Whether it edits the plain Assertion after signing (so encryption would hide its change). */
  boolean editsPlainAssertion() {
    return editsPlainAssertion;
  }

  @SuppressWarnings("unchecked")
  void editContent(Draft draft) {
    Consumer<Draft> edit = (Consumer<Draft>) edits.get(Stage.CONTENT);
    if (edit != null) {
      run(() -> edit.accept(draft));
    }
  }

  String editUnsignedXml(String xml) {
    return editText(Stage.UNSIGNED_XML, xml);
  }

  @SuppressWarnings("unchecked")
  void editSignedDocument(Document doc, Draft draft) {
    BiConsumer<Document, Draft> edit =
        (BiConsumer<Document, Draft>) edits.get(Stage.SIGNED_DOCUMENT);
    if (edit != null) {
      run(() -> edit.accept(doc, draft));
    }
  }

  String editFinalXml(String xml) {
    return editText(Stage.FINAL_XML, xml);
  }

  @SuppressWarnings("unchecked")
  private String editText(Stage stage, String xml) {
    UnaryOperator<String> edit = (UnaryOperator<String>) edits.get(stage);
    if (edit == null) {
      return xml;
    }
    String[] out = new String[1];
    run(() -> out[0] = edit.apply(xml));
    return Objects.requireNonNull(out[0], () -> this + " returned null");
  }

  /** Runs a step; what it refuses is reported with this attack's name. */
  private void run(Runnable step) {
    try {
      step.run();
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new IllegalStateException(this + " cannot be applied: " + e.getMessage(), e);
    }
  }

  // ================================================================ construction

  private static Attack named(String name, Object... arguments) {
    return new Attack(name, List.of(arguments), Set.of(), false, Map.of());
  }

  private Attack takes(Slot first, Slot... more) {
    EnumSet<Slot> all = EnumSet.of(first, more);
    all.addAll(slots);
    return new Attack(name, arguments, Set.copyOf(all), editsPlainAssertion, edits);
  }

  private Attack editsThePlainAssertion() {
    return new Attack(name, arguments, slots, true, edits);
  }

  private Attack on(Stage stage, Object edit) {
    EnumMap<Stage, Object> all = new EnumMap<>(Stage.class);
    all.putAll(edits);
    all.put(stage, edit);
    return new Attack(name, arguments, slots, editsPlainAssertion, all);
  }

  private Attack onContent(Consumer<Draft> edit) {
    return on(Stage.CONTENT, edit);
  }

  private Attack onUnsignedXml(UnaryOperator<String> edit) {
    return on(Stage.UNSIGNED_XML, edit);
  }

  private Attack onSignedDocument(BiConsumer<Document, Draft> edit) {
    return on(Stage.SIGNED_DOCUMENT, edit);
  }

  private Attack onFinalXml(UnaryOperator<String> edit) {
    return on(Stage.FINAL_XML, edit);
  }

  private static Attack tampered(String name, String replacement) {
    List<Object> args = replacement.isEmpty() ? List.of() : List.of(replacement);
    return named(name, args.toArray())
        .takes(NAME_ID)
        .editsThePlainAssertion()
        .onSignedDocument((doc, d) -> Attacks.tamperNameIds(doc, replacement));
  }

  private static Attack split(String name, Injected where, String prefix, boolean cdata) {
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(prefix, "visiblePrefix");
    Attack attack = named(name, where, prefix);
    if (where == Injected.RECIPIENT) {
      return attack.onFinalXml(x -> AttackSteps.splitRecipient(x, prefix, cdata));
    }
    return attack.onSignedDocument((doc, d) -> AttackSteps.split(doc, where, prefix, cdata));
  }

  /** Markup too large or too deep for a DOM: a placeholder after signing, replaced as text. */
  private static Attack inExtensions(String name, int size, Supplier<String> markup) {
    String placeholder = "<x" + Attacks.newId() + "/>";
    return named(name, size)
        .onSignedDocument(
            (doc, d) -> Attacks.addToExtensions(doc, Attacks.fragment(doc, placeholder)))
        .onFinalXml(x -> x.replace(placeholder, markup.get()));
  }

  private static void signNothing(Draft d) {
    d.signAssertion = false;
    d.signResponse = false;
  }

  private static String removeRecipient(String xml) {
    return xml.replaceFirst(" Recipient=\"[^\"]*\"", "");
  }

  private static void requirePositive(int n, String what) {
    if (n <= 0) {
      throw new IllegalArgumentException(what + " must be positive: " + n);
    }
  }

  private static String describe(Object argument) {
    if (argument instanceof String s) {
      return '"' + s + '"';
    }
    if (argument instanceof X509Certificate c) {
      return "X509Certificate(" + c.getSubjectX500Principal().getName() + ")";
    }
    if (argument instanceof UnaryOperator<?>) {
      return "<function>";
    }
    return String.valueOf(argument);
  }
}
