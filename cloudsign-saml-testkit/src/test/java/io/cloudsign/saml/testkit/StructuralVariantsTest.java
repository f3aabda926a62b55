package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The STRUCTURAL variants change the shape before signing, so their signatures stay genuine. */
class StructuralVariantsTest {
  private static final FakeEntra ENTRA = FakeEntra.create();
  private static final X509Certificate TRUSTED = ENTRA.signingCertificate();

  private static ResponseBuilder genuine() {
    return ENTRA
        .response()
        .inResponseTo("_req-1")
        .destination("https://sp.example.com/acs")
        .audience("urn:sp");
  }

  private static Document signedDoc(ResponseBuilder b) {
    Document doc = Dsig.parse(b.buildXml());
    assertThat(Dsig.verifies(Dsig.assertion(doc), TRUSTED)).isTrue();
    return doc;
  }

  private static Element first(Document doc, String local) {
    return Dsig.first(doc, Dsig.SAML_NS, local);
  }

  @Test
  void withoutNameIdLeavesASignedSubjectWithoutNameId() {
    Document doc = signedDoc(genuine().with(Attack.withoutNameId()));
    assertThat(first(doc, "NameID")).isNull();
    assertThat(first(doc, "Subject")).isNotNull();
  }

  @Test
  void withoutAuthnStatementDropsIt() {
    assertThat(first(signedDoc(genuine().with(Attack.withoutAuthnStatement())), "AuthnStatement"))
        .isNull();
  }

  @Test
  void withoutConditionsDropsConditionsAndAudience() {
    Document doc = signedDoc(genuine().with(Attack.withoutConditions()));
    assertThat(first(doc, "Conditions")).isNull();
    assertThat(first(doc, "Audience")).isNull();
  }

  @Test
  void withoutConditionsNotOnOrAfterKeepsNotBeforeAndAudience() {
    Element conditions =
        first(signedDoc(genuine().with(Attack.withoutConditionsNotOnOrAfter())), "Conditions");
    assertThat(conditions.hasAttribute("NotOnOrAfter")).isFalse();
    assertThat(conditions.hasAttribute("NotBefore")).isTrue();
  }

  @Test
  void unknownConditionAddsAConditionOfForeignType() {
    Element condition = first(signedDoc(genuine().with(Attack.unknownCondition())), "Condition");
    assertThat(condition.getAttributeNS("http://www.w3.org/2001/XMLSchema-instance", "type"))
        .isEqualTo("ext:MustUnderstand");
  }

  @Test
  void subjectConfirmationMethodReplacesBearer() {
    Element sc =
        first(
            signedDoc(
                genuine()
                    .with(
                        Attack.subjectConfirmationMethod(
                            "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"))),
            "SubjectConfirmation");
    assertThat(sc.getAttribute("Method")).isEqualTo("urn:oasis:names:tc:SAML:2.0:cm:holder-of-key");
  }

  @Test
  void subjectConfirmationInResponseToDiffersFromTheResponses() {
    Document doc = signedDoc(genuine().with(Attack.subjectConfirmationInResponseTo("_other$1")));
    assertThat(first(doc, "SubjectConfirmationData").getAttribute("InResponseTo"))
        .isEqualTo("_other$1");
    assertThat(Dsig.response(doc).getAttribute("InResponseTo")).isEqualTo("_req-1");
  }

  @Test
  void withoutSubjectConfirmationNotOnOrAfterDropsOnlyThat() {
    Document doc = signedDoc(genuine().with(Attack.withoutSubjectConfirmationNotOnOrAfter()));
    assertThat(first(doc, "SubjectConfirmationData").hasAttribute("NotOnOrAfter")).isFalse();
    assertThat(first(doc, "Conditions").hasAttribute("NotOnOrAfter")).isTrue();
  }

  @Test
  void beforeSigningEditsAreCoveredByTheSignature() {
    Document doc =
        signedDoc(genuine().with(Attack.beforeSigning(x -> x.replace("B. Simon", "Bee Simon"))));
    assertThat(Dsig.assertion(doc).getTextContent()).contains("Bee Simon");
  }

  @Test
  void encryptedAssertionWithoutRecipientEncryptsForNobodyAndKeepsTheResponseSignatureValid() {
    Document doc = Dsig.parse(genuine().signResponse().encryptedAssertion().buildXml());
    assertThat(Dsig.children(Dsig.response(doc), Dsig.SAML_NS, "Assertion")).isEmpty();
    assertThat(Dsig.children(Dsig.response(doc), Dsig.SAML_NS, "EncryptedAssertion")).hasSize(1);
    assertThat(Dsig.verifies(Dsig.response(doc), TRUSTED)).isTrue();
  }
}
