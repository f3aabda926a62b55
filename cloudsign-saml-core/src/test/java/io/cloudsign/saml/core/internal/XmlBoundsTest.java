package io.cloudsign.saml.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * {@link XmlBounds} counts what a parser would see: differential against the counts of the document
 * as generated (elements, attributes per element, namespace declarations in scope), with comments,
 * CDATA, processing instructions and quoted {@code >}, {@code xmlns} and {@code =} in values that
 * must not count; and each bound refuses one more than it allows.
 */
class XmlBoundsTest {

  /** A generated document and what it holds. */
  record Doc(String xml, int elements, int attributes, int maxAttributes, int maxInScope) {}

  @Property(tries = 300)
  void checkCountsExactlyWhatTheDocumentHolds(@ForAll long seed) {
    Doc d = generate(new Random(seed));
    byte[] xml = d.xml().getBytes(StandardCharsets.UTF_8);
    int e = d.elements();
    int all = d.attributes();
    int each = d.maxAttributes();
    int scope = d.maxInScope();

    assertThatCode(() -> new XmlBounds(e, all, each, scope).check(xml, 0))
        .doesNotThrowAnyException();
    if (e > 1) {
      assertThatThrownBy(() -> new XmlBounds(e - 1, all, each, scope).check(xml, 0))
          .hasMessageContaining("elements");
    }
    if (all > 0) {
      assertThatThrownBy(() -> new XmlBounds(e, all - 1, each, scope).check(xml, 0))
          .hasMessageContaining("attributes in the document");
    }
    if (each > 0) {
      assertThatThrownBy(() -> new XmlBounds(e, all, each - 1, scope).check(xml, 0))
          .hasMessageContaining("an element has more than");
    }
    if (scope > 0) {
      assertThatThrownBy(() -> new XmlBounds(e, all, each, scope - 1).check(xml, 0))
          .hasMessageContaining("namespace declarations");
    }
  }

  @Test
  void checkWhenDeclarationsAreSiblingsThenTheyAreNotInScopeTogether() throws Exception {
    StringBuilder xml = new StringBuilder("<r>");
    for (int i = 0; i < 100; i++) {
      xml.append("<v xmlns:xs=\"urn:xs\" xmlns:xsi=\"urn:xsi\">x</v>");
    }
    xml.append("</r>");

    // Shibboleth declares xs and xsi on every AttributeValue: 2 in scope, however many values.
    new XmlBounds(1_000, 1_000, 64, 2).check(xml.toString().getBytes(StandardCharsets.UTF_8), 0);
  }

  @Test
  void checkWhenDocumentIsNotUtf8ThenRefused() {
    byte[] utf16 = "<r/>".getBytes(StandardCharsets.UTF_16LE);
    byte[] declared =
        "<?xml version=\"1.0\" encoding=\"ISO-8859-5\"?><r/>".getBytes(StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> XmlBounds.RESPONSE.check(utf16, 0)).hasMessageContaining("UTF-8");
    assertThatThrownBy(() -> XmlBounds.RESPONSE.check(declared, 0)).hasMessageContaining("UTF-8");
    assertThatCode(
            () ->
                XmlBounds.RESPONSE.check(
                    "<?xml version='1.0' encoding='utf-8'?><r/>".getBytes(StandardCharsets.UTF_8),
                    0))
        .doesNotThrowAnyException();
  }

  @Test
  void checkWhenNestedDeeperThanTheParserAllowsThenRefused() {
    String deep = "<e>".repeat(OpenSaml.MAX_ELEMENT_DEPTH + 1);

    assertThatThrownBy(() -> XmlBounds.RESPONSE.check(deep.getBytes(StandardCharsets.UTF_8), 0))
        .hasMessageContaining("deeper");
    assertThatCode(
            () ->
                XmlBounds.RESPONSE.check(
                    "<e>".repeat(OpenSaml.MAX_ELEMENT_DEPTH).getBytes(StandardCharsets.UTF_8), 0))
        .doesNotThrowAnyException();
  }

  @Test
  void responseBoundsLeaveRoomForEveryRealIdp() {
    assertThat(XmlBounds.RESPONSE).isNotNull();
    // Entra: about 30 elements, 6 attributes on Response, 4 declarations; Shibboleth's
    // AttributeValues: 2 declarations each; 150 group claims are 300 elements.
    StringBuilder groups = new StringBuilder();
    for (int i = 0; i < 150; i++) {
      groups
          .append("<Attribute Name=\"g\"><AttributeValue>g-")
          .append(i)
          .append("</AttributeValue></Attribute>");
    }
    String xml =
        "<samlp:Response xmlns:samlp=\"urn:p\" ID=\"_1\" Version=\"2.0\" IssueInstant=\"t\""
            + " Destination=\"d\" InResponseTo=\"_r\"><Assertion xmlns=\"urn:a\">"
            + groups
            + "</Assertion></samlp:Response>";
    assertThatCode(() -> XmlBounds.RESPONSE.check(xml.getBytes(StandardCharsets.UTF_8), 0))
        .doesNotThrowAnyException();
  }

  // ------------------------------------------------------------------ generator

  private static Doc generate(Random r) {
    int[] counts = new int[4]; // elements, max attributes, max in scope, attributes
    StringBuilder sb = new StringBuilder();
    if (r.nextBoolean()) {
      sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    }
    element(r, sb, 1, 0, counts);
    return new Doc(sb.toString(), counts[0], counts[3], counts[1], counts[2]);
  }

  private static void element(Random r, StringBuilder sb, int depth, int inScope, int[] counts) {
    counts[0]++;
    sb.append("<e").append(depth);
    int attributes = r.nextInt(5);
    int declared = 0;
    for (int i = 0; i < attributes; i++) {
      boolean namespace = r.nextInt(3) == 0;
      String quote = r.nextBoolean() ? "\"" : "'";
      String value = tricky(r, quote);
      if (namespace) {
        declared++;
        sb.append(r.nextBoolean() && declared == 1 ? " xmlns" : " xmlns:p" + i);
      } else {
        sb.append(r.nextBoolean() ? " a" + i : " xmlnsx" + i);
      }
      sb.append(r.nextBoolean() ? "=" : " = ").append(quote).append(value).append(quote);
    }
    counts[1] = Math.max(counts[1], attributes);
    counts[3] += attributes;
    counts[2] = Math.max(counts[2], inScope + declared);
    int children = depth < 6 ? r.nextInt(4) : 0;
    if (children == 0 && r.nextBoolean()) {
      sb.append(r.nextBoolean() ? "/>" : " />");
      return;
    }
    sb.append('>');
    for (int i = 0; i < children; i++) {
      content(r, sb);
      element(r, sb, depth + 1, inScope + declared, counts);
    }
    content(r, sb);
    sb.append("</e").append(depth).append('>');
  }

  private static void content(Random r, StringBuilder sb) {
    switch (r.nextInt(5)) {
      case 0 -> sb.append("<!-- <x a=\"1\" xmlns:q=\"u\"> -->");
      case 1 -> sb.append("<![CDATA[<y xmlns:z=\"u\"/> ]]>");
      case 2 -> sb.append("<?pi <z/> ?>");
      case 3 -> sb.append("text &lt;w&gt; = xmlns:a");
      default -> {}
    }
  }

  private static String tricky(Random r, String quote) {
    String other = quote.equals("\"") ? "'" : "\"";
    return switch (r.nextInt(4)) {
      case 0 -> "a > b " + other + " xmlns:c=" + other;
      case 1 -> "/>";
      case 2 -> "urn:v";
      default -> "";
    };
  }
}
