package io.cloudsign.saml.core.internal;

import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.Set;
import net.shibboleth.utilities.java.support.xml.XMLParserException;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.io.Unmarshaller;
import org.opensaml.core.xml.io.UnmarshallingException;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/** The one parse of untrusted XML, through OpenSAML's secure parser pool. Not API. */
public final class SecureXml {
  private SecureXml() {}

  /** Thrown for input that is not acceptable XML; the message is log-safe. */
  public static final class RejectedXmlException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What was wrong with the input. */
    public enum Kind {
      /** Not well-formed, a DOCTYPE or entity, too deep: the parser refused it. */
      NOT_XML,
      /** Outside {@link XmlBounds}: refused before the parser ran. */
      BOUNDS,
      /** Parsed, but a required part is missing or unreadable. */
      STRUCTURE
    }

    private final Kind kind;

    /** A {@link Kind#STRUCTURE} rejection. */
    public RejectedXmlException(String message) {
      this(Kind.STRUCTURE, message);
    }

    RejectedXmlException(Kind kind, String message) {
      super(message, null, false, false);
      this.kind = kind;
    }

    public Kind kind() {
      return kind;
    }
  }

  /**
   * Parses {@code xml} (a UTF-8 byte-order mark is skipped) with no DOCTYPE, no external entities,
   * comments dropped and CDATA coalesced, so a comment-split value reads as its whole text, after
   * {@code bounds} were checked on the bytes (so the parser's cost stays linear in the input).
   */
  public static Document parse(byte[] xml, XmlBounds bounds) throws RejectedXmlException {
    int offset =
        xml.length >= 3
                && (xml[0] & 0xFF) == 0xEF
                && (xml[1] & 0xFF) == 0xBB
                && (xml[2] & 0xFF) == 0xBF
            ? 3
            : 0;
    try {
      bounds.check(xml, offset);
    } catch (XmlBounds.OutOfBoundsException e) {
      throw new RejectedXmlException(
          RejectedXmlException.Kind.BOUNDS, "outside the parse bounds: " + e.getMessage());
    }
    try {
      return OpenSaml.get()
          .parserPool()
          .parse(new ByteArrayInputStream(xml, offset, xml.length - offset));
    } catch (XMLParserException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new RejectedXmlException(
          RejectedXmlException.Kind.NOT_XML,
          "not well-formed XML, or a forbidden DOCTYPE/entity/depth: "
              + LogSafe.text(cause.getMessage()));
    }
  }

  /** Unmarshals {@code element} into OpenSAML objects (ID attributes get registered as IDs). */
  public static XMLObject unmarshall(Element element) throws RejectedXmlException {
    Unmarshaller u = OpenSaml.get().unmarshallers().getUnmarshaller(element);
    if (u == null) {
      throw new RejectedXmlException("unknown element " + LogSafe.text(element.getTagName()));
    }
    try {
      return u.unmarshall(element);
    } catch (UnmarshallingException | RuntimeException e) {
      throw new RejectedXmlException(
          "cannot read the SAML structure: " + LogSafe.text(e.getMessage()));
    }
  }

  /**
   * The first ID value that occurs twice anywhere in the document (attributes named ID, Id, id,
   * AssertionID, ResponseID, or registered as DOM IDs), or {@code null}. Two elements sharing an ID
   * is the signature-wrapping shape: the signature's reference could resolve to the wrong one.
   */
  public static String duplicateId(Element root) {
    Set<String> seen = new HashSet<>();
    Node node = root;
    while (node != null) {
      if (node.getNodeType() == Node.ELEMENT_NODE) {
        NamedNodeMap attrs = node.getAttributes();
        for (int i = 0, n = attrs.getLength(); i < n; i++) {
          Attr a = (Attr) attrs.item(i);
          if (isIdAttribute(a) && !seen.add(a.getValue())) {
            return a.getValue();
          }
        }
      }
      node = next(node, root);
    }
    return null;
  }

  private static boolean isIdAttribute(Attr a) {
    if (a.isId()) {
      return true;
    }
    String name = a.getLocalName() != null ? a.getLocalName() : a.getName();
    return name.equals("ID")
        || name.equals("Id")
        || name.equals("id")
        || name.equals("AssertionID")
        || name.equals("ResponseID");
  }

  /** Pre-order successor of {@code node} within {@code root}, without recursion. */
  private static Node next(Node node, Node root) {
    if (node.getFirstChild() != null) {
      return node.getFirstChild();
    }
    while (node != null && node != root) {
      if (node.getNextSibling() != null) {
        return node.getNextSibling();
      }
      node = node.getParentNode();
    }
    return null;
  }
}
