package io.cloudsign.saml.core.internal;

/** Escaping for XML and HTML text and attribute values we write ourselves. Not API. */
public final class XmlText {
  private XmlText() {}

  /** Escapes {@code & < > " '} so the value is safe in element text and quoted attributes. */
  public static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
