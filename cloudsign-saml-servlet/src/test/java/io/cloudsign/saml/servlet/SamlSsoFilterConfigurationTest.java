package io.cloudsign.saml.servlet;

import static io.cloudsign.saml.servlet.SamlSsoFilterTest.ACS;
import static io.cloudsign.saml.servlet.SamlSsoFilterTest.ENTITY_ID;
import static io.cloudsign.saml.servlet.SamlSsoFilterTest.idp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.core.Binding;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestClock;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bindings, several registrations, web.xml registration, session end and failure handlers. */
class SamlSsoFilterConfigurationTest {
  static FakeEntra contoso;
  static FakeEntra fabrikam;

  @BeforeAll
  static void createEntras() {
    contoso = FakeEntra.create();
    fabrikam = FakeEntra.create();
  }

  static LocalUser anyone(io.cloudsign.saml.core.VerifiedAssertion identity) {
    return LocalUser.of(identity.nameId());
  }

  static HttpResponse<String> post(TestBrowser b, java.net.URI uri, String response, String relay)
      throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("SAMLResponse", response);
    form.put("RelayState", relay);
    return b.post(uri, form);
  }

  @Test
  void postBindingWhenRegistrationUsesHttpPostThenAutoSubmitFormAndSignIn() throws Exception {
    try (TestApp app =
        TestApp.start(
            base ->
                SamlSsoFilter.builder(
                        ServiceProvider.builder()
                            .registration(
                                Registration.builder("contoso")
                                    .entityId(ENTITY_ID)
                                    .replyUrl(base + ACS)
                                    .identityProvider(idp(contoso))
                                    .requestBinding(Binding.HTTP_POST)
                                    .build())
                            .build(),
                        SamlSsoFilterConfigurationTest::anyone)
                    .build())) {
      TestBrowser browser = new TestBrowser();

      HttpResponse<String> form = browser.getPage(app.uri("/inbox"));

      assertThat(form.statusCode()).isEqualTo(200);
      assertThat(form.body()).contains("action=\"" + contoso.ssoUrl() + "\"");
      String samlRequest = field(form.body(), "SAMLRequest");
      String relay = field(form.body(), "RelayState");
      AuthnRequestInfo info = contoso.parsePost(samlRequest, relay);
      HttpResponse<String> acs =
          post(browser, app.uri(ACS), contoso.respondTo(info).build(), relay);
      assertThat(acs.statusCode()).isEqualTo(303);
      assertThat(acs.headers().firstValue("Location")).hasValue("/inbox");
    }
  }

  private static String field(String html, String name) {
    Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
    assertThat(m.find()).as(name + " in " + html).isTrue();
    return m.group(1);
  }

  @Test
  void severalRegistrationsWhenSignInPathNamesOneThenOnlyItsIdpIsAccepted() throws Exception {
    try (TestApp app =
        TestApp.start(
            base ->
                SamlSsoFilter.builder(
                        ServiceProvider.builder()
                            .registration(
                                Registration.builder("contoso")
                                    .entityId("urn:example:contoso")
                                    .replyUrl(base + "/contoso" + ACS)
                                    .signOnUrl(base + "/login/contoso")
                                    .identityProvider(idp(contoso))
                                    .build())
                            .registration(
                                Registration.builder("fabrikam")
                                    .entityId("urn:example:fabrikam")
                                    .replyUrl(base + "/fabrikam" + ACS)
                                    .signOnUrl(base + "/login/fabrikam")
                                    .identityProvider(idp(fabrikam))
                                    .build())
                            .build(),
                        SamlSsoFilterConfigurationTest::anyone)
                    .build())) {
      TestBrowser browser = new TestBrowser();

      HttpResponse<String> start = browser.getPage(app.uri("/login/fabrikam?return_to=%2Ff"));
      HttpResponse<String> unknown = browser.getPage(app.uri("/inbox"));

      assertThat(start.statusCode()).isEqualTo(302);
      String location = start.headers().firstValue("Location").orElseThrow();
      assertThat(location).startsWith(fabrikam.ssoUrl());
      AuthnRequestInfo info = fabrikam.parseRedirect(location);
      assertThat(info.issuer()).isEqualTo("urn:example:fabrikam");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("no_registration");
      String relay = info.relayState().orElseThrow();
      // contoso's IdP signing a Response to fabrikam's request is refused
      HttpResponse<String> forged =
          post(
              browser,
              app.uri("/fabrikam" + ACS),
              contoso
                  .response()
                  .inResponseTo(info.id())
                  .destination(info.assertionConsumerServiceUrl())
                  .recipient(info.assertionConsumerServiceUrl())
                  .audience("urn:example:fabrikam")
                  .build(),
              relay);
      assertThat(forged.statusCode()).isEqualTo(403);
      assertThat(forged.body()).containsAnyOf("invalid_issuer", "invalid_signature");

      HttpResponse<String> again = browser.getPage(app.uri("/login/fabrikam?return_to=%2Ff"));
      AuthnRequestInfo info2 =
          fabrikam.parseRedirect(again.headers().firstValue("Location").orElseThrow());
      HttpResponse<String> ok =
          post(
              browser,
              app.uri("/fabrikam" + ACS),
              fabrikam.respondTo(info2).build(),
              info2.relayState().orElseThrow());
      assertThat(ok.statusCode()).isEqualTo(303);
      assertThat(ok.headers().firstValue("Location")).hasValue("/f");
      assertThat(browser.getPage(app.uri("/f")).body()).contains("registration=fabrikam");
    }
  }

  @Test
  void contextPathWhenAppDeployedBelowRootThenPathsAndReturnPathIncludeIt() throws Exception {
    try (TestApp app =
        TestApp.start(
            base ->
                SamlSsoFilter.builder(
                        ServiceProvider.builder()
                            .registration(
                                Registration.builder("contoso")
                                    .entityId(ENTITY_ID)
                                    .replyUrl(base + ACS)
                                    .identityProvider(idp(contoso))
                                    .build())
                            .build(),
                        SamlSsoFilterConfigurationTest::anyone)
                    .publicPaths("/public/*")
                    .build(),
            org.eclipse.jetty.http.HttpCookie.SameSite.LAX,
            "/app")) {
      TestBrowser browser = new TestBrowser();
      assertThat(browser.get(app.uri("/app/saml2/metadata")).body())
          .contains("Location=\"" + app.uri("/app" + ACS) + "\"");
      HttpResponse<String> start = browser.getPage(app.uri("/app/inbox?x=1"));
      AuthnRequestInfo info =
          contoso.parseRedirect(start.headers().firstValue("Location").orElseThrow());

      HttpResponse<String> acs =
          post(
              browser,
              app.uri("/app" + ACS),
              contoso.respondTo(info).build(),
              info.relayState().orElseThrow());
      HttpResponse<String> inbox = browser.getPage(app.uri("/app/inbox"));
      HttpResponse<String> login = browser.getPage(app.uri("/app/login?return_to=%2Fapp%2Flogin"));
      HttpResponse<String> out =
          browser.post(app.uri("/app/logout"), java.util.Map.of(), "Sec-Fetch-Site", "same-origin");

      assertThat(acs.statusCode()).isEqualTo(303);
      assertThat(acs.headers().firstValue("Location")).hasValue("/app/inbox?x=1");
      assertThat(inbox.body()).contains("user=B.Simon").contains("path=/app/inbox");
      // Signed in already: /login goes to the return path, never back to itself (a loop).
      assertThat(login.statusCode()).isEqualTo(303);
      assertThat(login.headers().firstValue("Location")).hasValue("/app/");
      assertThat(out.headers().firstValue("Location")).hasValue("/app/");
    }
  }

  /** Used by the web.xml test through the factory init-param. */
  public static final class WebXmlFactory implements SamlSsoFilterFactory {
    static volatile String baseUrl;

    @Override
    public SamlSsoFilter create(FilterConfig config) {
      return SamlSsoFilter.builder(
              ServiceProvider.builder()
                  .registration(
                      Registration.builder("contoso")
                          .entityId(ENTITY_ID)
                          .replyUrl(baseUrl + ACS)
                          .identityProvider(idp(contoso))
                          .build())
                  .build(),
              SamlSsoFilterConfigurationTest::anyone)
          .signInPath(config.getInitParameter("sign-in-path"))
          .build();
    }
  }

  @Test
  void webXmlWhenFactoryInitParamNamesAFactoryThenFilterWorks() throws Exception {
    WebXmlFactory.baseUrl = "http://localhost:1"; // the ACS host does not matter for starting
    FilterHolder holder = new FilterHolder(SamlSsoFilter.class);
    holder.setInitParameter(SamlSsoFilter.FACTORY_INIT_PARAM, WebXmlFactory.class.getName());
    holder.setInitParameter("sign-in-path", "/sso");
    try (TestApp app = TestApp.startWithHolder(holder)) {
      HttpResponse<String> r = new TestBrowser().getPage(app.uri("/sso"));

      assertThat(r.statusCode()).isEqualTo(302);
      assertThat(r.headers().firstValue("Location").orElseThrow()).startsWith(contoso.ssoUrl());
    }
  }

  @Test
  void webXmlWhenFactoryMissingOrWrongThenInitFailsWithAHint() {
    assertThatThrownBy(() -> new SamlSsoFilter().init(config(Map.of())))
        .isInstanceOf(ServletException.class)
        .hasMessageContaining("factory");
    assertThatThrownBy(
            () -> new SamlSsoFilter().init(config(Map.of("factory", String.class.getName()))))
        .isInstanceOf(ServletException.class)
        .hasMessageContaining("does not implement SamlSsoFilterFactory");
    assertThatThrownBy(() -> new SamlSsoFilter().init(config(Map.of("factory", "no.Such"))))
        .isInstanceOf(ServletException.class)
        .hasMessageContaining("no.Such");
  }

  private static FilterConfig config(Map<String, String> params) {
    return new FilterConfig() {
      @Override
      public String getFilterName() {
        return "saml";
      }

      @Override
      public ServletContext getServletContext() {
        return null;
      }

      @Override
      public String getInitParameter(String name) {
        return params.get(name);
      }

      @Override
      public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(params.keySet());
      }
    };
  }

  @Test
  void sessionWhenIdpSessionNotOnOrAfterPassedThenSignedOut() throws Exception {
    TestClock clock = TestClock.atNow();
    try (TestApp app =
        TestApp.start(
            base ->
                SamlSsoFilter.builder(
                        ServiceProvider.builder()
                            .registration(
                                SamlSsoFilterTest.registration(base)
                                    .identityProvider(idp(contoso))
                                    .build())
                            .build(),
                        SamlSsoFilterConfigurationTest::anyone)
                    .clock(clock)
                    .build())) {
      TestBrowser browser = new TestBrowser();
      AuthnRequestInfo info =
          contoso.parseRedirect(
              browser.getPage(app.uri("/inbox")).headers().firstValue("Location").orElseThrow());
      HttpResponse<String> acs =
          post(
              browser,
              app.uri(ACS),
              contoso
                  .respondTo(info)
                  .sessionNotOnOrAfter(clock.instant().plus(Duration.ofMinutes(30)))
                  .build(),
              info.relayState().orElseThrow());
      assertThat(acs.statusCode()).isEqualTo(303);
      assertThat(browser.getPage(app.uri("/inbox")).statusCode()).isEqualTo(200);

      clock.advance(Duration.ofMinutes(31));

      assertThat(browser.getPage(app.uri("/inbox")).statusCode()).isEqualTo(302);
    }
  }

  @Test
  void failureHandlerWhenConfiguredThenRendersFailureWithCodeAndCorrelationId() throws Exception {
    try (TestApp app =
        TestApp.start(
            base ->
                SamlSsoFilter.builder(
                        ServiceProvider.builder()
                            .registration(
                                SamlSsoFilterTest.registration(base)
                                    .identityProvider(idp(contoso))
                                    .build())
                            .build(),
                        SamlSsoFilterConfigurationTest::anyone)
                    .failureHandler(
                        (req, resp, failure) -> {
                          resp.setStatus(failure.status());
                          resp.setContentType("application/json");
                          resp.getWriter()
                              .write(
                                  "{\"code\":\""
                                      + failure.code()
                                      + "\",\"id\":\""
                                      + failure.correlationId()
                                      + "\",\"validation\":\""
                                      + failure.validationCode().map(Enum::name).orElse("")
                                      + "\"}");
                        })
                    .build())) {
      TestBrowser browser = new TestBrowser();
      AuthnRequestInfo info =
          contoso.parseRedirect(
              browser.getPage(app.uri("/inbox")).headers().firstValue("Location").orElseThrow());

      HttpResponse<String> r =
          post(
              browser,
              app.uri(ACS),
              contoso.respondTo(info).with(Attack.wrongAudience()).build(),
              info.relayState().orElseThrow());

      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.body())
          .startsWith("{\"code\":\"invalid_audience\",\"id\":\"")
          .endsWith("\"validation\":\"INVALID_AUDIENCE\"}");
    }
  }

  @Test
  void failureHandlerWhenTheFilterRefusesThenItGetsTheFilterCodeAndNoValidationCode()
      throws Exception {
    List<SignInFailure> seen = new CopyOnWriteArrayList<>();
    try (TestApp app =
        TestApp.start(
            base ->
                SamlSsoFilter.builder(
                        ServiceProvider.builder()
                            .registration(
                                SamlSsoFilterTest.registration(base)
                                    .identityProvider(idp(contoso))
                                    .build())
                            .build(),
                        identity -> {
                          throw UserLinkException.inactive("disabled in the test");
                        })
                    .failureHandler(
                        (req, resp, failure) -> {
                          seen.add(failure);
                          resp.setStatus(failure.status());
                        })
                    .build())) {
      TestBrowser browser = new TestBrowser();
      HttpResponse<String> get = browser.getPage(app.uri(ACS));
      AuthnRequestInfo info =
          contoso.parseRedirect(
              browser.getPage(app.uri("/inbox")).headers().firstValue("Location").orElseThrow());
      HttpResponse<String> refused =
          post(browser, app.uri(ACS), contoso.respondTo(info).build(), info.relayState().get());

      assertThat(get.statusCode()).isEqualTo(405);
      assertThat(refused.statusCode()).isEqualTo(403);
    }
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0).filterCode()).hasValue(FilterErrorCode.METHOD_NOT_ALLOWED);
    assertThat(seen.get(0).code()).isEqualTo("method_not_allowed");
    assertThat(seen.get(0).validationCode()).isEmpty();
    assertThat(seen.get(0).linkReason()).isEmpty();
    assertThat(seen.get(1).filterCode()).hasValue(FilterErrorCode.USER_INACTIVE);
    assertThat(seen.get(1).linkReason()).hasValue(UserLinkException.Reason.INACTIVE);
    assertThat(seen.get(1).code()).isEqualTo("user_inactive");
    assertThat(seen.get(1).validationCode()).isEmpty();
  }

  @Test
  void builderWhenPathsCollideThenRejected() {
    ServiceProvider sp =
        ServiceProvider.builder()
            .registration(
                SamlSsoFilterTest.registration("http://localhost:1")
                    .identityProvider(idp(contoso))
                    .build())
            .build();

    assertThatThrownBy(
            () ->
                SamlSsoFilter.builder(sp, SamlSsoFilterConfigurationTest::anyone)
                    .logoutPath("/login")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must differ");
    assertThatThrownBy(
            () ->
                SamlSsoFilter.builder(sp, SamlSsoFilterConfigurationTest::anyone)
                    .metadataPath(ACS)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("collides");
    assertThatThrownBy(
            () ->
                SamlSsoFilter.builder(sp, SamlSsoFilterConfigurationTest::anyone)
                    .stateKey(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Set.of()).isEmpty();
  }
}
