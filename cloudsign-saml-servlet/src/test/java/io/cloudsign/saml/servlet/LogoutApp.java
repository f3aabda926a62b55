package io.cloudsign.saml.servlet;

import static io.cloudsign.saml.servlet.SamlSsoFilterTest.ACS;

import io.cloudsign.saml.core.IdentityProvider;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.testkit.FakeEntra;
import java.util.function.UnaryOperator;

/**
 * The logout tests' application: one registration, {@code contoso}, with a Reply URL and a Logout
 * Url on a real Jetty, and the fake Entra that knows both (its SLO answers go to the Logout Url).
 */
record LogoutApp(TestApp app, FakeEntra entra) {
  static final String SLO = "/saml2/logout";

  /** Starts the app for {@code entityId}; {@code options} adds to the filter's builder. */
  static LogoutApp start(String entityId, UnaryOperator<SamlSsoFilter.Builder> options)
      throws Exception {
    FakeEntra[] entra = new FakeEntra[1];
    TestApp app =
        TestApp.start(
            base -> {
              entra[0] =
                  FakeEntra.builder()
                      .application(entityId, base + ACS)
                      .logoutUrl(entityId, base + SLO)
                      .build();
              Registration reg =
                  Registration.builder("contoso")
                      .entityId(entityId)
                      .replyUrl(base + ACS)
                      .logoutUrl(base + SLO)
                      .identityProvider(idp(entra[0]))
                      .build();
              return options
                  .apply(
                      SamlSsoFilter.builder(
                              ServiceProvider.builder().registration(reg).build(),
                              RequestStateTest::anyone)
                          .stateKey(RequestStateTest.SHARED_KEY))
                  .build();
            });
    return new LogoutApp(app, entra[0]);
  }

  /** The IdP of the fake's metadata. */
  static IdentityProvider idp(FakeEntra fake) {
    try {
      return IdentityProvider.fromMetadata(fake.metadataXml());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
