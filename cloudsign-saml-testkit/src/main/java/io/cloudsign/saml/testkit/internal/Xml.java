package io.cloudsign.saml.testkit.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * XML plumbing: secure parsing, a DOM that remembers attribute order, and a serializer that writes
 * Entra's one-line form.
 *
 * <p>The JDK's DOM keeps attributes sorted by name, but Entra writes {@code samlp:Response} as
 * {@code ID Version IssueInstant Destination InResponseTo xmlns:samlp}. {@link #parseKeepingOrder}
 * records each element's attribute order as user data so that {@link #serialize} reproduces the
 * template byte for byte; elements created later (by an attack) fall back to DOM order.
 */
public final class Xml {
  public static final String XMLNS = XMLConstants.XMLNS_ATTRIBUTE_NS_URI;
  private static final String ORDER_KEY = "io.cloudsign.saml.testkit.attributeOrder";

  private Xml() {}

  /** Namespace-aware DocumentBuilder that rejects any DOCTYPE and resolves nothing external. */
  public static DocumentBuilder secureDocumentBuilder() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      return b;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("JDK XML parser lacks a required security feature", e);
    }
  }

  /** Securely parses untrusted bytes (no DOCTYPE, no external anything). */
  public static Document parseUntrusted(byte[] xml) {
    try {
      return secureDocumentBuilder().parse(new ByteArrayInputStream(xml));
    } catch (SAXException | IOException e) {
      throw new IllegalArgumentException(
          "not well-formed XML (or has a DOCTYPE): " + e.getMessage());
    }
  }

  /**
   * Parses our own templates into a DOM, recording each element's attribute order (including
   * namespace declarations) so {@link #serialize} can write them back in the same order.
   */
  public static Document parseKeepingOrder(String xml) {
    try {
      SAXParserFactory f = SAXParserFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://xml.org/sax/features/namespace-prefixes", true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      SAXParser parser = f.newSAXParser();
      Document doc = secureDocumentBuilder().newDocument();
      parser.parse(new InputSource(new StringReader(xml)), new DomBuilder(doc));
      return doc;
    } catch (ParserConfigurationException | SAXException | IOException e) {
      throw new IllegalStateException("testkit template is not well-formed: " + e.getMessage(), e);
    }
  }

  private static final class DomBuilder extends DefaultHandler {
    private final Document doc;
    private Node current;

    DomBuilder(Document doc) {
      this.doc = doc;
      this.current = doc;
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes atts) {
      Element e = doc.createElementNS(uri.isEmpty() ? null : uri, qName);
      List<String> order = new ArrayList<>(atts.getLength());
      for (int i = 0; i < atts.getLength(); i++) {
        String name = atts.getQName(i);
        if (name.equals("xmlns") || name.startsWith("xmlns:")) {
          e.setAttributeNS(XMLNS, name, atts.getValue(i));
        } else {
          String ns = atts.getURI(i);
          e.setAttributeNS(ns.isEmpty() ? null : ns, name, atts.getValue(i));
        }
        order.add(name);
      }
      e.setUserData(ORDER_KEY, order, null);
      current.appendChild(e);
      current = e;
    }

    @Override
    public void endElement(String uri, String localName, String qName) {
      current = current.getParentNode();
    }

    @Override
    public void characters(char[] ch, int start, int length) {
      Node last = current.getLastChild();
      String s = new String(ch, start, length);
      if (last != null && last.getNodeType() == Node.TEXT_NODE) {
        last.setNodeValue(last.getNodeValue() + s);
      } else {
        current.appendChild(doc.createTextNode(s));
      }
    }
  }

  /** How {@link #serialize} writes empty elements and whitespace. */
  public enum Style {
    /** Entra's Response: {@code <X/>}, one line. */
    COMPACT,
    /** Entra's metadata (a .NET XmlWriter): {@code <X />}, one line. */
    SPACED_EMPTY,
    /** Indented, as an editor would re-format a file; breaks signatures on purpose. */
    INDENTED
  }

  public static String serialize(Node node, Style style) {
    StringBuilder sb = new StringBuilder(8192);
    write(node, style, sb, 0);
    return sb.toString();
  }

  private static void write(Node n, Style style, StringBuilder sb, int depth) {
    switch (n.getNodeType()) {
      case Node.DOCUMENT_NODE -> {
        for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
          write(c, style, sb, depth);
        }
      }
      case Node.ELEMENT_NODE -> writeElement((Element) n, style, sb, depth);
      case Node.TEXT_NODE -> escapeText(n.getNodeValue(), sb);
      case Node.CDATA_SECTION_NODE -> sb.append("<![CDATA[").append(n.getNodeValue()).append("]]>");
      case Node.COMMENT_NODE -> sb.append("<!--").append(n.getNodeValue()).append("-->");
      case Node.PROCESSING_INSTRUCTION_NODE ->
          sb.append("<?").append(n.getNodeName()).append(' ').append(n.getNodeValue()).append("?>");
      default -> throw new IllegalStateException("cannot serialize node type " + n.getNodeType());
    }
  }

  private static void writeElement(Element e, Style style, StringBuilder sb, int depth) {
    boolean indent = style == Style.INDENTED;
    if (indent && depth > 0) {
      sb.append('\n').append("  ".repeat(depth));
    }
    sb.append('<').append(e.getTagName());
    for (Attr a : orderedAttributes(e)) {
      sb.append(' ').append(a.getName()).append("=\"");
      escapeAttribute(a.getValue(), sb);
      sb.append('"');
    }
    if (!e.hasChildNodes()) {
      sb.append(style == Style.COMPACT ? "/>" : " />");
      return;
    }
    sb.append('>');
    boolean elementOnly = true;
    for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c.getNodeType() != Node.ELEMENT_NODE) {
        elementOnly = false;
      }
    }
    for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
      write(c, elementOnly ? style : (indent ? Style.SPACED_EMPTY : style), sb, depth + 1);
    }
    if (indent && elementOnly) {
      sb.append('\n').append("  ".repeat(depth));
    }
    sb.append("</").append(e.getTagName()).append('>');
  }

  private static List<Attr> orderedAttributes(Element e) {
    NamedNodeMap map = e.getAttributes();
    List<Attr> out = new ArrayList<>(map.getLength());
    Object recorded = e.getUserData(ORDER_KEY);
    if (recorded instanceof List<?> order) {
      for (Object name : order) {
        Attr a = e.getAttributeNode((String) name);
        if (a != null) {
          out.add(a);
        }
      }
    }
    List<Attr> declarations = new ArrayList<>();
    for (int i = 0; i < map.getLength(); i++) {
      Attr a = (Attr) map.item(i);
      if (out.contains(a)) {
        continue;
      }
      if (XMLNS.equals(a.getNamespaceURI())) {
        declarations.add(a);
      } else {
        out.add(a);
      }
    }
    out.addAll(declarations);
    return out;
  }

  private static void escapeText(String s, StringBuilder sb) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '\r' -> sb.append("&#xD;");
        default -> sb.append(c);
      }
    }
  }

  private static void escapeAttribute(String s, StringBuilder sb) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\t' -> sb.append("&#x9;");
        case '\n' -> sb.append("&#xA;");
        case '\r' -> sb.append("&#xD;");
        default -> sb.append(c);
      }
    }
  }

  /** Escapes for use in our own templates (text and attribute values alike). */
  public static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    escapeAttribute(s, sb);
    return sb.toString();
  }

  /** Direct child elements of {@code parent} with the given namespace and local name. */
  public static List<Element> children(Element parent, String ns, String localName) {
    List<Element> out = new ArrayList<>();
    for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c instanceof Element el
          && ns.equals(el.getNamespaceURI())
          && localName.equals(el.getLocalName())) {
        out.add(el);
      }
    }
    return out;
  }

  /** All descendant elements with the given namespace and local name, in document order. */
  public static List<Element> descendants(Node root, String ns, String localName) {
    List<Element> out = new ArrayList<>();
    var list =
        root instanceof Document d
            ? d.getElementsByTagNameNS(ns, localName)
            : ((Element) root).getElementsByTagNameNS(ns, localName);
    for (int i = 0; i < list.getLength(); i++) {
      out.add((Element) list.item(i));
    }
    return out;
  }

  /** The un-prefixed attribute {@code name} of {@code e}, or {@code null} when absent. */
  public static String attribute(Element e, String name) {
    return e.hasAttributeNS(null, name) ? e.getAttributeNS(null, name) : null;
  }

  /**
   * The un-prefixed attribute {@code name} of {@code e}.
   *
   * @throws IllegalArgumentException naming the element and the attribute when it is absent
   */
  public static String requiredAttribute(Element e, String name) {
    String v = attribute(e, name);
    if (v == null) {
      throw new IllegalArgumentException(e.getLocalName() + " has no " + name + " attribute");
    }
    return v;
  }

  /**
   * The one direct child {@code {ns}name} of {@code parent}.
   *
   * @throws IllegalArgumentException naming {@code what} (the message) when there is none or
   *     several (a second Issuer or NameID is a wrapping attempt)
   */
  public static Element onlyChild(Element parent, String ns, String name, String what) {
    List<Element> found = children(parent, ns, name);
    if (found.size() != 1) {
      throw new IllegalArgumentException(what + " must have one " + name + ", has " + found.size());
    }
    return found.get(0);
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
