package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

class ResponseShapeTest {
  private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  private static final Instant NOW = Instant.parse("2026-03-02T10:15:30.250Z");
  private static final String ACS = "https://sp.example.com/saml2/idpresponse";
  private static final FakeEntra ENTRA =
      FakeEntra.builder().tenantId(TENANT).clock(TestClock.at(NOW)).build();
  private static final Pattern ID =
      Pattern.compile("_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private static String xml(ResponseBuilder b) {
    return b.buildXml();
  }

  private static ResponseBuilder genuine() {
    return ENTRA.response().inResponseTo("_req-1").destination(ACS).audience("urn:example:sp");
  }

  @Test
  void responseIsOneLineWithoutXmlDeclarationAndWithEntraPrefixesAndAttributeOrder() {
    String xml = xml(genuine());
    assertThat(xml).doesNotContain("\n").doesNotContain("\r").doesNotStartWith("<?xml");
    assertThat(xml)
        .matches(
            "<samlp:Response ID=\"_[-0-9a-f]{36}\" Version=\"2.0\" IssueInstant=\"2026-03-02T10:15:30.250Z\""
                + " Destination=\"https://sp.example.com/saml2/idpresponse\" InResponseTo=\"_req-1\""
                + " xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
                + "<Issuer xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">https://sts.windows.net/"
                + TENANT
                + "/</Issuer><samlp:Status><samlp:StatusCode"
                + " Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>"
                + "<Assertion ID=\"_[-0-9a-f]{36}\" IssueInstant=\"2026-03-02T10:15:30.250Z\" Version=\"2.0\""
                + " xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\"><Issuer>https://sts.windows.net/"
                + TENANT
                + "/</Issuer><Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>.*"
                + "</Assertion></samlp:Response>");
  }

  @Test
  void signatureUsesEntraAlgorithmsAndOneReferenceToTheAssertionId() {
    Document doc = Dsig.parse(xml(genuine()));
    Element assertion = Dsig.assertion(doc);
    Element sig = Dsig.signatureOf(assertion);
    assertThat(sig.getPreviousSibling().getLocalName()).isEqualTo("Issuer");
    assertThat(sig.getAttribute("xmlns")).isEqualTo(Dsig.DSIG_NS);
    assertThat(sig.getPrefix()).isNull();
    assertThat(Dsig.first(sig, Dsig.DSIG_NS, "CanonicalizationMethod").getAttribute("Algorithm"))
        .isEqualTo("http://www.w3.org/2001/10/xml-exc-c14n#");
    assertThat(Dsig.first(sig, Dsig.DSIG_NS, "SignatureMethod").getAttribute("Algorithm"))
        .isEqualTo("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
    assertThat(Dsig.first(sig, Dsig.DSIG_NS, "DigestMethod").getAttribute("Algorithm"))
        .isEqualTo("http://www.w3.org/2001/04/xmlenc#sha256");
    assertThat(Xmls.attributes(Xmls.all(sig, "Transform"), "Algorithm"))
        .containsExactly(
            "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
            "http://www.w3.org/2001/10/xml-exc-c14n#");
    assertThat(Xmls.all(sig, "Reference")).hasSize(1);
    assertThat(Dsig.first(sig, Dsig.DSIG_NS, "Reference").getAttribute("URI"))
        .isEqualTo("#" + assertion.getAttribute("ID"));
    assertThat(Dsig.first(sig, Dsig.DSIG_NS, "X509Certificate").getTextContent())
        .isEqualTo(java.util.Base64.getEncoder().encodeToString(encoded(ENTRA)));
  }

  @Test
  void responseSignatureSitsRightAfterTheResponseIssuer() {
    Element response = Dsig.response(Dsig.parse(xml(genuine().signResponseAndAssertion())));
    Element sig = Dsig.signatureOf(response);
    assertThat(sig.getPreviousSibling().getLocalName()).isEqualTo("Issuer");
    assertThat(sig.getNextSibling().getLocalName()).isEqualTo("Status");
  }

  @Test
  void idsAreUnderscoreUuidsAndSessionIndexIsTheAssertionId() {
    Document doc = Dsig.parse(xml(genuine()));
    Element assertion = Dsig.assertion(doc);
    assertThat(Dsig.response(doc).getAttribute("ID")).matches(ID);
    assertThat(assertion.getAttribute("ID")).matches(ID);
    assertThat(Dsig.first(assertion, Dsig.SAML_NS, "AuthnStatement").getAttribute("SessionIndex"))
        .isEqualTo(assertion.getAttribute("ID"));
  }

  @Test
  void timingFollowsEntraWindowsRelativeToTheClock() {
    Element assertion = Dsig.assertion(Dsig.parse(xml(genuine())));
    Element conditions = Dsig.first(assertion, Dsig.SAML_NS, "Conditions");
    Element scd = Dsig.first(assertion, Dsig.SAML_NS, "SubjectConfirmationData");
    assertThat(conditions.getAttribute("NotBefore")).isEqualTo("2026-03-02T10:10:30.250Z");
    assertThat(conditions.getAttribute("NotOnOrAfter")).isEqualTo("2026-03-02T11:15:30.250Z");
    assertThat(scd.getAttribute("NotOnOrAfter")).isEqualTo(conditions.getAttribute("NotOnOrAfter"));
    assertThat(scd.getAttribute("Recipient")).isEqualTo(ACS);
    assertThat(scd.getAttribute("InResponseTo")).isEqualTo("_req-1");
    assertThat(
            Instant.parse(
                Dsig.first(assertion, Dsig.SAML_NS, "AuthnStatement").getAttribute("AuthnInstant")))
        .isBefore(NOW);
  }

  @Test
  void issueInstantMovesEveryTime() {
    Instant then = NOW.minus(Duration.ofHours(2));
    Element assertion = Dsig.assertion(Dsig.parse(xml(genuine().issueInstant(then))));
    assertThat(assertion.getAttribute("IssueInstant")).isEqualTo("2026-03-02T08:15:30.250Z");
    assertThat(Dsig.first(assertion, Dsig.SAML_NS, "Conditions").getAttribute("NotOnOrAfter"))
        .isEqualTo("2026-03-02T09:15:30.250Z");
  }

  @Test
  void subjectIsBearerWithEmailNameIdAndAuthnContextIsPassword() {
    Element assertion = Dsig.assertion(Dsig.parse(xml(genuine())));
    Element nameId = Dsig.first(assertion, Dsig.SAML_NS, "NameID");
    assertThat(nameId.getTextContent()).isEqualTo("B.Simon@contoso.com");
    assertThat(nameId.getAttribute("Format"))
        .isEqualTo("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
    assertThat(Dsig.first(assertion, Dsig.SAML_NS, "SubjectConfirmation").getAttribute("Method"))
        .isEqualTo("urn:oasis:names:tc:SAML:2.0:cm:bearer");
    assertThat(Dsig.first(assertion, Dsig.SAML_NS, "Audience").getTextContent())
        .isEqualTo("urn:example:sp");
    assertThat(Dsig.first(assertion, Dsig.SAML_NS, "AuthnContextClassRef").getTextContent())
        .isEqualTo("urn:oasis:names:tc:SAML:2.0:ac:classes:Password");
  }

  @Test
  void attributeStatementCarriesEntraClaimsInEntraOrderWithoutNameFormat() {
    Element assertion = Dsig.assertion(Dsig.parse(xml(genuine())));
    Map<String, List<String>> claims = Xmls.claims(assertion);
    assertThat(claims)
        .containsExactly(
            Map.entry("http://schemas.microsoft.com/identity/claims/tenantid", List.of(TENANT)),
            Map.entry(
                "http://schemas.microsoft.com/identity/claims/objectidentifier",
                List.of(TestUser.bSimon().objectId())),
            Map.entry(
                "http://schemas.microsoft.com/identity/claims/displayname", List.of("B. Simon")),
            Map.entry(
                "http://schemas.microsoft.com/identity/claims/identityprovider",
                List.of(ENTRA.entityId())),
            Map.entry(
                "http://schemas.microsoft.com/claims/authnmethodsreferences",
                List.of(
                    "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password")),
            Map.entry(
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", List.of("B.")),
            Map.entry(
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", List.of("Simon")),
            Map.entry(
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
                List.of("B.Simon@contoso.com")),
            Map.entry(
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
                List.of("B.Simon@contoso.com")));
    for (Element a : Xmls.all(assertion, "Attribute")) {
      assertThat(a.hasAttribute("NameFormat")).isFalse();
    }
  }

  @Test
  void groupsRolesAndCustomClaimsOfTheUserAreSent() {
    TestUser alice =
        TestUser.builder()
            .nameId("alice@contoso.com")
            .groups("g1", "g2")
            .roles("Admin")
            .claim("urn:custom", "x", "y")
            .build();
    Map<String, List<String>> claims =
        Xmls.claims(
            Dsig.assertion(Dsig.parse(xml(genuine().user(alice).attribute("urn:extra", "1")))));
    assertThat(claims.get("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"))
        .containsExactly("g1", "g2");
    assertThat(claims.get("http://schemas.microsoft.com/ws/2008/06/identity/claims/role"))
        .containsExactly("Admin");
    assertThat(claims.get("urn:custom")).containsExactly("x", "y");
    assertThat(claims.get("urn:extra")).containsExactly("1");
    assertThat(claims)
        .doesNotContainKey("http://schemas.microsoft.com/identity/claims/displayname");
  }

  @Test
  void moreThan150GroupsBecomeTheGroupsOverageLink() {
    String[] groups = new String[151];
    for (int i = 0; i < groups.length; i++) {
      groups[i] = "group-" + i;
    }
    TestUser busy = TestUser.bSimon().toBuilder().groups(groups).build();
    Map<String, List<String>> claims =
        Xmls.claims(Dsig.assertion(Dsig.parse(xml(genuine().user(busy)))));
    assertThat(claims)
        .doesNotContainKey("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups");
    assertThat(claims.get("http://schemas.microsoft.com/claims/groups.link")).hasSize(1);
  }

  @Test
  void removeAttributeLeavesTheClaimOut() {
    Map<String, List<String>> claims =
        Xmls.claims(
            Dsig.assertion(
                Dsig.parse(
                    xml(
                        genuine()
                            .removeAttribute(
                                "http://schemas.microsoft.com/identity/claims/tenantid")))));
    assertThat(claims).doesNotContainKey("http://schemas.microsoft.com/identity/claims/tenantid");
  }

  @Test
  void nameIdAndFormatCanBeChosen() {
    Element nameId =
        Dsig.first(
            Dsig.parse(
                xml(
                    genuine()
                        .nameId("opaque-123")
                        .nameIdFormat(ResponseBuilder.NAMEID_PERSISTENT))),
            Dsig.SAML_NS,
            "NameID");
    assertThat(nameId.getTextContent()).isEqualTo("opaque-123");
    assertThat(nameId.getAttribute("Format")).isEqualTo(ResponseBuilder.NAMEID_PERSISTENT);
  }

  @Test
  void buildIsBase64OfTheXml() {
    ResponseBuilder b = genuine().issueInstant(NOW);
    String decoded = Dsig.decode(b.build());
    assertThat(decoded).startsWith("<samlp:Response ID=\"_");
    assertThat(Dsig.verifies(Dsig.assertion(Dsig.parse(decoded)), ENTRA.signingCertificate()))
        .isTrue();
  }

  @Test
  void respondToPresetsRequestValuesAsEntraDoes() {
    String request =
        "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_r42\""
            + " Version=\"2.0\" IssueInstant=\"2026-03-02T10:15:00Z\""
            + " AssertionConsumerServiceURL=\""
            + ACS
            + "\">"
            + "<saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">my-app</saml:Issuer>"
            + "</samlp:AuthnRequest>";
    AuthnRequestInfo req =
        ENTRA.parsePost(java.util.Base64.getEncoder().encodeToString(request.getBytes()), null);
    Document doc = Dsig.parse(ENTRA.respondTo(req).buildXml());
    assertThat(Dsig.response(doc).getAttribute("InResponseTo")).isEqualTo("_r42");
    assertThat(Dsig.response(doc).getAttribute("Destination")).isEqualTo(ACS);
    assertThat(Dsig.first(doc, Dsig.SAML_NS, "SubjectConfirmationData").getAttribute("Recipient"))
        .isEqualTo(ACS);
    // Entra prefixes a non-URI Issuer with "spn:" in the Audience.
    assertThat(Dsig.first(doc, Dsig.SAML_NS, "Audience").getTextContent()).isEqualTo("spn:my-app");
  }

  private static byte[] encoded(FakeEntra entra) {
    try {
      return entra.signingCertificate().getEncoded();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Small DOM helpers for assertions. */
  static final class Xmls {
    static List<Element> all(Node root, String local) {
      List<Element> out = new java.util.ArrayList<>();
      var list = ((Element) root).getElementsByTagNameNS("*", local);
      for (int i = 0; i < list.getLength(); i++) {
        out.add((Element) list.item(i));
      }
      return out;
    }

    static List<String> attributes(List<Element> elements, String name) {
      return elements.stream().map(e -> e.getAttribute(name)).toList();
    }

    static Map<String, List<String>> claims(Element assertion) {
      Map<String, List<String>> out = new LinkedHashMap<>();
      for (Element a : all(assertion, "Attribute")) {
        out.put(
            a.getAttribute("Name"),
            all(a, "AttributeValue").stream().map(Node::getTextContent).toList());
      }
      return out;
    }
  }
}
