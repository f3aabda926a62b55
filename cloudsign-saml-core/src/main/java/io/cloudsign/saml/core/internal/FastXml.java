package io.cloudsign.saml.core.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilder;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A parser for the plain subset of XML that IdPs write, building the same DOM the JDK's parser
 * builds (configured as in {@link SecureXml}) in one pass over the bytes, at a fraction of its
 * cost. Not API.
 *
 * <p>It only ever declines: anything outside the subset returns {@code null} and {@link SecureXml}
 * hands the document to the JDK's parser, which accepts or rejects it as before. So it must never
 * accept a document that parser rejects, nor build a different tree for one it accepts; {@code
 * FastXmlDifferentialTest} compares the two on the attack and fuzz corpora and on generated and
 * mutated documents. The subset: UTF-8 (checked strictly), an optional XML declaration (version
 * 1.0, encoding UTF-8, standalone), elements and attributes with ASCII names, namespace
 * declarations, the five predefined entity references, text. Declined: comments, CDATA sections,
 * processing instructions, DOCTYPE, character references, {@code xml:} attributes and declarations
 * of the {@code xml}/{@code xmlns} prefixes, raw CR anywhere in content and raw TAB, LF or CR in
 * attribute values (XML's newline and attribute-value normalization), and every well-formedness
 * error. It counts {@link XmlBounds} as {@code XmlBounds#check} counts them and declines outside
 * them, and bounds depth, so its work is linear in the input and its explicit stack stays small.
 *
 * <p>One long class on purpose: the subset's rules live in one reader of the bytes, next to each
 * other, where the differential test's failures point.
 */
final class FastXml {
  static final String XMLNS_NS = "http://www.w3.org/2000/xmlns/";
  static final String XML_NS = "http://www.w3.org/XML/1998/namespace";
  private static final int MAX_NAME = 512;

  // Byte classes: which bytes start a name part and continue one (the ASCII subset of NCName), and
  // which the character-data loop steps over without a check in text and in attribute values.
  private static final byte NAME_START = 1;
  private static final byte NAME_CHAR = 2;
  private static final byte PLAIN_IN_TEXT = 4;
  private static final byte PLAIN_IN_ATTRIBUTE = 8;
  private static final byte[] CLASS = new byte[256];

  static {
    for (int c = 0; c < 0x80; c++) {
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      boolean other = (c >= '0' && c <= '9') || c == '-' || c == '.';
      boolean printable = c >= 0x20 && c != '<' && c != '&';
      CLASS[c] =
          (byte)
              ((letter ? NAME_START | NAME_CHAR : 0)
                  | (other ? NAME_CHAR : 0)
                  | ((printable && c != '>') || c == '\t' || c == '\n' ? PLAIN_IN_TEXT : 0)
                  | (printable && c != '"' && c != '\'' ? PLAIN_IN_ATTRIBUTE : 0));
    }
  }

  private final byte[] b;
  private final Document doc;
  private final XmlBounds bounds;
  private int elements;
  private int attributes;
  private int i;

  // Open elements: their qname's start and length in b, and how many bindings each declared.
  private final int[] openStart = new int[OpenSaml.MAX_ELEMENT_DEPTH + 1];
  private final int[] openLength = new int[OpenSaml.MAX_ELEMENT_DEPTH + 1];
  private final int[] openBindings = new int[OpenSaml.MAX_ELEMENT_DEPTH + 1];
  private final Node[] open = new Node[OpenSaml.MAX_ELEMENT_DEPTH + 1];
  private int depth;

  // Namespace bindings in scope, innermost last ("" is the default namespace, null uri: none).
  private String[] prefixes = new String[16];
  private String[] uris = new String[16];
  private int bindings;

  // The attributes of the start tag being read.
  private final Attrs attrs = new Attrs();

  private FastXml(byte[] b, int from, Document doc, XmlBounds bounds) {
    this.b = b;
    this.i = from;
    this.doc = doc;
    this.bounds = bounds;
  }

  /** Thrown internally when the input leaves the subset; never escapes {@link #parse}. */
  private static final class Decline extends Exception {
    private static final long serialVersionUID = 1L;
    static final Decline INSTANCE = new Decline();

    private Decline() {
      super(null, null, false, false);
    }
  }

  /**
   * The DOM of {@code xml[from..]}, or {@code null} when the document is outside the subset or
   * outside {@code bounds} (the caller then checks the bounds and parses it with the JDK's parser).
   * For the subset, {@code bounds} are counted exactly as {@link XmlBounds#check} counts them, so a
   * document this accepts is one that check accepts; the parse is linear in the input either way.
   */
  static Document parse(byte[] xml, int from, DocumentBuilder builder, XmlBounds bounds) {
    Document doc = builder.newDocument();
    doc.setStrictErrorChecking(false);
    try {
      new FastXml(xml, from, doc, bounds).document();
    } catch (Decline | RuntimeException e) {
      // RuntimeException: a DOM that refuses a name or value we let through; the JDK parser
      // then has the last word on the document.
      return null;
    }
    doc.setStrictErrorChecking(true);
    return doc;
  }

  private void document() throws Decline {
    xmlDeclaration();
    skipSpace();
    element(); // the root, and everything in it
    skipSpace();
    if (i != b.length) {
      throw Decline.INSTANCE; // markup or text after the root element
    }
  }

  /** {@code <?xml version="1.0" [encoding="UTF-8"] [standalone="yes|no"]?>}, only at the start. */
  private void xmlDeclaration() throws Decline {
    if (!startsWith("<?xml") || i + 5 >= b.length || !isSpace(b[i + 5])) {
      return;
    }
    i += 5;
    String version = pseudoAttribute("version", true);
    String encoding = pseudoAttribute("encoding", false);
    String standalone = pseudoAttribute("standalone", false);
    skipSpace();
    if (!"1.0".equals(version)
        || (encoding != null && !encoding.equals("UTF-8") && !encoding.equals("utf-8"))
        || (standalone != null && !standalone.equals("yes") && !standalone.equals("no"))
        || !startsWith("?>")) {
      throw Decline.INSTANCE;
    }
    i += 2;
  }

  private String pseudoAttribute(String name, boolean required) throws Decline {
    int start = i;
    skipSpace();
    if (i == start || !startsWith(name)) {
      if (required) {
        throw Decline.INSTANCE;
      }
      i = start;
      return null;
    }
    i += name.length();
    skipSpace();
    expect('=');
    skipSpace();
    byte quote = next();
    if (quote != '"' && quote != '\'') {
      throw Decline.INSTANCE;
    }
    int valueStart = i;
    while (i < b.length && b[i] != quote) {
      if (b[i] < 0x20 || b[i] == '<' || b[i] == '&') {
        throw Decline.INSTANCE;
      }
      i++;
    }
    String value = new String(b, valueStart, i - valueStart, StandardCharsets.ISO_8859_1);
    expect(quote);
    return value;
  }

  /** The root element and its content, without recursion. */
  private void element() throws Decline {
    expect('<');
    startTag(doc);
    while (depth > 0) {
      int lt = text();
      i = lt + 1;
      if (lt + 1 >= b.length) {
        throw Decline.INSTANCE;
      }
      byte c = b[lt + 1];
      if (c == '/') {
        i++;
        endTag();
      } else if (c == '!' || c == '?') {
        throw Decline.INSTANCE; // comment, CDATA, DOCTYPE or processing instruction
      } else {
        startTag(open[depth]);
      }
    }
  }

  private void startTag(Node parent) throws Decline {
    if (++elements > bounds.maxElements()) {
      throw Decline.INSTANCE;
    }
    int nameStart = i;
    int colon = name();
    int nameLength = i - nameStart;
    attrs.clear();
    boolean empty;
    while (true) {
      int beforeSpace = i;
      skipSpace();
      byte c = next();
      if (c == '>') {
        empty = false;
        break;
      }
      if (c == '/') {
        expect('>');
        empty = true;
        break;
      }
      if (i - 1 == beforeSpace) {
        throw Decline.INSTANCE; // an attribute must follow whitespace
      }
      i--;
      if (attrs.count == bounds.maxAttributesPerElement()
          || ++attributes > bounds.maxAttributes()) {
        throw Decline.INSTANCE;
      }
      attribute();
    }
    if (depth == OpenSaml.MAX_ELEMENT_DEPTH) {
      throw Decline.INSTANCE;
    }
    int declared = declare();
    if (bindings > bounds.maxNamespacesInScope()) {
      throw Decline.INSTANCE;
    }
    String qname = Names.of(b, nameStart, nameLength);
    String uri = resolve(colon < 0 ? "" : Names.of(b, nameStart, colon - nameStart), colon >= 0);
    Element e = doc.createElementNS(uri, qname);
    setAttributes(e);
    parent.appendChild(e);
    if (empty) {
      bindings -= declared;
      return;
    }
    depth++;
    open[depth] = e;
    openStart[depth] = nameStart;
    openLength[depth] = nameLength;
    openBindings[depth] = declared;
  }

  private void endTag() throws Decline {
    int start = i;
    name();
    int length = i - start;
    if (length != openLength[depth]
        || !java.util.Arrays.equals(
            b, start, start + length, b, openStart[depth], openStart[depth] + length)) {
      throw Decline.INSTANCE;
    }
    skipSpace();
    expect('>');
    bindings -= openBindings[depth];
    open[depth] = null;
    depth--;
  }

  /** One {@code name = "value"}; its value decoded. */
  private void attribute() throws Decline {
    int nameStart = i;
    int colon = name();
    int nameEnd = i;
    skipSpace();
    expect('=');
    skipSpace();
    byte quote = next();
    if (quote != '"' && quote != '\'') {
      throw Decline.INSTANCE;
    }
    String value = characters(quote, true);
    expect(quote);
    attrs.add(nameStart, nameEnd - nameStart, colon, value);
  }

  /**
   * The namespace declarations of the tag: bound in scope (checked as the JDK's parser checks
   * them); returns how many.
   */
  private int declare() throws Decline {
    int declared = 0;
    for (int a = 0; a < attrs.count; a++) {
      int start = attrs.start[a];
      int length = attrs.length[a];
      int colon = attrs.colon[a];
      boolean isDefault = length == 5 && matches(start, "xmlns");
      boolean isPrefixed = colon == start + 5 && matches(start, "xmlns");
      if (!isDefault && !isPrefixed) {
        continue;
      }
      String value = attrs.value[a];
      String prefix = isDefault ? "" : Names.of(b, colon + 1, start + length - colon - 1);
      if (prefix.equals("xml")
          || prefix.equals("xmlns")
          || value.equals(XMLNS_NS)
          || value.equals(XML_NS)
          || (isPrefixed && value.isEmpty())) {
        throw Decline.INSTANCE;
      }
      attrs.declaration[a] = true;
      bind(prefix, value.isEmpty() ? null : value);
      declared++;
    }
    return declared;
  }

  private void bind(String prefix, String uri) {
    if (bindings == prefixes.length) {
      prefixes = java.util.Arrays.copyOf(prefixes, bindings * 2);
      uris = java.util.Arrays.copyOf(uris, bindings * 2);
    }
    prefixes[bindings] = prefix;
    uris[bindings] = uri;
    bindings++;
  }

  /** The namespace of {@code prefix} in scope ("" is the default); an unbound prefix declines. */
  private String resolve(String prefix, boolean prefixed) throws Decline {
    for (int k = bindings - 1; k >= 0; k--) {
      if (prefixes[k].equals(prefix)) {
        if (prefixed && uris[k] == null) {
          throw Decline.INSTANCE;
        }
        return uris[k];
      }
    }
    if (prefixed) {
      throw Decline.INSTANCE; // the JDK's parser rejects an unbound prefix
    }
    return null;
  }

  /**
   * Sets the tag's attributes on {@code e} in document order, the declarations in the xmlns
   * namespace as the JDK's parser keeps them; a repeated name, by qname or by namespace and local
   * name, declines.
   */
  private void setAttributes(Element e) throws Decline {
    for (int a = 0; a < attrs.count; a++) {
      int start = attrs.start[a];
      int length = attrs.length[a];
      int colon = attrs.colon[a];
      String qname = Names.of(b, start, length);
      String uri;
      String local;
      if (attrs.declaration[a]) {
        uri = XMLNS_NS;
        local = colon < 0 ? qname : qname.substring(colon - start + 1);
      } else if (colon < 0) {
        uri = null;
        local = qname;
      } else {
        String prefix = Names.of(b, start, colon - start);
        if (prefix.equals("xml")) {
          throw Decline.INSTANCE;
        }
        uri = resolve(prefix, true);
        local = qname.substring(colon - start + 1);
      }
      attrs.uri[a] = uri;
      attrs.local[a] = local;
      for (int other = 0; other < a; other++) {
        if (attrs.qname(other, b, start, length)
            || (local.equals(attrs.local[other])
                && java.util.Objects.equals(uri, attrs.uri[other]))) {
          throw Decline.INSTANCE;
        }
      }
      e.setAttributeNS(uri, qname, attrs.value[a]);
    }
  }

  /**
   * Character data up to the next '<', appended to the open element as one Text node; returns the
   * index of that '<'.
   */
  private int text() throws Decline {
    int start = i;
    String text = characters((byte) '<', false);
    if (i >= b.length) {
      throw Decline.INSTANCE;
    }
    if (i > start) {
      open[depth].appendChild(doc.createTextNode(text));
    }
    return i;
  }

  /**
   * Decodes characters up to {@code end} (a quote in an attribute value, '<' in content): the five
   * predefined entities, strictly checked UTF-8, only characters XML allows.
   */
  private String characters(byte end, boolean attributeValue) throws Decline {
    int start = i;
    boolean ascii = true;
    boolean entities = false;
    // The bytes the loop below would only step over, a table lookup each; the loop does the rest.
    int plain = attributeValue ? PLAIN_IN_ATTRIBUTE : PLAIN_IN_TEXT;
    while (i < b.length && (CLASS[b[i] & 0xFF] & plain) != 0) {
      i++;
    }
    for (; i < b.length; i++) {
      byte c = b[i];
      if (c == end) {
        break;
      }
      if (c < 0) {
        ascii = false;
      } else if (c == '&') {
        entities = true;
      } else if (c == '<' || (c < 0x20 && (attributeValue || (c != '\t' && c != '\n')))) {

        throw Decline.INSTANCE;
      } else if (c == '>'
          && !attributeValue
          && i >= start + 2
          && b[i - 1] == ']'
          && b[i - 2] == ']') {
        throw Decline.INSTANCE; // "]]>" is not allowed in content
      }
    }
    if (i == start) {
      return "";
    }
    String raw =
        ascii
            ? new String(b, start, i - start, StandardCharsets.ISO_8859_1)
            : utf8(start, i - start);
    return entities ? expand(raw) : raw;
  }

  /** The five predefined entity references replaced; any other reference declines. */
  private static String expand(String raw) throws Decline {
    StringBuilder sb = new StringBuilder(raw.length());
    int k = 0;
    while (k < raw.length()) {
      char c = raw.charAt(k);
      if (c != '&') {
        sb.append(c);
        k++;
        continue;
      }
      int semi = raw.indexOf(';', k);
      String name = semi < 0 ? "" : raw.substring(k + 1, semi);
      char replacement =
          switch (name) {
            case "lt" -> '<';
            case "gt" -> '>';
            case "amp" -> '&';
            case "quot" -> '"';
            case "apos" -> '\'';
            default -> throw Decline.INSTANCE; // character references, unknown entities
          };
      sb.append(replacement);
      k = semi + 1;
    }
    return sb.toString();
  }

  /** Strict UTF-8 (no malformed or overlong sequences, no encoded surrogates), XML Chars only. */
  private String utf8(int start, int length) throws Decline {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer chars;
    try {
      chars = decoder.decode(ByteBuffer.wrap(b, start, length));
    } catch (CharacterCodingException e) {
      throw Decline.INSTANCE;
    }
    for (int k = 0; k < chars.length(); k++) {
      char c = chars.charAt(k);
      if (c == '\uFFFE' || c == '\uFFFF') {
        throw Decline.INSTANCE;
      }
    }
    return chars.toString();
  }

  /**
   * Reads an ASCII QName ({@code NCName} or {@code NCName:NCName}); returns the index of its colon
   * or -1. Any other name (non-ASCII included) declines.
   */
  private int name() throws Decline {
    int start = i;
    int colon = -1;
    boolean partStart = true;
    while (i < b.length) {
      byte c = b[i];
      if ((CLASS[c & 0xFF] & (partStart ? NAME_START : NAME_CHAR)) != 0) {
        partStart = false;
      } else if (c == ':' && colon < 0 && !partStart) {
        colon = i;
        partStart = true;
      } else {
        break;
      }
      i++;
    }
    if (partStart || i - start > MAX_NAME) {
      throw Decline.INSTANCE; // empty, ends with ':', or a character outside the subset
    }
    return colon;
  }

  private void skipSpace() {
    while (i < b.length && isSpace(b[i])) {
      i++;
    }
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  private byte next() throws Decline {
    if (i >= b.length) {
      throw Decline.INSTANCE;
    }
    return b[i++];
  }

  private void expect(int c) throws Decline {
    if (next() != c) {
      throw Decline.INSTANCE;
    }
  }

  private boolean startsWith(String s) {
    return matches(i, s);
  }

  private boolean matches(int at, String s) {
    if (at + s.length() > b.length) {
      return false;
    }
    for (int k = 0; k < s.length(); k++) {
      if (b[at + k] != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** The attributes of one start tag, reused from tag to tag. */
  private static final class Attrs {
    int count;
    int[] start = new int[8];
    int[] length = new int[8];
    int[] colon = new int[8];
    String[] value = new String[8];
    String[] uri = new String[8];
    String[] local = new String[8];
    boolean[] declaration = new boolean[8];

    void clear() {
      count = 0;
    }

    void add(int s, int l, int c, String v) {
      if (count == start.length) {
        int n = count * 2;
        start = java.util.Arrays.copyOf(start, n);
        length = java.util.Arrays.copyOf(length, n);
        colon = java.util.Arrays.copyOf(colon, n);
        value = java.util.Arrays.copyOf(value, n);
        uri = java.util.Arrays.copyOf(uri, n);
        local = java.util.Arrays.copyOf(local, n);
        declaration = java.util.Arrays.copyOf(declaration, n);
      }
      start[count] = s;
      length[count] = l;
      colon[count] = c;
      value[count] = v;
      declaration[count] = false;
      count++;
    }

    /** Whether attribute {@code a}'s qname is the bytes {@code b[s, s+l)}. */
    boolean qname(int a, byte[] b, int s, int l) {
      return length[a] == l && java.util.Arrays.equals(b, start[a], start[a] + l, b, s, s + l);
    }
  }

  /**
   * ASCII names seen before, so that the hundred or so names of a Response are not a new String
   * each time. Shared by all threads without a lock: a slot holds one immutable String (safely
   * published through its final fields), a collision or a race only replaces it, and every hit is
   * compared byte by byte, so a slot can never give another name than the bytes say.
   */
  private static final class Names {
    private static final String[] SLOTS = new String[1024];

    static String of(byte[] b, int start, int length) {
      int h = 0;
      for (int k = start; k < start + length; k++) {
        h = 31 * h + b[k];
      }
      int slot = (h ^ (h >>> 16)) & (SLOTS.length - 1);
      String s = SLOTS[slot];
      if (s != null && s.length() == length && same(s, b, start)) {
        return s;
      }
      s = new String(b, start, length, StandardCharsets.ISO_8859_1);
      SLOTS[slot] = s;
      return s;
    }

    private static boolean same(String s, byte[] b, int start) {
      for (int k = 0; k < s.length(); k++) {
        if (s.charAt(k) != b[start + k]) {
          return false;
        }
      }
      return true;
    }
  }
}
