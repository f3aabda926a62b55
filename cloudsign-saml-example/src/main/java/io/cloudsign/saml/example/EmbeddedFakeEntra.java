package io.cloudsign.saml.example;

import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestUser;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The testkit's {@link FakeEntra} served over HTTP on its own loopback port, on host {@code
 * 127.0.0.1} so that it is cross-site to the app on {@code localhost}, as Entra is: Federation
 * Metadata XML, an SSO endpoint (HTTP-Redirect and HTTP-POST) with a login page to pick a test
 * user, and an auto-submitting form that POSTs the signed Response to the registered Reply URL.
 *
 * <p>A stand-in until the testkit's own HTTP mode ({@code FakeEntraServer}) is available.
 */
final class EmbeddedFakeEntra implements AutoCloseable {
  static final List<TestUser> USERS =
      List.of(
          TestUser.bSimon(),
          TestUser.builder()
              .nameId("Inactive.User@contoso.com")
              .displayName("Inactive User")
              .email("Inactive.User@contoso.com")
              .build(),
          TestUser.builder()
              .nameId("New.User@contoso.com")
              .displayName("New User (not provisioned)")
              .email("New.User@contoso.com")
              .build());

  private final Server server;
  private final FakeEntra entra;
  private final String baseUrl;

  private EmbeddedFakeEntra(Server server, FakeEntra entra, String baseUrl) {
    this.server = server;
    this.entra = entra;
    this.baseUrl = baseUrl;
  }

  static EmbeddedFakeEntra start(String spEntityId, String replyUrl) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    connector.open();
    String base = "http://127.0.0.1:" + connector.getLocalPort();
    FakeEntra.Builder b =
        FakeEntra.builder().ssoUrl(base + "/saml2").application(spEntityId, replyUrl);
    USERS.forEach(b::user);
    FakeEntra entra = b.build();

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(new SsoServlet(entra, spEntityId, replyUrl)), "/saml2/*");
    context.addServlet(
        new ServletHolder(new MetadataServlet(entra)),
        "/federationmetadata/2007-06/federationmetadata.xml");
    server.setHandler(context);
    server.start();
    return new EmbeddedFakeEntra(server, entra, base);
  }

  String metadataXml() {
    return entra.metadataXml();
  }

  String metadataUrl() {
    return baseUrl + "/federationmetadata/2007-06/federationmetadata.xml";
  }

  String ssoUrl() {
    return entra.ssoUrl();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }

  private static void html(HttpServletResponse resp, int status, String title, String body)
      throws IOException {
    resp.setStatus(status);
    resp.setContentType("text/html; charset=UTF-8");
    resp.setHeader("Cache-Control", "no-store");
    resp.getWriter()
        .write(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                + esc(title)
                + "</title><style>body{font-family:system-ui,sans-serif;max-width:32em;"
                + "margin:3em auto;padding:0 1em}button{display:block;width:100%;margin:.5em 0;"
                + "padding:.7em;font-size:1em;text-align:left}</style></head><body>"
                + body
                + "</body></html>");
  }

  private static final class MetadataServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient FakeEntra entra;

    MetadataServlet(FakeEntra entra) {
      this.entra = entra;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setContentType("application/xml");
      resp.getOutputStream().write(entra.metadata().bytes());
    }
  }

  private static final class SsoServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient FakeEntra entra;
    private final String spEntityId;
    private final String replyUrl;

    SsoServlet(FakeEntra entra, String spEntityId, String replyUrl) {
      this.entra = entra;
      this.spEntityId = spEntityId;
      this.replyUrl = replyUrl;
    }

    /** HTTP-Redirect AuthnRequest: show the login page. */
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String query = req.getQueryString();
      AuthnRequestInfo info;
      try {
        info = entra.parseRedirect(query == null ? "" : query);
      } catch (IllegalArgumentException e) {
        html(
            resp, 400, "Sign in", "<h1>AADSTS750054</h1><p>SAMLRequest is missing or invalid.</p>");
        return;
      }
      loginPage(resp, info, "redirect", req.getParameter("SAMLRequest"));
    }

    /** HTTP-POST AuthnRequest, or the login page's choice of user. */
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String binding = req.getParameter("binding");
      String samlRequest = req.getParameter("SAMLRequest");
      String relayState = req.getParameter("RelayState");
      AuthnRequestInfo info;
      try {
        info =
            "redirect".equals(binding)
                ? entra.parseRedirect(
                    "SAMLRequest="
                        + URLEncoder.encode(samlRequest, StandardCharsets.UTF_8)
                        + (relayState == null
                            ? ""
                            : "&RelayState="
                                + URLEncoder.encode(relayState, StandardCharsets.UTF_8)))
                : entra.parsePost(samlRequest, relayState);
      } catch (RuntimeException e) {
        html(
            resp, 400, "Sign in", "<h1>AADSTS750054</h1><p>SAMLRequest is missing or invalid.</p>");
        return;
      }
      String user = req.getParameter("user");
      if (user == null) {
        loginPage(resp, info, "post", samlRequest);
        return;
      }
      int index;
      try {
        index = Integer.parseInt(user);
      } catch (NumberFormatException e) {
        index = -1;
      }
      if (index < 0 || index >= entra.users().size() || !registered(resp, info)) {
        if (!resp.isCommitted()) {
          html(resp, 400, "Sign in", "<h1>Unknown user</h1>");
        }
        return;
      }
      String samlResponse = entra.respondTo(info).user(entra.users().get(index)).build();
      StringBuilder form =
          new StringBuilder("<form method=\"post\" action=\"")
              .append(esc(info.assertionConsumerServiceUrl()))
              .append("\"><input type=\"hidden\" name=\"SAMLResponse\" value=\"")
              .append(esc(samlResponse))
              .append("\">");
      info.relayState()
          .ifPresent(
              r ->
                  form.append("<input type=\"hidden\" name=\"RelayState\" value=\"")
                      .append(esc(r))
                      .append("\">"));
      form.append("<noscript><button type=\"submit\">Continue</button></noscript></form>")
          .append("<script>document.forms[0].submit()</script>");
      html(resp, 200, "Working…", form.toString());
    }

    private boolean registered(HttpServletResponse resp, AuthnRequestInfo info) throws IOException {
      if (!spEntityId.equals(info.issuer())) {
        html(
            resp,
            400,
            "Sign in",
            "<h1>AADSTS700016</h1><p>Application with identifier '"
                + esc(String.valueOf(info.issuer()))
                + "' was not found in the directory.</p>");
        return false;
      }
      String acs = info.assertionConsumerServiceUrl();
      if (acs != null && !replyUrl.equals(acs)) {
        html(
            resp,
            400,
            "Sign in",
            "<h1>AADSTS50011</h1><p>The redirect URI '"
                + esc(acs)
                + "' specified in the request does not match the redirect URIs configured for"
                + " the application.</p>");
        return false;
      }
      return true;
    }

    private void loginPage(
        HttpServletResponse resp, AuthnRequestInfo info, String binding, String samlRequest)
        throws IOException {
      if (!registered(resp, info)) {
        return;
      }
      StringBuilder body =
          new StringBuilder("<h1>Fake Microsoft Entra ID</h1><p>Sign in to <code>")
              .append(esc(info.issuer()))
              .append("</code> as:</p>");
      for (int i = 0; i < entra.users().size(); i++) {
        TestUser u = entra.users().get(i);
        body.append("<form method=\"post\" action=\"/saml2\">")
            .append("<input type=\"hidden\" name=\"binding\" value=\"")
            .append(binding)
            .append("\"><input type=\"hidden\" name=\"SAMLRequest\" value=\"")
            .append(esc(samlRequest))
            .append("\">");
        info.relayState()
            .ifPresent(
                r ->
                    body.append("<input type=\"hidden\" name=\"RelayState\" value=\"")
                        .append(esc(r))
                        .append("\">"));
        body.append("<button type=\"submit\" name=\"user\" value=\"")
            .append(i)
            .append("\" id=\"user-")
            .append(i)
            .append("\">")
            .append(esc(u.nameId()))
            .append("</button></form>");
      }
      html(resp, 200, "Sign in to your account", body.toString());
    }
  }
}
