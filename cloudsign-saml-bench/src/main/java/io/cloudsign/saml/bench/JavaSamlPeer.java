package io.cloudsign.saml.bench;

import com.onelogin.saml2.authn.SamlResponse;
import com.onelogin.saml2.http.HttpRequest;
import com.onelogin.saml2.settings.Saml2Settings;
import com.onelogin.saml2.settings.SettingsBuilder;
import io.cloudsign.saml.testkit.FakeEntra;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * OneLogin java-saml 2.9.0 configured for the same registration, in strict mode, validating a
 * Response the way its {@code Auth#processResponse} does: parse, {@code isValid(requestId)}, then
 * read the NameID and the attributes (what our {@code VerifiedAssertion} carries). java-saml reads
 * the system clock, so its Responses must be issued by a fake Entra on the system clock.
 */
final class JavaSamlPeer {
  private final Saml2Settings settings;

  JavaSamlPeer(FakeEntra entra) {
    Map<String, Object> values = new HashMap<>();
    values.put(SettingsBuilder.STRICT_PROPERTY_KEY, true);
    values.put(SettingsBuilder.SP_ENTITYID_PROPERTY_KEY, BenchFixture.ENTITY_ID);
    values.put(
        SettingsBuilder.SP_ASSERTION_CONSUMER_SERVICE_URL_PROPERTY_KEY, BenchFixture.REPLY_URL);
    values.put(SettingsBuilder.IDP_ENTITYID_PROPERTY_KEY, entra.entityId());
    values.put(SettingsBuilder.IDP_SINGLE_SIGN_ON_SERVICE_URL_PROPERTY_KEY, entra.ssoUrl());
    values.put(SettingsBuilder.IDP_X509CERT_PROPERTY_KEY, entra.certificateBase64());
    values.put("onelogin.saml2.security.want_assertions_signed", true);
    values.put("onelogin.saml2.security.want_xml_validation", true);
    values.put("onelogin.saml2.security.reject_deprecated_alg", true);
    this.settings = new SettingsBuilder().fromValues(values).build();
    List<String> errors = settings.checkSettings();
    if (!errors.isEmpty()) {
      throw new IllegalStateException("java-saml settings: " + errors);
    }
  }

  /** The identity, or {@code null} when java-saml rejects the Response. */
  Map<String, List<String>> validate(String samlResponse, String requestId) throws Exception {
    HttpRequest request =
        new HttpRequest(BenchFixture.REPLY_URL, (String) null)
            .addParameter("SAMLResponse", samlResponse);
    SamlResponse response = new SamlResponse(settings, request);
    if (!response.isValid(requestId)) {
      return null;
    }
    Map<String, List<String>> identity = new HashMap<>(response.getAttributes());
    identity.put("NameID", List.of(response.getNameId()));
    return identity;
  }

  /** Why the last rejected Response was rejected (for setup errors). */
  static String why(String samlResponse, String requestId, Saml2Settings settings)
      throws Exception {
    HttpRequest request =
        new HttpRequest(BenchFixture.REPLY_URL, (String) null)
            .addParameter("SAMLResponse", samlResponse);
    SamlResponse response = new SamlResponse(settings, request);
    response.isValid(requestId);
    return response.getError();
  }

  Saml2Settings settings() {
    return settings;
  }
}
