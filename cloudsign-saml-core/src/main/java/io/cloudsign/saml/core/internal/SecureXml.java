package io.cloudsign.saml.core.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import net.shibboleth.utilities.java.support.xml.BasicParserPool;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.io.Unmarshaller;
import org.opensaml.core.xml.io.UnmarshallingException;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

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
   * {@code bounds} were checked on the bytes (so the parser's cost stays linear in the input). The
   * plain subset IdPs write is read by {@link FastXml} into the same DOM, counting the bounds as it
   * goes; anything else has its bounds checked and goes to the JDK's parser.
   */
  public static Document parse(byte[] xml, XmlBounds bounds) throws RejectedXmlException {
    int offset =
        xml.length >= 3
                && (xml[0] & 0xFF) == 0xEF
                && (xml[1] & 0xFF) == 0xBB
                && (xml[2] & 0xFF) == 0xBF
            ? 3
            : 0;
    if (FastPath.ENABLED) {
      Document plain = FastXml.parse(xml, offset, BUILDERS.get(), bounds);
      if (plain != null) {
        return plain; // within the subset and within the bounds
      }
    }
    try {
      bounds.check(xml, offset);
    } catch (XmlBounds.OutOfBoundsException e) {
      throw new RejectedXmlException(
          RejectedXmlException.Kind.BOUNDS, "outside the parse bounds: " + e.getMessage());
    }
    return parseWithJdk(xml, offset);
  }

  /**
   * The JDK's parser, configured as OpenSAML's pool; the general path and the fast path's oracle.
   */
  static Document parseWithJdk(byte[] xml, int offset) throws RejectedXmlException {
    DocumentBuilder builder = BUILDERS.get();
    try {
      return builder.parse(new ByteArrayInputStream(xml, offset, xml.length - offset));
    } catch (SAXException | IOException e) {
      throw new RejectedXmlException(
          RejectedXmlException.Kind.NOT_XML,
          "not well-formed XML, or a forbidden DOCTYPE/entity/depth: "
              + LogSafe.text(e.getMessage()));
    } finally {
      builder.reset();
      builder.setErrorHandler(QUIET);
    }
  }

  /**
   * One parser per thread, configured exactly as OpenSAML's secure parser pool configures its own
   * (every feature, attribute and flag read from the pool), with one difference: errors are not
   * logged. The pool's parse and its builders log every rejected input at ERROR (and its proxies
   * ignore {@code setErrorHandler}), so anyone could fill an SP's logs; a rejection is ours to
   * report, once, in the library's own failure line.
   */
  private static final ThreadLocal<DocumentBuilder> BUILDERS =
      ThreadLocal.withInitial(SecureXml::newBuilder);

  private static DocumentBuilder newBuilder() {
    BasicParserPool pool = OpenSaml.get().parserPool();
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(pool.isNamespaceAware());
    factory.setIgnoringComments(pool.isIgnoreComments());
    factory.setCoalescing(pool.isCoalescing());
    factory.setExpandEntityReferences(pool.isExpandEntityReferences());
    factory.setXIncludeAware(pool.isXincludeAware());
    factory.setIgnoringElementContentWhitespace(pool.isIgnoreElementContentWhitespace());
    factory.setValidating(pool.isDTDValidating());
    try {
      for (Map.Entry<String, Boolean> f : pool.getBuilderFeatures().entrySet()) {
        factory.setFeature(f.getKey(), f.getValue());
      }
      for (Map.Entry<String, Object> a : pool.getBuilderAttributes().entrySet()) {
        factory.setAttribute(a.getKey(), a.getValue());
      }
      DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(QUIET);
      return builder;
    } catch (ParserConfigurationException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot configure the XML parser as OpenSAML's pool", e);
    }
  }

  /** Errors end the parse with their exception; nothing is logged. */
  private static final ErrorHandler QUIET =
      new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
          throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
          throw e;
        }
      };

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
