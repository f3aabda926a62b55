package io.cloudsign.saml.core.internal;

import java.security.MessageDigest;
import java.util.Arrays;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Exclusive XML Canonicalization 1.0 without comments (the c14n of Entra's signatures) of a DOM
 * subtree, with one element left out (the enveloped signature): the bytes Santuario's {@code
 * Canonicalizer20010315ExclOmitComments#engineCanonicalizeSubTree(apex, null, excluded, out)}
 * writes, without its per-call symbol tables, sorted sets and byte-at-a-time output. Not API.
 *
 * <p>It handles the DOMs {@link SecureXml} builds and only what it is sure of: anything else (a
 * processing instruction, CDATA section or entity reference node, an attribute in the {@code xml}
 * namespace, a declaration of the {@code xml} prefix or of a relative namespace URI, a
 * namespace-unaware node, nesting deeper than the parse allows) makes it decline, and the caller
 * canonicalizes with Santuario instead. {@code ExclusiveC14nDifferentialTest} compares the two byte
 * for byte.
 *
 * <p>The rules (W3C exc-c14n §3, c14n §2): a namespace is written on an element when the element
 * visibly uses it (its own prefix or default namespace, its attributes' prefixes) and the nearest
 * output ancestor did not already write the same binding; namespace declarations first, sorted by
 * prefix with the default first, then the attributes sorted by namespace URI (none first) and local
 * name; text escapes {@code & < >} and CR, attribute values {@code & < "} TAB LF CR; empty elements
 * get an end tag; comments are dropped.
 */
final class ExclusiveC14n {
  private static final String XMLNS_NS = FastXml.XMLNS_NS;
  private static final String XML_NS = FastXml.XML_NS;
  private static final int MAX_DEPTH = OpenSaml.MAX_ELEMENT_DEPTH + 1;

  private final Out out;
  private final Element excluded;
  // Bindings written by output ancestors, innermost last ("" prefix: the default namespace).
  private String[] prefixes = new String[8];
  private String[] uris = new String[8];
  private int rendered;
  // The element being written: its visibly used bindings and its attributes.
  private String[] usedPrefix = new String[4];
  private Attr[] attrs = new Attr[8];

  private ExclusiveC14n(Out out, Element excluded) {
    this.out = out;
    this.excluded = excluded;
  }

  /** Thrown internally when the subtree is outside what this canonicalizer handles. */
  private static final class Decline extends Exception {
    private static final long serialVersionUID = 1L;
    static final Decline INSTANCE = new Decline();

    private Decline() {
      super(null, null, false, false);
    }
  }

  /**
   * Writes the canonical form of {@code apex} without {@code excluded} (may be {@code null}) to
   * {@code out}; {@code false} if it declined, and then what was written must be discarded ({@link
   * Out#reset()}).
   */
  static boolean canonicalize(Element apex, Element excluded, Out out) {
    try {
      new ExclusiveC14n(out, excluded).element(apex, 0);
      return true;
    } catch (Decline | IllegalArgumentException e) {
      return false; // IllegalArgumentException: a lone surrogate in a value
    }
  }

  private void element(Element e, int depth) throws Decline {
    if (depth > MAX_DEPTH || e.getLocalName() == null) {
      throw Decline.INSTANCE;
    }
    int mark = rendered;
    String name = e.getTagName();
    out.ascii('<');
    out.text(name, false);
    int attributeCount = attributes(e);
    namespaces(e, attributeCount);
    for (int k = 0; k < attributeCount; k++) {
      Attr a = attrs[k];
      out.ascii(' ');
      out.text(a.getName(), false);
      out.ascii("=\"");
      out.text(a.getValue(), true);
      out.ascii('"');
    }
    out.ascii('>');
    for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
      switch (c.getNodeType()) {
        case Node.ELEMENT_NODE -> {
          if (c != excluded) {
            element((Element) c, depth + 1);
          }
        }
        case Node.TEXT_NODE -> out.text(c.getNodeValue(), false, true);
        case Node.COMMENT_NODE -> {
          // c14n without comments
        }
        default -> throw Decline.INSTANCE; // PI, CDATA, entity reference
      }
    }
    out.ascii("</");
    out.text(name, false);
    out.ascii('>');
    rendered = mark;
  }

  /**
   * Collects {@code e}'s attributes other than namespace declarations into {@link #attrs}, sorted
   * as c14n sorts them; returns how many.
   */
  private int attributes(Element e) throws Decline {
    NamedNodeMap map = e.getAttributes();
    int n = 0;
    for (int k = 0, all = map.getLength(); k < all; k++) {
      Attr a = (Attr) map.item(k);
      String uri = a.getNamespaceURI();
      if (a.getLocalName() == null || XML_NS.equals(uri)) {
        throw Decline.INSTANCE;
      }
      if (XMLNS_NS.equals(uri)) {
        String value = a.getValue();
        if ("xml".equals(a.getLocalName()) || (!value.isEmpty() && value.indexOf(':') <= 0)) {
          // xmlns:xml, which c14n never writes; a relative namespace URI, which Santuario
          // refuses to canonicalize (c14n §2.3 leaves it implementation-defined)
          throw Decline.INSTANCE;
        }
        continue;
      }
      if (n == attrs.length) {
        attrs = Arrays.copyOf(attrs, n * 2);
      }
      // Insertion sort: an element has a handful of attributes.
      int at = n++;
      while (at > 0 && compare(attrs[at - 1], a) > 0) {
        attrs[at] = attrs[at - 1];
        at--;
      }
      attrs[at] = a;
    }
    return n;
  }

  /** No namespace first, then by namespace URI; then by local name. */
  private static int compare(Attr a, Attr b) {
    String ua = a.getNamespaceURI();
    String ub = b.getNamespaceURI();
    if (ua == null || ub == null) {
      if (ua != ub) {
        return ua == null ? -1 : 1;
      }
      return a.getLocalName().compareTo(b.getLocalName());
    }
    int byUri = ua.compareTo(ub);
    return byUri != 0 ? byUri : a.getLocalName().compareTo(b.getLocalName());
  }

  /**
   * Writes the namespace declarations {@code e} visibly uses that no output ancestor wrote with the
   * same value, sorted by prefix (the default first), and records them as written.
   */
  private void namespaces(Element e, int attributeCount) throws Decline {
    int used = 0;
    String own = e.getPrefix() == null ? "" : e.getPrefix();
    usedPrefix[used++] = own;
    for (int k = 0; k < attributeCount; k++) {
      String p = attrs[k].getPrefix();
      if (p != null && !contains(usedPrefix, used, p)) {
        if (used == usedPrefix.length) {
          usedPrefix = Arrays.copyOf(usedPrefix, used * 2);
        }
        usedPrefix[used++] = p;
      }
    }
    Arrays.sort(usedPrefix, 0, used); // "" (the default) sorts first
    for (int k = 0; k < used; k++) {
      String prefix = usedPrefix[k];
      String uri =
          prefix.equals(own) ? e.getNamespaceURI() : uriOfAttributePrefix(prefix, attributeCount);
      if (uri == null) {
        uri = "";
      }
      if (!prefix.isEmpty() && uri.isEmpty()) {
        throw Decline.INSTANCE; // a prefix bound to no namespace: not from a namespace-aware parse
      }
      String before = writtenUri(prefix);
      if (uri.equals(before == null ? "" : before) && (before != null || prefix.isEmpty())) {
        continue;
      }
      out.ascii(prefix.isEmpty() ? " xmlns=\"" : " xmlns:");
      if (!prefix.isEmpty()) {
        out.text(prefix, false);
        out.ascii("=\"");
      }
      out.text(uri, true);
      out.ascii('"');
      write(prefix, uri);
    }
  }

  private String uriOfAttributePrefix(String prefix, int attributeCount) {
    for (int k = 0; k < attributeCount; k++) {
      if (prefix.equals(attrs[k].getPrefix())) {
        return attrs[k].getNamespaceURI();
      }
    }
    return null;
  }

  private static boolean contains(String[] a, int n, String s) {
    for (int k = 0; k < n; k++) {
      if (a[k].equals(s)) {
        return true;
      }
    }
    return false;
  }

  private String writtenUri(String prefix) {
    for (int k = rendered - 1; k >= 0; k--) {
      if (prefixes[k].equals(prefix)) {
        return uris[k];
      }
    }
    return null;
  }

  private void write(String prefix, String uri) {
    if (rendered == prefixes.length) {
      prefixes = Arrays.copyOf(prefixes, rendered * 2);
      uris = Arrays.copyOf(uris, rendered * 2);
    }
    prefixes[rendered] = prefix;
    uris[rendered] = uri;
    rendered++;
  }

  /**
   * UTF-8 output through a buffer: collected ({@code digest == null}) or fed to a digest in blocks.
   */
  static final class Out extends java.io.OutputStream {
    private static final int BLOCK = 128; // characters of text per room() check
    private static final boolean[] PLAIN_IN_NAME = plain(false, false);
    private static final boolean[] PLAIN_IN_TEXT = plain(false, true);
    private static final boolean[] PLAIN_IN_ATTRIBUTE = plain(true, false);

    private MessageDigest digest;
    private byte[] buf = new byte[1024];
    private int length;

    Out(MessageDigest digest) {
      this.digest = digest;
    }

    /** From now on feeds {@code digest} instead of what it did; drops what was collected. */
    void digestInto(MessageDigest digest) {
      this.digest = digest;
      length = 0;
    }

    /** The collected bytes (when not digesting): {@code bytes()[0, length())}. */
    byte[] bytes() {
      return buf;
    }

    int length() {
      return length;
    }

    /** Feeds what is buffered to the digest. */
    @Override
    public void flush() {
      if (digest != null && length > 0) {
        digest.update(buf, 0, length);
        length = 0;
      }
    }

    /** Drops what was written (after a decline), from the digest too. */
    void reset() {
      length = 0;
      if (digest != null) {
        digest.reset();
      }
    }

    @Override
    public void write(int b) {
      room(1);
      buf[length++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      room(len);
      System.arraycopy(b, off, buf, length, len);
      length += len;
    }

    private void room(int n) {
      if (length + n <= buf.length) {
        return;
      }
      if (digest != null) {
        flush();
        if (n <= buf.length) {
          return;
        }
      }
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + n));
    }

    void ascii(char c) {
      room(1);
      buf[length++] = (byte) c;
    }

    void ascii(String s) {
      room(s.length());
      for (int k = 0; k < s.length(); k++) {
        buf[length++] = (byte) s.charAt(k);
      }
    }

    void text(String s, boolean attributeValue) {
      text(s, attributeValue, false);
    }

    /** {@code s} in UTF-8, escaped for an attribute value, for text, or (names) not at all. */
    void text(String s, boolean attributeValue, boolean content) {
      boolean[] plain =
          attributeValue ? PLAIN_IN_ATTRIBUTE : content ? PLAIN_IN_TEXT : PLAIN_IN_NAME;
      int n = s.length();
      int k = 0;
      while (k < n) {
        // A block at a time: room for its longest output, then no checks per character.
        int end = Math.min(n, k + BLOCK);
        room(6 * (end - k)); // the longest escape is 6 bytes; a surrogate pair writes 4 for 2
        byte[] b = buf;
        int at = length;
        for (; k < end; k++) {
          char c = s.charAt(k);
          if (c < 0x80 && plain[c]) {
            b[at++] = (byte) c;
          } else if (c < 0x80) {
            String replacement = escape(c, attributeValue);
            for (int j = 0; j < replacement.length(); j++) {
              b[at++] = (byte) replacement.charAt(j);
            }
          } else if (c < 0x800) {
            b[at++] = (byte) (0xC0 | (c >> 6));
            b[at++] = (byte) (0x80 | (c & 0x3F));
          } else if (Character.isHighSurrogate(c)
              && k + 1 < n
              && Character.isLowSurrogate(s.charAt(k + 1))) {
            int cp = Character.toCodePoint(c, s.charAt(++k));
            b[at++] = (byte) (0xF0 | (cp >> 18));
            b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            b[at++] = (byte) (0x80 | (cp & 0x3F));
          } else if (Character.isSurrogate(c)) {
            length = at;
            throw new IllegalArgumentException("a lone surrogate");
          } else {
            b[at++] = (byte) (0xE0 | (c >> 12));
            b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            b[at++] = (byte) (0x80 | (c & 0x3F));
          }
        }
        length = at;
      }
    }

    /** Which ASCII characters are written as they are: in names all, elsewhere all but escapes. */
    private static boolean[] plain(boolean attributeValue, boolean content) {
      boolean[] plain = new boolean[0x80];
      for (char c = 0; c < 0x80; c++) {
        plain[c] = !(attributeValue || content) || escape(c, attributeValue) == null;
      }
      return plain;
    }

    private static String escape(char c, boolean attributeValue) {
      switch (c) {
        case '&':
          return "&amp;";
        case '<':
          return "&lt;";
        case '\r':
          return "&#xD;";
        case '>':
          return attributeValue ? null : "&gt;";
        case '"':
          return attributeValue ? "&quot;" : null;
        case '\t':
          return attributeValue ? "&#x9;" : null;
        case '\n':
          return attributeValue ? "&#xA;" : null;
        default:
          return null;
      }
    }
  }
}
