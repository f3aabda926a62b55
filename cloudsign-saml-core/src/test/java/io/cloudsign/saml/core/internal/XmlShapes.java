package io.cloudsign.saml.core.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Random XML-like documents for differential tests of the parser: mostly well-formed, with
 * namespaces declared, redeclared and undeclared, prefixed and plain attributes, entity references,
 * both quote styles, non-ASCII and supplementary characters; and, at a lower rate, every shape a
 * parser must refuse or handle with care (unbound prefixes, repeated attributes, raw {@code <} and
 * {@code &}, {@code ]]>}, CR, TAB in attribute values, comments, CDATA, character references,
 * processing instructions).
 */
final class XmlShapes {
  private static final List<String> NAMES =
      List.of("a", "Assertion", "x-y", "_z.1", "Attribute", "b2", "ID");
  private static final List<String> PREFIXES = List.of("p", "q", "saml", "ds");
  private static final List<String> URIS =
      List.of(
          "urn:a",
          "urn:b",
          "http://www.w3.org/2000/09/xmldsig#",
          "urn:oasis:names:tc:SAML:2.0:assertion",
          "urn:é");
  private static final List<String> SAFE =
      List.of(
          "a", "Z", " ", "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "é", "😀", "\u00A0", ">",
          "\u0085", "\u2028", "\uFFFD", "0", ";", "=", "/");
  private static final List<String> RISKY =
      List.of(
          "&#x41;",
          "&#10;",
          "\t",
          "\n",
          "\r",
          "\r\n",
          "]]>",
          "<",
          "&",
          "&bogus;",
          "'",
          "\"",
          "<!--c-->",
          "<![CDATA[c]]>",
          "<?pi d?>",
          "\u0001");

  private final Random r;
  private final StringBuilder sb = new StringBuilder();

  XmlShapes(Random r) {
    this.r = r;
  }

  String document() {
    switch (r.nextInt(8)) {
      case 0 -> sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
      case 1 -> sb.append("<?xml version='1.0'?>");
      case 2 -> sb.append("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"no\" ?>");
      case 3 -> sb.append(" ");
      default -> {}
    }
    element(0, true);
    if (r.nextInt(10) == 0) {
      sb.append(r.nextBoolean() ? "\n" : "<!-- end -->");
    }
    return sb.toString();
  }

  private void element(int depth, boolean root) {
    String prefix = r.nextInt(3) == 0 ? pick(PREFIXES) + ":" : "";
    String name = prefix + pick(NAMES);
    sb.append('<').append(name);
    if (root && r.nextInt(5) != 0) {
      for (String p : PREFIXES) {
        declare("xmlns:" + p, pick(URIS));
      }
    }
    for (int k = r.nextInt(4); k > 0; k--) {
      switch (r.nextInt(6)) {
        case 0 -> declare("xmlns", r.nextInt(4) == 0 ? "" : pick(URIS));
        case 1 -> declare("xmlns:" + pick(PREFIXES), pick(URIS));
        case 2 -> attribute(pick(PREFIXES) + ":" + pick(NAMES));
        default -> attribute(pick(NAMES));
      }
    }
    if (depth > 4 || r.nextInt(4) == 0) {
      sb.append(r.nextBoolean() ? "/>" : " />");
      return;
    }
    sb.append('>');
    for (int k = r.nextInt(5); k > 0; k--) {
      if (r.nextInt(3) == 0) {
        element(depth + 1, false);
      } else {
        text('<');
      }
    }
    sb.append("</").append(r.nextInt(60) == 0 ? pick(NAMES) : name);
    sb.append(r.nextInt(8) == 0 ? " >" : ">");
  }

  private void declare(String name, String uri) {
    sb.append(' ').append(name).append("=\"").append(uri).append('"');
  }

  private void attribute(String name) {
    char quote = r.nextBoolean() ? '"' : '\'';
    sb.append(r.nextInt(10) == 0 ? "\n\t" : " ").append(name);
    sb.append(r.nextInt(10) == 0 ? " = " : "=").append(quote);
    text(quote);
    sb.append(quote);
  }

  /** Characters for a value ended by {@code end}; a risky piece now and then. */
  private void text(char end) {
    for (int k = r.nextInt(6); k > 0; k--) {
      String piece = r.nextInt(12) == 0 ? pick(RISKY) : pick(SAFE);
      if (end != '<' && piece.equals(String.valueOf(end)) && r.nextInt(4) != 0) {
        continue;
      }
      sb.append(piece);
    }
  }

  private <T> T pick(List<T> list) {
    return list.get(r.nextInt(list.size()));
  }

  private static final byte[][] TOKENS = {
    "<".getBytes(StandardCharsets.UTF_8),
    ">".getBytes(StandardCharsets.UTF_8),
    "&".getBytes(StandardCharsets.UTF_8),
    "&amp;".getBytes(StandardCharsets.UTF_8),
    "&#x41;".getBytes(StandardCharsets.UTF_8),
    "\"".getBytes(StandardCharsets.UTF_8),
    "'".getBytes(StandardCharsets.UTF_8),
    ":".getBytes(StandardCharsets.UTF_8),
    " xmlns:x=\"urn:x\"".getBytes(StandardCharsets.UTF_8),
    " xmlns=\"\"".getBytes(StandardCharsets.UTF_8),
    " a=\"1\"".getBytes(StandardCharsets.UTF_8),
    " x:a=\"1\"".getBytes(StandardCharsets.UTF_8),
    "\r".getBytes(StandardCharsets.UTF_8),
    "\t".getBytes(StandardCharsets.UTF_8),
    "é".getBytes(StandardCharsets.UTF_8),
    {0},
    {(byte) 0xC3},
    {(byte) 0xFF},
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
    "<!--c-->".getBytes(StandardCharsets.UTF_8),
    "]]>".getBytes(StandardCharsets.UTF_8),
    "/".getBytes(StandardCharsets.UTF_8),
    "=".getBytes(StandardCharsets.UTF_8),
    " ".getBytes(StandardCharsets.UTF_8),
    "</a>".getBytes(StandardCharsets.UTF_8),
    "<a>".getBytes(StandardCharsets.UTF_8),
    "<b/>".getBytes(StandardCharsets.UTF_8),
  };

  /** One random edit: a token inserted, a short range deleted, or a short range repeated. */
  static byte[] mutate(byte[] xml, Random r) {
    int at = r.nextInt(xml.length + 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream(xml.length + 16);
    out.write(xml, 0, at);
    switch (r.nextInt(3)) {
      case 0 -> {
        byte[] token = TOKENS[r.nextInt(TOKENS.length)];
        out.write(token, 0, token.length);
        out.write(xml, at, xml.length - at);
      }
      case 1 -> {
        int skip = Math.min(xml.length - at, 1 + r.nextInt(10));
        out.write(xml, at + skip, xml.length - at - skip);
      }
      default -> {
        int length = Math.min(xml.length - at, 1 + r.nextInt(40));
        out.write(xml, at, length);
        out.write(xml, at, xml.length - at);
      }
    }
    return out.toByteArray();
  }
}
