package io.cloudsign.saml.core.internal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Strict reading of SAML values from a parsed DOM: elements are matched by namespace and local name
 * (never by prefix), values come only from the element at hand (no search of the document). Not
 * API.
 */
public final class SamlDom {
  public static final String PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
  public static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
  public static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";

  private SamlDom() {}

  /** Whether {@code n} is an element named {@code {ns}local}. */
  public static boolean is(Node n, String ns, String local) {
    return n != null
        && n.getNodeType() == Node.ELEMENT_NODE
        && local.equals(n.getLocalName())
        && ns.equals(n.getNamespaceURI());
  }

  /** The first child element of {@code parent}, or {@code null}. */
  public static Element firstElement(Node parent) {
    return parent == null ? null : element(parent.getFirstChild());
  }

  /** The next sibling element of {@code node}, or {@code null}. */
  public static Element nextElement(Node node) {
    return node == null ? null : element(node.getNextSibling());
  }

  private static Element element(Node n) {
    while (n != null && n.getNodeType() != Node.ELEMENT_NODE) {
      n = n.getNextSibling();
    }
    return (Element) n;
  }

  /**
   * The child {@code {ns}local} of {@code parent}, or {@code null}; more than one is rejected, so a
   * value can never be read from one copy while another reader takes the other.
   */
  public static Element single(Element parent, String ns, String local)
      throws SecureXml.RejectedXmlException {
    Element found = null;
    for (Element c = firstElement(parent); c != null; c = nextElement(c)) {
      if (is(c, ns, local)) {
        if (found != null) {
          throw new SecureXml.RejectedXmlException(
              local + " occurs more than once in " + parent.getLocalName());
        }
        found = c;
      }
    }
    return found;
  }

  /** The unqualified attribute {@code name}, or {@code null} when absent. */
  public static String attribute(Element e, String name) {
    Attr a = e.getAttributeNodeNS(null, name);
    return a == null ? null : a.getValue();
  }

  /**
   * The text of a simple-content element, trimmed as OpenSAML trims it; {@code null} when empty. An
   * element child is rejected (simple content has none; its text could be read two ways).
   */
  public static String text(Element e) throws SecureXml.RejectedXmlException {
    String text = textOrNull(e);
    if (text == null && firstElement(e) != null) {
      throw new SecureXml.RejectedXmlException(e.getLocalName() + " has element content");
    }
    return text;
  }

  /**
   * The trimmed text of {@code e}'s text children, or {@code null} when it is empty or when {@code
   * e} has element children (complex content).
   */
  public static String textOrNull(Element e) {
    StringBuilder sb = null;
    String only = null;
    for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
      switch (c.getNodeType()) {
        case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> {
          String data = c.getNodeValue();
          if (only == null && sb == null) {
            only = data;
          } else {
            if (sb == null) {
              sb = new StringBuilder(only);
            }
            sb.append(data);
          }
        }
        case Node.ELEMENT_NODE -> {
          return null;
        }
        default -> {
          // processing instructions carry no value
        }
      }
    }
    String text = sb != null ? sb.toString().trim() : only == null ? null : only.trim();
    return text == null || text.isEmpty() ? null : text;
  }

  /** The attribute {@code name} as an instant, {@code null} when absent. */
  public static Instant dateTime(Element e, String name) throws SecureXml.RejectedXmlException {
    String value = attribute(e, name);
    if (value == null) {
      return null;
    }
    Instant instant = parseDateTime(value);
    if (instant == null) {
      throw new SecureXml.RejectedXmlException(
          e.getLocalName()
              + " "
              + name
              + " "
              + LogSafe.text(value)
              + " is not an xs:dateTime with a time zone (e.g. 2026-11-28T14:00:00Z)");
    }
    return instant;
  }

  /**
   * Parses xs:dateTime {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm)}; {@code null} if it is not
   * one. A time zone is required: SAML times are UTC, and a zone-less time would be read in the
   * JVM's default zone. Fractions beyond nanoseconds are truncated.
   */
  public static Instant parseDateTime(String s) {
    int n = s.length();
    if (n < 20
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    int i = 19;
    int nanos = 0;
    if (s.charAt(i) == '.') {
      int start = ++i;
      int scale = 100_000_000;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        nanos += (s.charAt(i) - '0') * scale;
        scale /= 10;
        i++;
      }
      if (i == start) {
        return null;
      }
    }
    ZoneOffset offset;
    if (i == n - 1 && s.charAt(i) == 'Z') {
      offset = ZoneOffset.UTC;
    } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
      int oh = digits(s, i + 1, 2);
      int om = digits(s, i + 4, 2);
      if ((oh | om) < 0 || oh > 14 || om > 59 || (oh == 14 && om != 0)) {
        return null;
      }
      int sign = s.charAt(i) == '-' ? -1 : 1;
      offset = ZoneOffset.ofHoursMinutes(sign * oh, sign * om);
    } else {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(offset);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The non-negative number in {@code s[from, from+count)}, or -1 unless all are ASCII digits. */
  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
