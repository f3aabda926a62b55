package io.cloudsign.saml.springexample;

import io.cloudsign.saml.servlet.SamlPrincipal;
import io.cloudsign.saml.spring.CloudsignSamlAuthentication;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Home (public) and {@code /me}: the plain example's JSON for the signed-in user. */
@RestController
class Pages {
  @GetMapping(value = "/", produces = "text/html; charset=UTF-8")
  String home(Authentication auth, CsrfToken csrf) {
    return auth instanceof CloudsignSamlAuthentication a
        ? "<!DOCTYPE html><title>cloudsign-saml example</title><p>Signed in as <b id=\"user\">"
            + esc(a.getName())
            + "</b>. <a href=\"/me\">/me</a></p>"
            + "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\""
            + esc(csrf.getParameterName())
            + "\" value=\""
            + esc(csrf.getToken())
            + "\"><button id=\"sign-out\">Sign out</button></form>"
        : "<!DOCTYPE html><title>cloudsign-saml example</title><p>Not signed in. <a"
            + " id=\"sign-in\" href=\"/login?return_to=%2Fme\">Sign in with Microsoft Entra"
            + " ID</a></p>";
  }

  @GetMapping("/me")
  ResponseEntity<String> me(CloudsignSamlAuthentication auth) {
    SamlPrincipal p = auth.identity();
    StringBuilder json = new StringBuilder("{\"nameId\": ").append(string(p.nameId()));
    json.append(", \"attributes\": {");
    Iterator<Map.Entry<String, List<String>>> it = p.attributes().entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, List<String>> e = it.next();
      json.append(string(e.getKey())).append(": [");
      for (int i = 0; i < e.getValue().size(); i++) {
        json.append(i == 0 ? "" : ", ").append(string(e.getValue().get(i)));
      }
      json.append(']').append(it.hasNext() ? ", " : "");
    }
    json.append("}, \"sessionIndex\": ")
        .append(p.sessionIndex().map(Pages::string).orElse("null"))
        .append('}');
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_JSON)
        .cacheControl(CacheControl.noStore())
        .body(json.toString());
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** Minimal JSON string encoding (RFC 8259), as the plain example writes it. */
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
