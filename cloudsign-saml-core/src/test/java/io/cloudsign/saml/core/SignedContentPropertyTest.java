package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.ResponseBuilder;
import io.cloudsign.saml.testkit.TestClock;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Property (issue 4): <b>any single-byte or single-node change inside the signed content of a
 * genuine Response is rejected, with a signature code</b> — or with MALFORMED_RESPONSE when the
 * change leaves no readable SAML document.
 *
 * <p><b>Signed content</b> is, for the signed element (the Assertion, Entra's default, or the
 * Response): its bytes outside its own {@code ds:Signature} (what the enveloped Reference digest
 * covers) plus the bytes of {@code SignedInfo} (what SignatureValue covers).
 *
 * <p><b>Accepted codes.</b> Not well-formed after the change (a JDK parser says so) → exactly
 * MALFORMED_RESPONSE. Well-formed → INVALID_SIGNATURE, DISALLOWED_SIGNATURE_ALGORITHM (an algorithm
 * URI changed), MISSING_SIGNATURE (the Signature element's name or namespace changed) or
 * MALFORMED_RESPONSE (well-formed but not SAML: an unparsable timestamp, an unknown attribute value
 * type). Two region-bound exceptions follow from the rule order of DESIGN §4, which checks the
 * assertion count (7) and Status (6) before signatures (8): a change to the Assertion element's own
 * name or namespace (it is no Assertion any more) may give INVALID_ASSERTION_COUNT, and, when the
 * Response is the signed element, a change inside {@code samlp:Status} may give IDP_ERROR_STATUS;
 * both are rejections that never read identity. DUPLICATE_ID and every other code fail the property
 * (no single change can create a duplicate of a random 128-bit ID).
 *
 * <p><b>Excluded by construction</b> (changes that legitimately still verify):
 *
 * <ul>
 *   <li>Whitespace replaced by other whitespace inside a tag: between attributes it is not part of
 *       the data model, and in an attribute value XML attribute-value normalisation turns TAB, CR,
 *       LF into a space before c14n sees it.
 *   <li>{@code KeyInfo} and {@code SignatureValue} are not signed content (the enveloped transform
 *       removes the whole Signature from the digest; SignatureValue signs only SignedInfo).
 *   <li>Node changes to namespace declaration attributes: in a DOM they do not change any element's
 *       namespace, and the serialiser re-declares what is used (exclusive c14n only emits visibly
 *       used namespaces anyway).
 * </ul>
 *
 * <p>Tries are bounded (a few hundred per property) so the class runs in seconds.
 */
class SignedContentPropertyTest {
  private static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
  private static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
  private static final String PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
  private static final Set<ErrorCode> SIGNATURE_CODES =
      EnumSet.of(
          ErrorCode.INVALID_SIGNATURE,
          ErrorCode.DISALLOWED_SIGNATURE_ALGORITHM,
          ErrorCode.MISSING_SIGNATURE,
          ErrorCode.MALFORMED_RESPONSE);

  /** One genuine Response, its pending request and the service provider that accepts it. */
  private record Base(
      Fixture fx, Fixture.Flow flow, String xml, byte[] bytes, boolean responseSigned) {

    /** [start, end) of the signed element's start-tag name and of its xmlns value. */
    int[] identityRange() {
      int start = responseSigned ? xml.indexOf("<samlp:Response") : xml.indexOf("<Assertion ");
      return new int[] {start, xml.indexOf('>', start)};
    }

    int[] statusRange() {
      return new int[] {xml.indexOf("<samlp:Status>"), xml.indexOf("</samlp:Status>") + 15};
    }
  }

  private static final Base ASSERTION_SIGNED = base(false);
  private static final Base RESPONSE_SIGNED = base(true);

  private static Base base(boolean responseSigned) {
    TestClock clock = TestClock.at(Instant.parse("2026-11-28T09:00:00Z"));
    FakeEntra entra = FakeEntra.builder().clock(clock).build();
    // Replay is covered by the corpus; here every try validates against the same assertion ID.
    ReplayCache forgetful = (partition, id, keepUntil) -> ReplayCache.Outcome.FIRST_USE;
    Fixture fx = new Fixture(entra, clock, b -> b.replayCache(forgetful));
    Fixture.Flow flow = fx.start();
    UnaryOperator<ResponseBuilder> mode =
        responseSigned ? ResponseBuilder::signResponse : ResponseBuilder::signAssertion;
    String xml = mode.apply(fx.respond(flow)).buildXml();
    return new Base(fx, flow, xml, xml.getBytes(StandardCharsets.UTF_8), responseSigned);
  }

  // ------------------------------------------------------------------ controls

  @Example
  void genuineResponsesAndTheirReserialisationAreAccepted() throws Exception {
    for (Base b : List.of(ASSERTION_SIGNED, RESPONSE_SIGNED)) {
      assertThat(outcome(b, b.bytes)).isNull();
      assertThat(outcome(b, reserialise(parse(b.bytes)).getBytes(StandardCharsets.UTF_8))).isNull();
    }
  }

  // ------------------------------------------------------------------ single-byte changes

  record Flip(int position, int newByte) {}

  @Property(tries = 400)
  void anyByteFlipInSignedAssertionIsRejected(@ForAll("assertionFlips") Flip flip) {
    assertByteFlipRejected(ASSERTION_SIGNED, flip);
  }

  @Property(tries = 250)
  void anyByteFlipInSignedResponseIsRejected(@ForAll("responseFlips") Flip flip) {
    assertByteFlipRejected(RESPONSE_SIGNED, flip);
  }

  @Provide
  Arbitrary<Flip> assertionFlips() {
    return flips(ASSERTION_SIGNED);
  }

  @Provide
  Arbitrary<Flip> responseFlips() {
    return flips(RESPONSE_SIGNED);
  }

  private static Arbitrary<Flip> flips(Base b) {
    List<Integer> positions = signedPositions(b);
    // Mostly printable ASCII (a flip that keeps the XML readable tests the signature, not the
    // parser), sometimes any byte (control characters, invalid UTF-8).
    Arbitrary<Integer> newByte =
        Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.integers().between(0x20, 0x7E)),
            Tuple.of(1, Arbitraries.integers().between(0, 255)));
    return Combinators.combine(Arbitraries.of(positions), newByte)
        .as(Flip::new)
        .filter(f -> f.newByte() != (b.bytes[f.position()] & 0xFF))
        .filter(f -> !invisibleWhitespaceChange(b, f));
  }

  private static void assertByteFlipRejected(Base b, Flip flip) {
    byte[] changed = b.bytes.clone();
    changed[flip.position()] = (byte) flip.newByte();
    ErrorCode code = outcome(b, changed);
    Statistics.collect(code);
    assertThat(code).as("a flipped byte at %d must be rejected", flip.position()).isNotNull();
    if (!wellFormed(changed)) {
      assertThat(code).as("not well-formed").isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    } else {
      assertThat(code).isIn(allowed(b, flip.position()));
    }
  }

  private static Set<ErrorCode> allowed(Base b, int position) {
    Set<ErrorCode> ok = EnumSet.copyOf(SIGNATURE_CODES);
    int[] identity = b.identityRange();
    if (position >= identity[0] && position < identity[1]) {
      ok.add(ErrorCode.INVALID_ASSERTION_COUNT);
    }
    int[] status = b.statusRange();
    if (b.responseSigned) {
      if (position >= status[0] && position < status[1]) {
        ok.add(ErrorCode.IDP_ERROR_STATUS);
      }
      int[] assertion = {
        b.xml.indexOf("<Assertion "), b.xml.indexOf('>', b.xml.indexOf("<Assertion "))
      };
      if (position >= assertion[0] && position < assertion[1]) {
        ok.add(ErrorCode.INVALID_ASSERTION_COUNT);
      }
    }
    return ok;
  }

  /** Whitespace → whitespace inside a tag: invisible to the data model (see class comment). */
  private static boolean invisibleWhitespaceChange(Base b, Flip f) {
    return isXmlSpace(b.bytes[f.position()] & 0xFF)
        && isXmlSpace(f.newByte())
        && insideTag(b, f.position());
  }

  private static boolean isXmlSpace(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  private static boolean insideTag(Base b, int position) {
    return b.xml.lastIndexOf('<', position) > b.xml.lastIndexOf('>', position - 1);
  }

  /** Byte offsets of the signed content (ASCII document, so char index = byte index). */
  private static List<Integer> signedPositions(Base b) {
    assertThat(b.bytes.length).as("ASCII-only base document").isEqualTo(b.xml.length());
    int elementStart = b.responseSigned ? 0 : b.xml.indexOf("<Assertion ");
    int elementEnd =
        b.responseSigned ? b.xml.length() : b.xml.indexOf("</Assertion>") + "</Assertion>".length();
    int sigStart = b.xml.indexOf("<Signature ", elementStart);
    int sigEnd = b.xml.indexOf("</Signature>", sigStart) + "</Signature>".length();
    int signedInfoStart = b.xml.indexOf("<SignedInfo>", sigStart);
    int signedInfoEnd = b.xml.indexOf("</SignedInfo>", sigStart) + "</SignedInfo>".length();
    List<Integer> out = new ArrayList<>();
    for (int i = elementStart; i < elementEnd; i++) {
      boolean inSignature = i >= sigStart && i < sigEnd;
      boolean inSignedInfo = i >= signedInfoStart && i < signedInfoEnd;
      if (!inSignature || inSignedInfo) {
        out.add(i);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ single-node changes

  enum NodeChange {
    REMOVE,
    DUPLICATE,
    CHANGE_VALUE,
    ADD_ATTRIBUTE,
    ADD_CHILD
  }

  record Edit(int node, NodeChange change) {}

  @Property(tries = 200)
  void anyNodeChangeInSignedAssertionIsRejected(@ForAll("assertionEdits") Edit edit)
      throws Exception {
    assertNodeChangeRejected(ASSERTION_SIGNED, edit);
  }

  @Property(tries = 150)
  void anyNodeChangeInSignedResponseIsRejected(@ForAll("responseEdits") Edit edit)
      throws Exception {
    assertNodeChangeRejected(RESPONSE_SIGNED, edit);
  }

  @Provide
  Arbitrary<Edit> assertionEdits() {
    return edits(ASSERTION_SIGNED);
  }

  @Provide
  Arbitrary<Edit> responseEdits() {
    return edits(RESPONSE_SIGNED);
  }

  private static Arbitrary<Edit> edits(Base b) {
    int count = signedNodes(signedElement(parse(b.bytes), b)).size();
    return Combinators.combine(
            Arbitraries.integers().between(0, count - 1), Arbitraries.of(NodeChange.class))
        .as(Edit::new);
  }

  private static void assertNodeChangeRejected(Base b, Edit edit) throws Exception {
    Document doc = parse(b.bytes);
    Element signed = signedElement(doc, b);
    Node node = signedNodes(signed).get(edit.node());
    String what = describe(node) + " " + edit.change();
    Set<ErrorCode> ok = EnumSet.copyOf(SIGNATURE_CODES);
    if (b.responseSigned && within(node, PROTOCOL_NS, "Status")) {
      ok.add(ErrorCode.IDP_ERROR_STATUS);
    }
    if (b.responseSigned && isTopLevelAssertion(node) && edit.change() == NodeChange.REMOVE) {
      ok.add(ErrorCode.INVALID_ASSERTION_COUNT);
    }
    if (b.responseSigned && isTopLevelAssertion(node) && edit.change() == NodeChange.DUPLICATE) {
      ok.add(ErrorCode.DUPLICATE_ID);
    }
    apply(node, edit.change());
    ErrorCode code = outcome(b, reserialise(doc).getBytes(StandardCharsets.UTF_8));
    Statistics.collect(code);
    assertThat(code).as("%s must be rejected", what).isNotNull();
    assertThat(code).as(what).isIn(ok);
  }

  private static void apply(Node node, NodeChange change) {
    Document doc = node.getOwnerDocument();
    switch (node.getNodeType()) {
      case Node.ATTRIBUTE_NODE -> {
        Attr a = (Attr) node;
        Element owner = a.getOwnerElement();
        switch (change) {
          case REMOVE -> owner.removeAttributeNode(a);
          case DUPLICATE, ADD_ATTRIBUTE -> owner.setAttributeNS(null, "x" + a.getLocalName(), "1");
          case CHANGE_VALUE, ADD_CHILD -> a.setValue(a.getValue() + "x");
        }
      }
      case Node.TEXT_NODE -> {
        switch (change) {
          case REMOVE -> node.getParentNode().removeChild(node);
          case DUPLICATE ->
              node.getParentNode()
                  .insertBefore(doc.createTextNode(node.getNodeValue()), node.getNextSibling());
          case CHANGE_VALUE, ADD_ATTRIBUTE, ADD_CHILD ->
              node.setNodeValue(node.getNodeValue() + "x");
        }
      }
      default -> {
        Element e = (Element) node;
        switch (change) {
          case REMOVE -> e.getParentNode().removeChild(e);
          case DUPLICATE -> e.getParentNode().insertBefore(e.cloneNode(true), e.getNextSibling());
          case CHANGE_VALUE -> e.appendChild(doc.createTextNode("x"));
          case ADD_ATTRIBUTE -> e.setAttributeNS(null, "x", "1");
          case ADD_CHILD -> e.appendChild(doc.createElementNS(e.getNamespaceURI(), e.getTagName()));
        }
      }
    }
  }

  private static Element signedElement(Document doc, Base b) {
    Element root = doc.getDocumentElement();
    if (b.responseSigned) {
      return root;
    }
    for (Node c = root.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c instanceof Element e
          && ASSERTION_NS.equals(e.getNamespaceURI())
          && "Assertion".equals(e.getLocalName())) {
        return e;
      }
    }
    throw new IllegalStateException("no Assertion");
  }

  /**
   * Elements, non-namespace attributes and text nodes of the signed content: descendants and
   * attributes of {@code signed}, skipping its own Signature except SignedInfo's subtree.
   */
  private static List<Node> signedNodes(Element signed) {
    List<Node> out = new ArrayList<>();
    addAttributes(signed, out);
    for (Node c = signed.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c instanceof Element e
          && DSIG_NS.equals(e.getNamespaceURI())
          && "Signature".equals(e.getLocalName())) {
        for (Node s = e.getFirstChild(); s != null; s = s.getNextSibling()) {
          if ("SignedInfo".equals(s.getLocalName())) {
            collect(s, out);
          }
        }
      } else {
        collect(c, out);
      }
    }
    return out;
  }

  private static void collect(Node n, List<Node> out) {
    if (n.getNodeType() == Node.TEXT_NODE) {
      out.add(n);
      return;
    }
    if (n.getNodeType() != Node.ELEMENT_NODE) {
      return;
    }
    out.add(n);
    addAttributes((Element) n, out);
    for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
      collect(c, out);
    }
  }

  private static void addAttributes(Element e, List<Node> out) {
    NamedNodeMap attrs = e.getAttributes();
    for (int i = 0; i < attrs.getLength(); i++) {
      Attr a = (Attr) attrs.item(i);
      if (!XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(a.getNamespaceURI())) {
        out.add(a);
      }
    }
  }

  private static boolean within(Node n, String ns, String local) {
    Node e = n.getNodeType() == Node.ATTRIBUTE_NODE ? ((Attr) n).getOwnerElement() : n;
    for (; e != null; e = e.getParentNode()) {
      if (ns.equals(e.getNamespaceURI()) && local.equals(e.getLocalName())) {
        return true;
      }
    }
    return false;
  }

  private static boolean isTopLevelAssertion(Node n) {
    return n.getNodeType() == Node.ELEMENT_NODE
        && ASSERTION_NS.equals(n.getNamespaceURI())
        && "Assertion".equals(n.getLocalName())
        && n.getParentNode() == n.getOwnerDocument().getDocumentElement();
  }

  private static String describe(Node n) {
    return switch (n.getNodeType()) {
      case Node.ATTRIBUTE_NODE ->
          "attribute " + n.getNodeName() + " of " + ((Attr) n).getOwnerElement().getLocalName();
      case Node.TEXT_NODE -> "text of " + n.getParentNode().getLocalName();
      default -> "element " + n.getLocalName();
    };
  }

  // ------------------------------------------------------------------ plumbing

  /** The rejection code, or null when the changed Response is accepted. */
  private static ErrorCode outcome(Base b, byte[] xml) {
    String encoded = Base64.getEncoder().encodeToString(xml);
    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class, () -> b.fx.sp.validate(encoded, b.flow.pending()));
    return e == null ? null : e.code();
  }

  private static DocumentBuilder builder() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      return b;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean wellFormed(byte[] xml) {
    try {
      builder().parse(new ByteArrayInputStream(xml));
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static Document parse(byte[] xml) {
    try {
      return builder().parse(new ByteArrayInputStream(xml));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String reserialise(Document doc) throws Exception {
    Transformer t = TransformerFactory.newInstance().newTransformer();
    t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
    StringWriter out = new StringWriter();
    t.transform(new DOMSource(doc), new StreamResult(out));
    return out.toString();
  }
}
