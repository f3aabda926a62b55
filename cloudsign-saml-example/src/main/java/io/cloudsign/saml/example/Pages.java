package io.cloudsign.saml.example;

import io.cloudsign.saml.servlet.SamlPrincipal;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The example's pages: home (public), profile (protected) and {@code /me} (JSON). */
final class Pages {
  private Pages() {}

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }

  static void html(HttpServletResponse resp, int status, String title, String body)
      throws IOException {
    resp.setStatus(status);
    resp.setContentType("text/html; charset=UTF-8");
    resp.setHeader("Cache-Control", "no-store");
    resp.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    resp.getOutputStream()
        .write(
            ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                    + esc(title)
                    + "</title><style>body{font-family:system-ui,sans-serif;max-width:48em;"
                    + "margin:2em auto;padding:0 1em}td,th{text-align:left;padding:.2em .6em;"
                    + "vertical-align:top;overflow-wrap:anywhere}table{table-layout:fixed;width:100%}"
                    + "th{width:35%}</style></head><body>"
                    + body
                    + "</body></html>")
                .getBytes(StandardCharsets.UTF_8));
  }

  /** {@code /}: public. */
  static final class Home extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      if (!"/".equals(req.getRequestURI())) {
        html(resp, 404, "Not found", "<h1>Not found</h1><p><a href=\"/\">Home</a></p>");
        return;
      }
      Optional<SamlPrincipal> user = SamlPrincipal.of(req);
      String body =
          user.isPresent()
              ? "<h1>cloudsign-saml example</h1><p>Signed in as <b id=\"user\">"
                  + esc(user.get().getName())
                  + "</b>.</p><p><a href=\"/profile\">Profile</a> · <a href=\"/me\">/me</a></p>"
                  + "<form method=\"post\" action=\"/logout\"><button>Sign out</button></form>"
              : "<h1>cloudsign-saml example</h1><p>Not signed in.</p>"
                  + "<p><a id=\"sign-in\" href=\"/login?return_to=%2Fprofile\">Sign in with"
                  + " Microsoft Entra ID</a></p>";
      html(resp, 200, "cloudsign-saml example", body);
    }
  }

  /** {@code /profile}: protected; the signed-in user's NameID and claims. */
  static final class Profile extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      SamlPrincipal p = (SamlPrincipal) req.getUserPrincipal();
      StringBuilder b =
          new StringBuilder("<h1>Profile</h1><table><tr><th>Local user</th><td id=\"local-user\">")
              .append(esc(req.getRemoteUser()))
              .append("</td></tr><tr><th>NameID</th><td id=\"name-id\">")
              .append(esc(p.nameId()))
              .append("</td></tr><tr><th>NameID format</th><td>")
              .append(esc(p.nameIdFormat().orElse("")))
              .append("</td></tr><tr><th>Session index</th><td>")
              .append(esc(p.sessionIndex().orElse("")))
              .append("</td></tr><tr><th>IdP</th><td>")
              .append(esc(p.issuer()))
              .append("</td></tr></table><h2>Claims</h2><table>");
      for (Map.Entry<String, List<String>> e : p.attributes().entrySet()) {
        b.append("<tr><th>")
            .append(esc(e.getKey()))
            .append("</th><td>")
            .append(esc(String.join(", ", e.getValue())))
            .append("</td></tr>");
      }
      b.append("</table><p><a href=\"/me\">/me</a> · <a href=\"/\">Home</a></p>")
          .append("<form method=\"post\" action=\"/logout\"><button id=\"sign-out\">Sign out")
          .append("</button></form>");
      html(resp, 200, "Profile", b.toString());
    }
  }

  /** {@code /me}: protected; the contract's JSON. */
  static final class Me extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      SamlPrincipal p = (SamlPrincipal) req.getUserPrincipal();
      StringBuilder json = new StringBuilder("{\"nameId\": ").append(Json.string(p.nameId()));
      json.append(", \"attributes\": {");
      Iterator<Map.Entry<String, List<String>>> it = p.attributes().entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<String, List<String>> e = it.next();
        json.append(Json.string(e.getKey())).append(": [");
        for (int i = 0; i < e.getValue().size(); i++) {
          json.append(i == 0 ? "" : ", ").append(Json.string(e.getValue().get(i)));
        }
        json.append(']').append(it.hasNext() ? ", " : "");
      }
      json.append("}, \"sessionIndex\": ")
          .append(p.sessionIndex().map(Json::string).orElse("null"))
          .append('}');
      resp.setStatus(200);
      resp.setContentType("application/json");
      resp.setCharacterEncoding("UTF-8");
      resp.setHeader("Cache-Control", "no-store");
      resp.getOutputStream().write(json.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Minimal JSON string encoding (RFC 8259). */
  static final class Json {
    private Json() {}

    static String string(String s) {
      StringBuilder b = new StringBuilder(s.length() + 2).append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          default -> {
            if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
              b.append(String.format("\\u%04x", (int) c));
            } else {
              b.append(c);
            }
          }
        }
      }
      return b.append('"').toString();
    }
  }
}
