package io.cloudsign.saml.servlet.internal;

/** Escaping for text we put into HTML ourselves. */
public final class Html {
  private Html() {}

  /** Escapes for HTML text and double-quoted attribute values. */
  public static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** A minimal standalone page. {@code bodyHtml} must already be escaped. */
  public static String page(String title, String headExtra, String bodyHtml) {
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>"
        + escape(title)
        + "</title>"
        + headExtra
        + "<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;"
        + "padding:0 1em;color:#222}code{background:#f3f3f3;padding:.1em .3em}</style>"
        + "</head><body>"
        + bodyHtml
        + "</body></html>";
  }
}
