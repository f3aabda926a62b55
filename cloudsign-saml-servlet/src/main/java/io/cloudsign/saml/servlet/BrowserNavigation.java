package io.cloudsign.saml.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;
import java.util.Locale;

/** The default of {@link SamlSsoFilter.Builder#redirectToSignIn}; see {@link #test}. */
final class BrowserNavigation {
  private BrowserNavigation() {}

  /**
   * Not XHR, {@code Sec-Fetch-Mode} absent or {@code navigate}, and {@code Accept} absent or
   * admitting HTML ({@code text/html}, {@code application/xhtml+xml}, {@code text/*} or {@code * /
   * *} without {@code q=0}).
   */
  static boolean test(HttpServletRequest request) {
    if ("XMLHttpRequest".equalsIgnoreCase(request.getHeader("X-Requested-With"))) {
      return false;
    }
    String mode = request.getHeader("Sec-Fetch-Mode");
    if (mode != null && !mode.equalsIgnoreCase("navigate")) {
      return false;
    }
    Enumeration<String> accepts = request.getHeaders("Accept");
    if (accepts == null || !accepts.hasMoreElements()) {
      return true;
    }
    boolean any = false;
    while (accepts.hasMoreElements()) {
      for (String range : accepts.nextElement().split(",")) {
        String[] parts = range.split(";");
        String type = parts[0].strip().toLowerCase(Locale.ROOT);
        if (type.isEmpty()) {
          continue;
        }
        any = true;
        if (!refused(parts) && admitsHtml(type)) {
          return true;
        }
      }
    }
    return !any;
  }

  private static boolean refused(String[] rangeParts) {
    for (int i = 1; i < rangeParts.length; i++) {
      String p = rangeParts[i].strip().toLowerCase(Locale.ROOT).replace(" ", "");
      if (p.equals("q=0") || p.matches("q=0\\.0{0,3}")) {
        return true;
      }
    }
    return false;
  }

  private static boolean admitsHtml(String type) {
    return type.equals("text/html")
        || type.equals("application/xhtml+xml")
        || type.equals("text/*")
        || type.equals("*/*");
  }
}
