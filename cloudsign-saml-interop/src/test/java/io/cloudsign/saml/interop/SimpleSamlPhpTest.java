package io.cloudsign.saml.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The helpers' own behaviour: what a missing php says, how forms are read. */
class SimpleSamlPhpTest {
  @Test
  void findPhpWhenPhpIsMissingThenFailsNamingTheDebianPackages() {
    assertThatThrownBy(() -> SimpleSamlPhp.findPhp("/nonexistent/php"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/nonexistent/php not found")
        .hasMessageContaining("apt-get install simplesamlphp php-xml");
  }

  @Test
  void firstFormWhenTheActionIsQueryOnlyThenKeepsThePagePathAndDecodesValues() {
    URI page = URI.create("http://127.0.0.1:1/module.php/core/loginuserpass.php?AuthState=x");
    HtmlForm form =
        HtmlForm.first(
            page,
            "<p><form class=\"f\" action=\"?\" method=\"post\">"
                + "<input id=\"username\" type=\"text\" name=\"username\" value=\"\">"
                + "<input type=\"checkbox\" name=\"remember_me\" value=\"Yes\">"
                + "<input type=\"hidden\" name=\"AuthState\" value=\"_a&amp;b&#x3A;c&#58;\">"
                + "</form>");

    assertThat(form.action())
        .isEqualTo(URI.create("http://127.0.0.1:1/module.php/core/loginuserpass.php?"));
    assertThat(form.fields()).containsOnlyKeys("username", "AuthState");
    assertThat(form.fields()).containsEntry("AuthState", "_a&b:c:");
  }

  @Test
  void firstFormWhenTheActionIsAbsoluteThenPostsThere() {
    HtmlForm form =
        HtmlForm.first(
            URI.create("http://127.0.0.1:1/saml2/idp/SSOService.php"),
            "<form method=\"post\" action=\"http://localhost:2/saml2/idpresponse\">"
                + "<input type=\"submit\" id=\"postLoginSubmitButton\">"
                + "<input type=\"hidden\" name=\"SAMLResponse\" value=\"PD94\">"
                + "<input type=\"hidden\" name=\"RelayState\" value=\"r\"></form>");

    assertThat(form.action()).isEqualTo(URI.create("http://localhost:2/saml2/idpresponse"));
    assertThat(form.fields())
        .containsExactly(Map.entry("SAMLResponse", "PD94"), Map.entry("RelayState", "r"));
  }
}
