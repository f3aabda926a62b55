package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.IdpLogoutRequestBuilder.Wrapping;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The HTTP-POST shapes of {@link IdpLogoutRequestBuilder} and {@link LogoutResponseBuilder}: base64
 * of the XML (no DEFLATE), an enveloped signature after the Issuer that the JDK's XML Signature
 * verifies with the fake's certificate (and not the attacker's), the auto-submitting page, and the
 * hostile wrapping shapes.
 */
class LogoutPostTest {
  private static final String SP = "urn:example:post-slo-sp";
  private static final String LOGOUT_URL = "https://sp.example.com/saml2/logout";
  private static final String USER = "bsimon@contoso.com";
  private static final String VICTIM = "ceo@contoso.com";
  private static final FakeEntra ENTRA =
      FakeEntra.builder()
          .application(SP, "https://sp.example.com/saml2/idpresponse")
          .logoutUrl(SP, LOGOUT_URL)
          .build();

  private static Element root(Map<String, String> fields, String name) {
    Document doc = Dsig.parse(Dsig.decode(fields.get(name)));
    return doc.getDocumentElement();
  }

  @Test
  void signedPostLogoutRequestCarriesAnEnvelopedSignatureAfterItsIssuer() {
    IdpLogoutRequestBuilder b = ENTRA.logoutRequest(SP, USER).relayState("r&1").signed();
    Map<String, String> fields = b.postFields();

    assertThat(fields.keySet()).containsExactly("SAMLRequest", "RelayState");
    Element root = root(fields, "SAMLRequest");
    assertThat(root.getLocalName()).isEqualTo("LogoutRequest");
    assertThat(root.getAttribute("ID")).isEqualTo(b.id());
    Element first = (Element) root.getFirstChild();
    assertThat(first.getLocalName()).isEqualTo("Issuer");
    assertThat(((Element) first.getNextSibling()).getLocalName()).isEqualTo("Signature");
    assertThat(Dsig.verifies(root, ENTRA.signingCertificate())).isTrue();
    assertThat(b.postForm())
        .contains("<form method=\"POST\" name=\"hiddenform\" action=\"" + LOGOUT_URL + "\">")
        .contains("name=\"RelayState\" value=\"r&amp;1\"")
        .contains("document.forms[0].submit()");
  }

  @Test
  void unsignedOrOtherKeyPostLogoutRequestDoesNotVerify() {
    assertThat(Dsig.signatureOf(root(ENTRA.logoutRequest(SP, USER).postFields(), "SAMLRequest")))
        .isNull();
    Element forged =
        root(ENTRA.logoutRequest(SP, USER).signedByAnotherKey().postFields(), "SAMLRequest");
    assertThat(Dsig.signatureOf(forged)).isNotNull();
    assertThat(Dsig.verifies(forged, ENTRA.signingCertificate())).isFalse();
  }

  @Test
  void wrappedVariantsHaveTheirShapes() {
    IdpLogoutRequestBuilder inside =
        ENTRA.logoutRequest(SP, USER).signed().wrapped(Wrapping.SIGNED_INSIDE_UNSIGNED, VICTIM);
    Element outer = root(inside.postFields(), "SAMLRequest");
    assertThat(Dsig.signatureOf(outer)).isNull();
    assertThat(outer.getAttribute("ID")).isNotEqualTo(inside.id());
    Element genuine = Dsig.first(outer, Dsig.SAMLP_NS, "Extensions");
    Element moved = Dsig.children(genuine, Dsig.SAMLP_NS, "LogoutRequest").get(0);
    assertThat(Dsig.verifies(moved, ENTRA.signingCertificate())).isTrue();
    assertThat(Dsig.children(outer, Dsig.SAML_NS, "NameID").get(0).getTextContent())
        .isEqualTo(VICTIM);

    Element second =
        root(
            ENTRA
                .logoutRequest(SP, USER)
                .signed()
                .wrapped(Wrapping.SECOND_REQUEST_SAME_ID, VICTIM)
                .postFields(),
            "SAMLRequest");
    Element extensions = Dsig.first(second, Dsig.SAMLP_NS, "Extensions");
    Element copy = Dsig.children(extensions, Dsig.SAMLP_NS, "LogoutRequest").get(0);
    assertThat(copy.getAttribute("ID")).isEqualTo(second.getAttribute("ID"));

    Element changed =
        root(
            ENTRA
                .logoutRequest(SP, USER)
                .signed()
                .wrapped(Wrapping.CHANGED_AFTER_SIGNING, VICTIM)
                .postFields(),
            "SAMLRequest");
    assertThat(Dsig.first(changed, Dsig.SAML_NS, "NameID").getTextContent()).isEqualTo(VICTIM);
    assertThat(Dsig.verifies(changed, ENTRA.signingCertificate())).isFalse();
  }

  @Test
  void bindingOnlyVariantsAreRefusedInTheOtherBinding() {
    assertThatThrownBy(
            () -> ENTRA.logoutRequest(SP, USER).signatureOverReorderedQuery().postFields())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("HTTP-Redirect");
    assertThatThrownBy(
            () ->
                ENTRA
                    .logoutRequest(SP, USER)
                    .signed()
                    .wrapped(Wrapping.CHANGED_AFTER_SIGNING, VICTIM)
                    .redirectUrl())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () ->
                ENTRA
                    .logoutRequest(SP, USER)
                    .wrapped(Wrapping.CHANGED_AFTER_SIGNING, VICTIM)
                    .postFields())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("signed()");
  }

  @Test
  void postedLogoutResponseIsSignedByTheFakeWhenAsked() {
    LogoutRequestInfo request =
        ENTRA.parseLogoutRedirect(
            ENTRA.sloUrl()
                + "?"
                + Slo.query(Slo.logoutRequest("_sp-logout-1", SP, ENTRA.sloUrl(), ""), "relay"));
    Map<String, String> signed = ENTRA.logoutResponseTo(request).signed().postFields();

    assertThat(signed).containsEntry("RelayState", "relay");
    Element root = root(signed, "SAMLResponse");
    assertThat(root.getAttribute("InResponseTo")).isEqualTo("_sp-logout-1");
    assertThat(Dsig.verifies(root, ENTRA.signingCertificate())).isTrue();
    assertThat(ENTRA.logoutResponseTo(request).postForm())
        .contains("action=\"" + LOGOUT_URL + "\"");
    assertThat(Dsig.signatureOf(root(ENTRA.logoutResponseTo(request).postFields(), "SAMLResponse")))
        .isNull();
  }
}
