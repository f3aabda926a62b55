package io.cloudsign.saml.interop;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first {@code <form>} of an HTML page as a browser would submit it: its action resolved
 * against the page's URL and its named {@code <input>} values (hidden ones included), entities
 * decoded. Enough for SimpleSAMLphp's login page and its auto-POST page; not a general HTML parser.
 */
record HtmlForm(URI action, Map<String, String> fields) {
  private static final Pattern FORM =
      Pattern.compile("<form\\b([^>]*)>(.*?)</form>", Pattern.DOTALL);
  private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>", Pattern.DOTALL);
  private static final Pattern ATTRIBUTE =
      Pattern.compile("([a-zA-Z_:-]+)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')");
  private static final Pattern ENTITY = Pattern.compile("&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);");

  /** The first form of {@code html}, served at {@code page}; fails when there is none. */
  static HtmlForm first(URI page, String html) {
    Matcher form = FORM.matcher(html);
    if (!form.find()) {
      throw new AssertionError("no <form> on the page " + page + ":\n" + html);
    }
    String action = attribute(form.group(1), "action");
    URI target;
    if (action == null || action.isEmpty()) {
      target = page;
    } else if (action.startsWith("?")) {
      // RFC 3986 §5.2.2: a query-only reference keeps the page's path (URI.resolve drops it)
      target =
          URI.create(
              page.getScheme() + "://" + page.getRawAuthority() + page.getRawPath() + action);
    } else {
      target = page.resolve(action);
    }
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher input = INPUT.matcher(form.group(2));
    while (input.find()) {
      String name = attribute(input.group(1), "name");
      String type = attribute(input.group(1), "type");
      if (name != null && !"checkbox".equals(type) && !"submit".equals(type)) {
        String value = attribute(input.group(1), "value");
        fields.put(name, value == null ? "" : value);
      }
    }
    return new HtmlForm(target, fields);
  }

  /** This form with {@code name} set to {@code value}. */
  HtmlForm with(String name, String value) {
    Map<String, String> f = new LinkedHashMap<>(fields);
    f.put(name, value);
    return new HtmlForm(action, f);
  }

  private static String attribute(String attributes, String name) {
    Matcher m = ATTRIBUTE.matcher(attributes);
    while (m.find()) {
      if (m.group(1).equalsIgnoreCase(name)) {
        return decode(m.group(2) != null ? m.group(2) : m.group(3));
      }
    }
    return null;
  }

  private static String decode(String s) {
    Matcher m = ENTITY.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String e = m.group(1);
      String c =
          switch (e) {
            case "amp" -> "&";
            case "lt" -> "<";
            case "gt" -> ">";
            case "quot" -> "\"";
            case "apos" -> "'";
            default ->
                e.startsWith("#x")
                    ? Character.toString(Integer.parseInt(e.substring(2), 16))
                    : e.startsWith("#")
                        ? Character.toString(Integer.parseInt(e.substring(1)))
                        : m.group();
          };
      m.appendReplacement(out, Matcher.quoteReplacement(c));
    }
    m.appendTail(out);
    return out.toString();
  }
}
