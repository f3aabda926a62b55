package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.Attack.Container;
import io.cloudsign.saml.testkit.Attack.Injected;
import io.cloudsign.saml.testkit.Attack.SignatureDefect;
import io.cloudsign.saml.testkit.Attack.Stage;
import io.cloudsign.saml.testkit.Attack.Transform;
import io.cloudsign.saml.testkit.Attack.Xsw;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * The composition contract of {@link Attack}: with fixed IDs and a fixed clock a Response is
 * byte-for-byte reproducible, so each attack alone is compared with the genuine Response and must
 * change something, and only the parts its factory documents (plus the DigestValue and
 * SignatureValue of a signature over a changed element); attacks compose stage by stage whatever
 * their order; conflicting attacks fail fast.
 */
class AttackContractTest {
  private static final Instant NOW = Instant.parse("2026-03-02T10:15:30.250Z");
  private static final String ACS = "https://sp.example.com/saml2/idpresponse";
  private static final String EVIL = "admin@contoso.com";
  private static final String CANARY = "http://127.0.0.1:9/canary";
  private static final String ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
  private static final String EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
  private static final FakeEntra ENTRA = FakeEntra.builder().clock(TestClock.at(NOW)).build();

  /** A signature's parts that follow the content it covers. */
  private static final String SIGNED =
      "/Signature\\[1]/(SignedInfo\\[1]/Reference\\[1]/DigestValue|SignatureValue)\\[1]"
          + "/text\\(\\)\\[1]";

  private static final String KEY_INFO_CERT =
      "/Signature\\[1]/KeyInfo\\[1]/X509Data\\[1]/X509Certificate\\[1]/text\\(\\)\\[1]";

  private static final String ASSERTION = "^/Response\\[1]/Assertion\\[1]";
  private static final String SUBJECT_CONFIRMATION_DATA =
      ASSERTION + "/Subject\\[1]/SubjectConfirmation\\[1]/SubjectConfirmationData\\[1]";
  private static final String CONDITIONS = ASSERTION + "/Conditions\\[1]";
  private static final String NAME_ID_TEXT =
      ASSERTION + "/Subject\\[1]/NameID\\[1]/(text|comment|#cdata)";

  /** The genuine builder with IDs _1, _2, … so that two builds are byte-identical. */
  private static ResponseBuilder genuine() {
    AtomicInteger next = new AtomicInteger();
    return ENTRA
        .response()
        .inResponseTo("_req-1")
        .destination(ACS)
        .audience("urn:example:sp")
        .ids(() -> "_" + next.incrementAndGet());
  }

  /** One row: an attack on top of {@code base}, and what it may change. */
  record Contract(
      Attack attack,
      UnaryOperator<ResponseBuilder> base,
      List<String> changes,
      UnaryOperator<String> expectedText) {
    @Override
    public String toString() {
      return attack.toString();
    }
  }

  private static Contract dom(Attack attack, String... changes) {
    return new Contract(attack, b -> b, List.of(changes), null);
  }

  private static Contract dom(
      UnaryOperator<ResponseBuilder> base, Attack attack, String... changes) {
    return new Contract(attack, base, List.of(changes), null);
  }

  /** For results that are not well-formed or carry a DOCTYPE: the exact text expected. */
  private static Contract text(Attack attack, UnaryOperator<String> fromGenuine) {
    return new Contract(attack, b -> b, List.of(), fromGenuine);
  }

  static List<Contract> contracts() {
    List<Contract> c = new ArrayList<>();
    addressingAndTime(c);
    structure(c);
    signatures(c);
    wrapping(c);
    placementAndSize(c);
    splitsAndParser(c);
    encryption(c);
    return c;
  }

  private static final java.security.cert.X509Certificate SP_CERT =
      io.cloudsign.saml.testkit.internal.Certificates.generate("CN=sp", NOW).certificate();

  /** Encryption is randomised: only the EncryptedAssertion may differ. */
  private static void encryption(List<Contract> c) {
    UnaryOperator<ResponseBuilder> encrypted = b -> b.encryptedAssertion(SP_CERT);
    String inside = "^/Response\\[1]/EncryptedAssertion\\[1]/";
    c.add(dom(encrypted, Attack.encryptedForAnotherSp(), inside));
    c.add(
        dom(
            encrypted,
            Attack.disallowedEncryption(Attack.DisallowedEncryption.TRIPLEDES_CBC),
            inside));
    c.add(dom(encrypted, Attack.unsignedEncryptedAssertion(), inside));
    c.add(dom(encrypted, Attack.cipherReference(CANARY), inside));
    c.add(dom(encrypted, Attack.retrievalMethodWithTransforms(CANARY), inside));
    c.add(dom(encrypted, Attack.twoEncryptedKeys(), inside));
    c.add(dom(encrypted, Attack.withoutEncryptedKey(), inside));
    c.add(dom(encrypted, Attack.tamperedCiphertext(), inside));
  }

  private static void addressingAndTime(List<Contract> c) {
    c.add(dom(Attack.wrongAudience(), CONDITIONS + "/AudienceRestriction\\[1]/Audience", SIGNED));
    c.add(dom(Attack.withoutAudience(), CONDITIONS + "/AudienceRestriction\\[1]/Audience", SIGNED));
    c.add(dom(Attack.wrongDestination(), "^/Response\\[1]/@Destination$"));
    c.add(dom(Attack.withoutDestination(), "^/Response\\[1]/@Destination$"));
    c.add(dom(Attack.wrongRecipient(), SUBJECT_CONFIRMATION_DATA + "/@Recipient$", SIGNED));
    c.add(dom(Attack.withoutRecipient(), SUBJECT_CONFIRMATION_DATA + "/@Recipient$", SIGNED));
    c.add(dom(Attack.wrongIssuer(), ASSERTION + "/Issuer\\[1]", SIGNED));
    c.add(
        dom(
            Attack.assertionIssuer("https://sts.windows.net/x/"),
            ASSERTION + "/Issuer\\[1]",
            SIGNED));
    c.add(dom(Attack.withoutAssertionIssuer(), ASSERTION + "/Issuer\\[1]", SIGNED));
    c.add(dom(Attack.wrongResponseIssuer(), "^/Response\\[1]/Issuer\\[1]"));
    c.add(dom(Attack.responseIssuer("https://sts.windows.net/x/"), "^/Response\\[1]/Issuer\\[1]"));
    c.add(dom(Attack.withoutResponseIssuer(), "^/Response\\[1]/Issuer\\[1]"));
    String window =
        "("
            + CONDITIONS
            + "/@NotBefore|"
            + CONDITIONS
            + "/@NotOnOrAfter|"
            + SUBJECT_CONFIRMATION_DATA
            + "/@NotOnOrAfter)$";
    c.add(dom(Attack.expired(), window, SIGNED));
    c.add(dom(Attack.notYetValid(), window, SIGNED));
    c.add(
        dom(
            Attack.subjectConfirmationExpired(),
            SUBJECT_CONFIRMATION_DATA + "/@NotOnOrAfter$",
            SIGNED));
    c.add(dom(Attack.notBefore(NOW.plusSeconds(60)), CONDITIONS + "/@NotBefore$", SIGNED));
    String validUntil = "(" + CONDITIONS + "|" + SUBJECT_CONFIRMATION_DATA + ")/@NotOnOrAfter$";
    c.add(dom(Attack.notOnOrAfter(NOW.plusSeconds(60)), validUntil, SIGNED));
    c.add(
        dom(
            Attack.subjectConfirmationNotOnOrAfter(NOW.plusSeconds(60)),
            SUBJECT_CONFIRMATION_DATA + "/@NotOnOrAfter$",
            SIGNED));
  }

  private static void structure(List<Contract> c) {
    c.add(dom(Attack.withoutNameId(), ASSERTION + "/Subject\\[1]/NameID\\[1]", SIGNED));
    c.add(dom(Attack.withoutAuthnStatement(), ASSERTION + "/AuthnStatement\\[1]", SIGNED));
    c.add(dom(Attack.withoutConditions(), CONDITIONS, SIGNED));
    c.add(dom(Attack.withoutConditionsNotOnOrAfter(), CONDITIONS + "/@NotOnOrAfter$", SIGNED));
    c.add(dom(Attack.unknownCondition(), CONDITIONS + "/Condition\\[1]", SIGNED));
    c.add(
        dom(
            Attack.subjectConfirmationMethod("urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"),
            ASSERTION + "/Subject\\[1]/SubjectConfirmation\\[1]/@Method$",
            SIGNED));
    c.add(
        dom(
            Attack.subjectConfirmationInResponseTo("_other"),
            SUBJECT_CONFIRMATION_DATA + "/@InResponseTo$",
            SIGNED));
    c.add(
        dom(
            Attack.withoutSubjectConfirmationNotOnOrAfter(),
            SUBJECT_CONFIRMATION_DATA + "/@NotOnOrAfter$",
            SIGNED));
    c.add(dom(Attack.twoAssertions(), "^/Response\\[1]/Assertion\\[2]"));
    c.add(
        dom(
            Attack.beforeSigning(x -> x.replace("B. Simon", "Bee Simon")),
            "/AttributeValue\\[1]/text\\(\\)\\[1]$",
            SIGNED));
    c.add(
        dom(
            Attack.afterSigning(x -> x.replace("B. Simon", "Bee Simon")),
            "/AttributeValue\\[1]/text\\(\\)\\[1]$"));
  }

  private static void signatures(List<Contract> c) {
    String signature = ASSERTION + "/Signature\\[1]";
    c.add(dom(Attack.unsigned(), signature));
    c.add(dom(Attack.signedWithUnknownKey(), SIGNED, KEY_INFO_CERT));
    c.add(dom(Attack.signedWithClonedCertificate(), SIGNED, KEY_INFO_CERT));
    c.add(dom(Attack.signedWithUnknownKeyAsKeyValue(), SIGNED, signature + "/KeyInfo\\[1]"));
    c.add(dom(Attack.signedWithUnknownRsa1024Key(), SIGNED, KEY_INFO_CERT));
    c.add(dom(Attack.keyInfoCertificate(FakeEntra.create().signingCertificate()), KEY_INFO_CERT));
    c.add(dom(Attack.withoutKeyInfo(), signature + "/KeyInfo\\[1]"));
    c.add(dom(Attack.oversizedKeyInfoCertificate(100), KEY_INFO_CERT));
    String signedInfo = signature + "/SignedInfo\\[1]";
    c.add(
        dom(
            Attack.sha1DigestUnderRsaSha256(),
            signedInfo + "/Reference\\[1]/DigestMethod\\[1]/@Algorithm$",
            SIGNED));
    c.add(dom(Attack.hmacKeyedWithPublicKey(), signedInfo + "/SignatureMethod\\[1]", SIGNED));
    c.add(dom(Attack.hmacKeyedWithPublicKey(128), signedInfo + "/SignatureMethod\\[1]", SIGNED));
    for (SignatureDefect d : SignatureDefect.values()) {
      c.add(
          d == SignatureDefect.COMMENT_IN_DIGEST_VALUE
              ? dom(Attack.signatureDefect(d), signature, NAME_ID_TEXT)
              : dom(Attack.signatureDefect(d), signature));
    }
    c.add(
        dom(
            Attack.referenceTransforms(ENVELOPED, EXC_C14N, EXC_C14N),
            signedInfo + "/Reference\\[1]/Transforms\\[1]",
            SIGNED));
    for (Transform t : Transform.values()) {
      c.add(
          dom(
              Attack.extraTransform(t, CANARY),
              signedInfo + "/Reference\\[1]/(Transforms|DigestValue)\\[1]",
              SIGNED,
              NAME_ID_TEXT));
    }
    c.add(dom(Attack.tamperedAfterSigning(), NAME_ID_TEXT));
    c.add(dom(Attack.tamperedAfterSigning("mallory@contoso.com"), NAME_ID_TEXT));
  }

  private static void wrapping(List<Contract> c) {
    String wrapped =
        "^/Response\\[1]/(@ID$|Signature\\[1]|Response\\[1]|Assertion\\[\\d]|Extensions\\[1])";
    for (Xsw x : Xsw.values()) {
      UnaryOperator<ResponseBuilder> base =
          x == Xsw.XSW1 || x == Xsw.XSW2 ? ResponseBuilder::signResponse : b -> b;
      c.add(dom(base, Attack.xsw(x), wrapped));
      c.add(dom(base, Attack.xsw(x, EVIL), wrapped));
    }
    c.add(
        dom(
            Attack.xswInUnknownWrapper(EVIL),
            ASSERTION + "/@ID$",
            NAME_ID_TEXT,
            "^/Response\\[1]/Wrapper\\[1]"));
    c.add(
        dom(
            ResponseBuilder::signResponse,
            Attack.xswResponseInUnknownWrapper(EVIL),
            "^/Response\\[1]/@ID$",
            ASSERTION + "/(@ID$|AuthnStatement\\[1]/@SessionIndex$)",
            NAME_ID_TEXT,
            "^/Response\\[1]/Wrapper\\[1]"));
    c.add(
        dom(
            Attack.assertionSignatureMovedToResponse(),
            "^/Response\\[1]/(Assertion\\[1]/)?Signature\\[1]"));
    c.add(
        dom(
            Attack.onlySubjectSigned(),
            ASSERTION + "/Signature\\[1]",
            ASSERTION + "/Subject\\[1]/(@ID$|Signature\\[1])"));
    c.add(
        dom(
            Attack.signedMetadataInExtensions(),
            ASSERTION + "/Signature\\[1]",
            "^/Response\\[1]/Extensions\\[1]"));
    c.add(
        dom(
            Attack.signedLogoutResponseInStatusDetail(),
            ASSERTION + "/Signature\\[1]",
            "^/Response\\[1]/Status\\[1]/StatusDetail\\[1]"));
  }

  private static void placementAndSize(List<Contract> c) {
    c.add(dom(Attack.unsignedAssertionBefore(EVIL), "^/Response\\[1]/Assertion\\[[12]]"));
    c.add(dom(Attack.unsignedAssertionAfter(EVIL), "^/Response\\[1]/Assertion\\[2]"));
    String hidden =
        "^/Response\\[1]/(Assertion\\[1]|Extensions\\[1]|Status\\[1]/StatusDetail\\[1])";
    for (Container where : Container.values()) {
      c.add(dom(Attack.genuineAssertionIn(where, EVIL), hidden));
    }
    c.add(dom(Attack.extraAssertionIn(Container.ADVICE, EVIL), ASSERTION + "/Advice\\[1]"));
    c.add(
        dom(
            Attack.extraAssertionIn(Container.EXTENSIONS, EVIL),
            "^/Response\\[1]/Extensions\\[1]"));
    c.add(
        dom(
            Attack.extraAssertionIn(Container.STATUS_DETAIL, EVIL),
            "^/Response\\[1]/Status\\[1]/StatusDetail\\[1]"));
    c.add(dom(Attack.encryptedAssertionNextToPlain(), "^/Response\\[1]/EncryptedAssertion\\[1]"));
    c.add(
        dom(
            Attack.oversizedCipherValue(100),
            "^/Response\\[1]/(Assertion|EncryptedAssertion)\\[1]"));
    c.add(dom(Attack.nestedElements(3), "^/Response\\[1]/Extensions\\[1]"));
    c.add(dom(Attack.manyAttributes(3), "^/Response\\[1]/Extensions\\[1]"));
    c.add(dom(Attack.padding(10), "^/Response\\[1]/Extensions\\[1]"));
  }

  private static void splitsAndParser(List<Contract> c) {
    UnaryOperator<ResponseBuilder> longer = b -> b.nameId(EVIL + ".evil.example");
    c.add(dom(longer, Attack.commentSplit(Injected.NAME_ID, EVIL), NAME_ID_TEXT));
    c.add(dom(longer, Attack.cdataSplit(Injected.NAME_ID, EVIL), NAME_ID_TEXT));
    String attributeValue = "/AttributeValue\\[1]/(text|comment|#cdata)";
    c.add(dom(Attack.commentSplit(Injected.ATTRIBUTE_VALUE, "B."), attributeValue));
    c.add(dom(Attack.cdataSplit(Injected.ATTRIBUTE_VALUE, "B."), attributeValue));
    String audience = CONDITIONS + "/AudienceRestriction\\[1]/Audience\\[1]/(text|comment|#cdata)";
    c.add(dom(Attack.commentSplit(Injected.AUDIENCE, "urn:example"), audience));
    c.add(dom(Attack.cdataSplit(Injected.AUDIENCE, "urn:example"), audience));
    String issuers = "/Issuer\\[1]/(text|comment|#cdata)";
    c.add(dom(Attack.commentSplit(Injected.ISSUER, "https://sts.windows.net/"), issuers));
    c.add(dom(Attack.cdataSplit(Injected.ISSUER, "https://sts.windows.net/"), issuers));
    String recipient = " Recipient=\"https://sp.example.com";
    c.add(
        text(
            Attack.commentSplit(Injected.RECIPIENT, "https://sp.example.com"),
            g -> g.replace(recipient, recipient + "<!---->")));
    c.add(
        text(
            Attack.cdataSplit(Injected.RECIPIENT, "https://sp.example.com"),
            g -> g.replace(recipient, recipient + "<![CDATA[]]>")));
    c.add(text(Attack.junkBeforeRoot(), g -> "junk" + g));
    c.add(text(Attack.junkAfterRoot(), g -> g + "junk"));
    c.add(text(Attack.secondRoot(), g -> g + g));
    c.add(
        text(
            Attack.externalDtd(CANARY),
            g -> "<!DOCTYPE samlp:Response SYSTEM \"" + CANARY + "\">" + g));
    c.add(
        text(
            Attack.externalParameterEntity(CANARY),
            g -> "<!DOCTYPE samlp:Response [<!ENTITY % p SYSTEM \"" + CANARY + "\"> %p;]>" + g));
    c.add(
        text(
            Attack.externalEntity(CANARY),
            g ->
                "<!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM \""
                    + CANARY
                    + "\">]>"
                    + nameIdText(g, "&xxe;")));
    // Checked piece by piece in
    // billionLaughsAndAttlistDefaultAddOnlyTheirDoctypeToTheirOtherChange.
    c.add(text(Attack.billionLaughs(), g -> null));
    c.add(
        text(
            Attack.entityBuiltId(),
            g ->
                "<!DOCTYPE samlp:Response [<!ENTITY id \"_2\">]>"
                    + g.replace("<Assertion ID=\"_2\"", "<Assertion ID=\"&id;\"")));
    c.add(
        text(
            Attack.xinclude(CANARY),
            g ->
                nameIdText(
                    g,
                    "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\""
                        + CANARY
                        + "\" parse=\"text\"/>")));
    c.add(text(Attack.attlistDefault(ACS), g -> null));
  }

  private static String nameIdText(String xml, String content) {
    String nameId = ENTRA.users().get(0).nameId();
    return xml.replace(">" + nameId + "</NameID>", ">" + content + "</NameID>");
  }

  // ---------------------------------------------------------------- each attack alone

  @Test
  void genuineResponseIsReproducibleWithFixedIdsAndClock() {
    assertThat(genuine().buildXml()).isEqualTo(genuine().buildXml());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void attackAloneChangesExactlyWhatItsFactorySays(Contract contract) {
    String genuine = contract.base().apply(genuine()).buildXml();
    String attacked = contract.base().apply(genuine()).with(contract.attack()).buildXml();
    assertThat(attacked).as("the attack changes the Response").isNotEqualTo(genuine);
    if (contract.expectedText() != null) {
      String expected = contract.expectedText().apply(genuine);
      if (expected != null) {
        assertThat(attacked).isEqualTo(expected);
      }
      return;
    }
    Set<String> changed = changedPaths(genuine, attacked);
    List<Pattern> allowed = contract.changes().stream().map(Pattern::compile).toList();
    assertThat(changed)
        .as("parts changed by %s", contract.attack())
        .isNotEmpty()
        .allSatisfy(
            p -> assertThat(allowed).anySatisfy(a -> assertThat(a.matcher(p).find()).isTrue()));
  }

  @Test
  void billionLaughsAndAttlistDefaultAddOnlyTheirDoctypeToTheirOtherChange() {
    String genuine = genuine().buildXml();
    String laughs = genuine().with(Attack.billionLaughs()).buildXml();
    assertThat(laughs).startsWith("<!DOCTYPE samlp:Response [<!ENTITY lol0 \"lol\">");
    assertThat(laughs.substring(laughs.indexOf("]>") + 2)).isEqualTo(nameIdText(genuine, "&lol9;"));

    String withoutRecipient = genuine().with(Attack.withoutRecipient()).buildXml();
    assertThat(genuine().with(Attack.attlistDefault(ACS)).buildXml())
        .isEqualTo(
            "<!DOCTYPE samlp:Response [<!ATTLIST SubjectConfirmationData Recipient CDATA \""
                + ACS
                + "\">]>"
                + withoutRecipient);
  }

  @Test
  void everyFactoryHasAContract() {
    Set<String> factories = new TreeSet<>();
    for (Method m : Attack.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers())
          && Modifier.isStatic(m.getModifiers())
          && m.getReturnType() == Attack.class) {
        factories.add(m.getName());
      }
    }
    Set<String> covered = new HashSet<>();
    for (Contract c : contracts()) {
      covered.add(c.attack().toString().replaceFirst("^Attack\\.(\\w+)\\(.*", "$1"));
    }
    assertThat(covered).containsAll(factories);
  }

  // ---------------------------------------------------------------- composition

  static Stream<List<Attack>> pairsOnDifferentParts() {
    return Stream.of(
        List.of(Attack.wrongAudience(), Attack.withoutKeyInfo()),
        List.of(Attack.expired(), Attack.wrongDestination()),
        List.of(Attack.withoutResponseIssuer(), Attack.tamperedAfterSigning()),
        List.of(Attack.withoutNameId(), Attack.signatureDefect(SignatureDefect.TWO_REFERENCES)),
        List.of(
            Attack.signedWithUnknownKey(), Attack.keyInfoCertificate(ENTRA.signingCertificate())),
        List.of(
            Attack.assertionIssuer("https://sts.windows.net/other/"),
            Attack.commentSplit(Injected.ISSUER, "https://sts.windows.net/")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairsOnDifferentParts")
  void twoAttacksComposeToTheUnionOfTheirChangesWhateverTheirOrder(List<Attack> pair) {
    Attack a = pair.get(0);
    Attack b = pair.get(1);
    String genuine = genuine().buildXml();
    String ab = genuine().with(a, b).buildXml();
    assertThat(genuine().with(b, a).buildXml()).isEqualTo(ab);
    assertThat(genuine().with(a).with(b).buildXml()).isEqualTo(ab);
    Set<String> union = new TreeSet<>(changedPaths(genuine, genuine().with(a).buildXml()));
    union.addAll(changedPaths(genuine, genuine().with(b).buildXml()));
    assertThat(changedPaths(genuine, ab)).isSubsetOf(union).isNotEmpty();
  }

  @Test
  void composedAttacksEachKeepTheirChange() {
    var doc =
        Dsig.parse(
            genuine()
                .with(Attack.wrongAudience(), Attack.wrongDestination(), Attack.withoutKeyInfo())
                .buildXml());
    assertThat(Dsig.first(doc, Dsig.SAML_NS, "Audience").getTextContent())
        .isEqualTo(Attack.WRONG_AUDIENCE);
    assertThat(Dsig.response(doc).getAttribute("Destination")).isEqualTo(Attack.WRONG_URL);
    assertThat(Dsig.first(doc, Dsig.DSIG_NS, "KeyInfo")).isNull();
    assertThat(Dsig.verifies(Dsig.assertion(doc), ENTRA.signingCertificate()))
        .as("content attacks are signed over")
        .isTrue();
  }

  @Test
  void attacksOfOneStageRunInTheOrderGiven() {
    Attack toA = Attack.afterSigning(x -> x.replace("B. Simon", "A"));
    Attack aToB = Attack.afterSigning(x -> x.replace(">A<", ">B<"));
    assertThat(genuine().with(toA, aToB).buildXml()).contains(">B<").doesNotContain(">A<");
    assertThat(genuine().with(aToB, toA).buildXml()).contains(">A<").doesNotContain(">B<");
  }

  @Test
  void stagesRunInTheirOrderWhateverTheCallOrder() {
    List<String> seen = new ArrayList<>();
    Attack last = Attack.afterSigning(x -> log(seen, "FINAL_XML", x));
    Attack first = Attack.beforeSigning(x -> log(seen, "UNSIGNED_XML", x));
    genuine().with(last, first).buildXml();
    assertThat(seen).containsExactly("UNSIGNED_XML", "FINAL_XML");
  }

  private static String log(List<String> seen, String stage, String xml) {
    seen.add(stage);
    return xml;
  }

  @Test
  void eachAttackSaysWhichStagesItActsIn() {
    assertThat(Attack.wrongAudience().stages()).containsExactly(Stage.CONTENT);
    assertThat(Attack.withoutNameId().stages()).containsExactly(Stage.UNSIGNED_XML);
    assertThat(Attack.xsw(Xsw.XSW3).stages()).containsExactly(Stage.SIGNED_DOCUMENT);
    assertThat(Attack.junkAfterRoot().stages()).containsExactly(Stage.FINAL_XML);
    assertThat(Attack.onlySubjectSigned().stages())
        .containsExactly(Stage.CONTENT, Stage.SIGNED_DOCUMENT);
    assertThat(Attack.attlistDefault(ACS).stages())
        .containsExactly(Stage.UNSIGNED_XML, Stage.FINAL_XML);
    assertThat(Attack.commentSplit(Injected.RECIPIENT, "x").stages())
        .containsExactly(Stage.FINAL_XML);
    assertThat(Attack.commentSplit(Injected.NAME_ID, "x").stages())
        .containsExactly(Stage.SIGNED_DOCUMENT);
  }

  // ---------------------------------------------------------------- conflicts

  static Stream<Arguments> conflicts() {
    return Stream.of(
        Arguments.of(Attack.expired(), Attack.notYetValid(), "Conditions NotBefore"),
        Arguments.of(Attack.expired(), Attack.notOnOrAfter(NOW), "Conditions NotOnOrAfter"),
        Arguments.of(Attack.wrongAudience(), Attack.withoutAudience(), "the Audience"),
        Arguments.of(
            Attack.withoutConditions(), Attack.unknownCondition(), "the Conditions element"),
        Arguments.of(Attack.wrongIssuer(), Attack.assertionIssuer("x"), "the Assertion's Issuer"),
        Arguments.of(
            Attack.unsigned(), Attack.onlySubjectSigned(), "which elements carry a signature"),
        Arguments.of(
            Attack.signedWithUnknownKey(), Attack.signedWithClonedCertificate(), "the key"),
        Arguments.of(
            Attack.withoutKeyInfo(),
            Attack.keyInfoCertificate(ENTRA.signingCertificate()),
            "KeyInfo"),
        Arguments.of(
            Attack.signatureDefect(SignatureDefect.REMOVED),
            Attack.sha1DigestUnderRsaSha256(),
            "SignedInfo"),
        Arguments.of(
            Attack.xsw(Xsw.XSW3),
            Attack.genuineAssertionIn(Container.ADVICE, EVIL),
            "where the signed Assertion"),
        Arguments.of(Attack.externalDtd(CANARY), Attack.billionLaughs(), "the DOCTYPE"),
        Arguments.of(Attack.tamperedAfterSigning(), Attack.withoutNameId(), "the NameID"));
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("conflicts")
  void conflictingAttacksFailFastNamingBothAndThePart(Attack a, Attack b, String part) {
    assertThatThrownBy(() -> genuine().with(a, b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(a.toString())
        .hasMessageContaining(b.toString())
        .hasMessageContaining(part);
    ResponseBuilder builder = genuine().with(a);
    assertThatThrownBy(() -> builder.with(b)).isInstanceOf(IllegalArgumentException.class);
    assertThat(builder.buildXml())
        .as("the refused attack is not added")
        .isEqualTo(genuine().with(a).buildXml());
  }

  @Test
  void theSameAttackTwiceIsRefusedWhenItTakesOverAPart() {
    assertThatThrownBy(() -> genuine().with(Attack.wrongAudience(), Attack.wrongAudience()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Attack.wrongAudience() is given twice");
  }

  @Test
  void additiveAttacksMayBeRepeated() {
    var doc =
        Dsig.parse(
            genuine()
                .with(Attack.unsignedAssertionAfter("x@contoso.com"))
                .with(Attack.unsignedAssertionAfter("y@contoso.com"))
                .buildXml());
    assertThat(Dsig.children(Dsig.response(doc), Dsig.SAML_NS, "Assertion")).hasSize(3);
  }

  @Test
  void anAttackTheResponseCannotTakeFailsAtBuildNamingIt() {
    assertThatThrownBy(() -> genuine().with(Attack.xsw(Xsw.XSW1)).buildXml())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Attack.xsw(XSW1) cannot be applied")
        .hasMessageContaining("not signed");
    assertThatThrownBy(
            () -> genuine().errorStatus("AADSTS50105", "x").with(Attack.xinclude(CANARY)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Attack.xinclude(\"" + CANARY + "\")")
        .hasMessageContaining("no Assertion");
  }

  // ---------------------------------------------------------------- values

  @Test
  void attacksAreValuesEqualByFactoryAndArguments() {
    assertThat(Attack.xsw(Xsw.XSW3, EVIL))
        .isEqualTo(Attack.xsw(Xsw.XSW3, EVIL))
        .hasSameHashCodeAs(Attack.xsw(Xsw.XSW3, EVIL))
        .isNotEqualTo(Attack.xsw(Xsw.XSW3, "other@contoso.com"))
        .isNotEqualTo(Attack.xsw(Xsw.XSW3))
        .hasToString("Attack.xsw(XSW3, \"admin@contoso.com\")");
    assertThat(Attack.tamperedAfterSigning()).hasToString("Attack.tamperedAfterSigning()");
    assertThat(Attack.referenceTransforms(ENVELOPED, EXC_C14N))
        .isEqualTo(Attack.referenceTransforms(ENVELOPED, EXC_C14N))
        .isNotEqualTo(Attack.referenceTransforms(EXC_C14N, ENVELOPED));
    UnaryOperator<String> edit = x -> x;
    assertThat(Attack.afterSigning(edit))
        .isEqualTo(Attack.afterSigning(edit))
        .isNotEqualTo(Attack.afterSigning(x -> x))
        .hasToString("Attack.afterSigning(<function>)");
  }

  // ---------------------------------------------------------------- DOM diff

  /** The paths (elements, attributes, text, comments) whose presence or value differ. */
  static Set<String> changedPaths(String genuineXml, String attackedXml) {
    Map<String, String> genuine = flatten(genuineXml);
    Map<String, String> attacked = flatten(attackedXml);
    Set<String> changed = new TreeSet<>();
    Set<String> all = new HashSet<>(genuine.keySet());
    all.addAll(attacked.keySet());
    for (String path : all) {
      if (!Objects.equals(genuine.get(path), attacked.get(path))) {
        changed.add(path);
      }
    }
    return changed;
  }

  private static Map<String, String> flatten(String xml) {
    Map<String, String> out = new LinkedHashMap<>();
    Element root = Dsig.parse(xml).getDocumentElement();
    flatten(root, "/" + root.getLocalName() + "[1]", out);
    return out;
  }

  private static void flatten(Element e, String path, Map<String, String> out) {
    out.put(path, "element in " + e.getNamespaceURI());
    NamedNodeMap attributes = e.getAttributes();
    for (int i = 0; i < attributes.getLength(); i++) {
      Attr a = (Attr) attributes.item(i);
      if (!"http://www.w3.org/2000/xmlns/".equals(a.getNamespaceURI())) {
        out.put(path + "/@" + a.getName(), a.getValue());
      }
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      String key =
          switch (n.getNodeType()) {
            case Node.ELEMENT_NODE -> n.getLocalName();
            case Node.TEXT_NODE -> "text()";
            case Node.CDATA_SECTION_NODE -> "#cdata()";
            case Node.COMMENT_NODE -> "comment()";
            default -> "node()";
          };
      int index = counts.merge(key, 1, Integer::sum);
      String childPath = path + "/" + key + "[" + index + "]";
      if (n instanceof Element child) {
        flatten(child, childPath, out);
      } else {
        out.put(childPath, n.getNodeValue());
      }
    }
  }

  @Test
  void changedPathsSeesTextAttributesAndElements() {
    assertThat(changedPaths("<a x=\"1\"><b>t</b></a>", "<a x=\"2\"><b>t</b><c/></a>"))
        .containsExactly("/a[1]/@x", "/a[1]/c[1]");
    assertThat(Arrays.asList(changedPaths("<a>t</a>", "<a>t<!---->u</a>").toArray()))
        .containsExactly("/a[1]/comment()[1]", "/a[1]/text()[2]");
  }
}
