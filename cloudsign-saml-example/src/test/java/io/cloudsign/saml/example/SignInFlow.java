package io.cloudsign.saml.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.examplecontract.TestBrowser;
import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestUser;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sign-in over real HTTP in two halves, so that a test can route or restart between them:
 * {@link #start} (GET /me, the AuthnRequest Entra receives, Entra's signed answer) and {@link
 * #finish} (the POST to the Reply URL, then GET /me). The form and the cookies the browser had when
 * it posted are kept, as an attacker who captured them would keep them.
 */
final class SignInFlow {
  static final TestUser USER = TestUser.builder().nameId("Someone.New@fabrikam.example").build();

  private final TestBrowser browser = new TestBrowser();
  private final Map<String, String> form = new LinkedHashMap<>();
  private List<HttpCookie> cookiesPosted = List.of();

  private SignInFlow() {}

  /** GET {@code base}/me → 302 to {@code tenant}; Entra signs in {@link #USER}. */
  static SignInFlow start(FakeEntra tenant, URI base) throws Exception {
    return startAt(tenant, base.resolve("/me"));
  }

  /** GET {@code signOnUrl} (e.g. /login?tenant=ID) → 302 to {@code tenant}; as {@link #start}. */
  static SignInFlow startAt(FakeEntra tenant, URI signOnUrl) throws Exception {
    SignInFlow flow = new SignInFlow();
    HttpResponse<String> first = flow.browser.get(signOnUrl);
    assertThat(first.statusCode()).as("GET " + signOnUrl + " without a session").isEqualTo(302);
    AuthnRequestInfo request =
        tenant.parseRedirect(first.headers().firstValue("Location").orElseThrow());
    flow.form.put("SAMLResponse", tenant.respondTo(request).user(USER).build());
    flow.form.put("RelayState", request.relayState().orElseThrow());
    return flow;
  }

  /** The browser of this sign-in (its cookies are the signed-in session after {@link #finish}). */
  TestBrowser browser() {
    return browser;
  }

  /** POSTs Entra's answer to {@code base}'s Reply URL; after a 303 the GET /me, else the error. */
  HttpResponse<String> finish(URI base) throws Exception {
    cookiesPosted = List.copyOf(browser.cookies());
    return postAndFollow(browser, base);
  }

  /**
   * The same SAMLResponse, RelayState and cookies (the request-state cookie included) sent again to
   * {@code base} by another client, as a replay; its answer (after a 303 the GET /me).
   */
  HttpResponse<String> replay(URI base) throws Exception {
    TestBrowser attacker = new TestBrowser();
    cookiesPosted.forEach(c -> attacker.addCookie(base, c));
    return postAndFollow(attacker, base);
  }

  /** This browser's next GET /me at {@code base} (its cookies, its session). */
  HttpResponse<String> me(URI base) throws Exception {
    return browser.get(base.resolve("/me"));
  }

  private HttpResponse<String> postAndFollow(TestBrowser b, URI base) throws Exception {
    HttpResponse<String> acs = b.post(base.resolve("/saml2/idpresponse"), form);
    return acs.statusCode() == 303 ? b.get(base.resolve("/me")) : acs;
  }

  /** Asserts a completed sign-in: GET /me answered 200 with the user. */
  static void assertSignedIn(HttpResponse<String> me) {
    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    assertThat(me.body()).startsWith("{\"nameId\": \"" + USER.nameId() + "\"");
  }

  /** Asserts a refused sign-in: 403 with {@code code} on the page. */
  static void assertRefused(HttpResponse<String> r, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    assertThat(r.body()).contains(code);
  }
}
