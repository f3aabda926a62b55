package io.cloudsign.saml.testkit;

import io.cloudsign.saml.testkit.internal.Html;
import java.util.List;
import java.util.Optional;

/** The HTML pages of {@link FakeEntraServer}; every echoed value is HTML-escaped. */
final class SignInPages {
  private SignInPages() {}

  /** The login page: one button per configured user and a form for any other NameID. */
  static String login(FakeEntra entra, AuthnRequestInfo req, String action, String handle) {
    StringBuilder h = new StringBuilder(2048);
    h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Sign in to your account</title></head><body>")
        .append("<h1>Fake Microsoft Entra ID</h1>")
        .append("<p>Tenant <code id=\"tenant\">")
        .append(Html.escape(entra.tenantId()))
        .append("</code> &middot; signing in to <code id=\"issuer\">")
        .append(Html.escape(req.issuer()))
        .append("</code></p><h2>Pick an account</h2>")
        .append("<form method=\"post\" action=\"")
        .append(Html.escape(action))
        .append("\" id=\"pick-user\">")
        .append(hidden("flow", handle));
    List<TestUser> users = entra.users();
    for (int i = 0; i < users.size(); i++) {
      TestUser u = users.get(i);
      h.append("<p><button type=\"submit\" id=\"user-")
          .append(i)
          .append("\" name=\"user\" value=\"")
          .append(i)
          .append("\">")
          .append(Html.escape(u.displayName().orElse(u.nameId())))
          .append(" (")
          .append(Html.escape(u.nameId()))
          .append(")</button></p>");
    }
    h.append("</form><h2>Or another account</h2><form method=\"post\" action=\"")
        .append(Html.escape(action))
        .append("\" id=\"type-user\">")
        .append(hidden("flow", handle))
        .append("<label for=\"nameId\">NameID</label> ")
        .append("<input type=\"text\" id=\"nameId\" name=\"nameId\" autocomplete=\"off\">")
        .append(" <button type=\"submit\" id=\"sign-in\">Sign in</button></form>")
        .append("</body></html>");
    return h.toString();
  }

  /** Entra's auto-submitting form: script submits, noscript offers a button. */
  static String autoPost(String acs, String samlResponse, Optional<String> relayState) {
    StringBuilder h = new StringBuilder(samlResponse.length() + 1024);
    h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Working...</title></head>")
        .append("<body><form method=\"POST\" name=\"hiddenform\" action=\"")
        .append(Html.escape(acs))
        .append("\">")
        .append(hidden("SAMLResponse", samlResponse));
    relayState.ifPresent(rs -> h.append(hidden("RelayState", rs)));
    h.append("<noscript><p>Script is disabled. Click Submit to continue.</p>")
        .append("<input type=\"submit\" id=\"submit\" value=\"Submit\"></noscript></form>")
        .append("<script>document.forms[0].submit();</script></body></html>");
    return h.toString();
  }

  /** Entra's error page with an AADSTS code. */
  /** Entra's page at the end of a sign-out. */
  static String signedOut() {
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<title>Sign out</title></head><body>"
        + "<h1 id=\"signed-out\">You signed out of your account</h1>"
        + "<p>It's a good idea to close all browser windows.</p></body></html>";
  }

  static String error(String code, String message) {
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<title>Sign in to your account</title></head><body>"
        + "<h1>Sorry, but we're having trouble signing you in.</h1>"
        + "<p id=\"error\"><span id=\"error-code\">"
        + Html.escape(code)
        + "</span>: <span id=\"error-message\">"
        + Html.escape(message)
        + "</span></p></body></html>";
  }

  private static String hidden(String name, String value) {
    return "<input type=\"hidden\" name=\""
        + Html.escape(name)
        + "\" value=\""
        + Html.escape(value)
        + "\">";
  }
}
