package io.cloudsign.saml.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * {@link FastXml} against the JDK's parser configured as {@link SecureXml} configures it, the
 * oracle: on every input, the fast parser either declines, or the JDK's parser accepts the input
 * too and builds an equal DOM ({@code isEqualNode}: names, namespaces, prefixes, attributes and
 * their values, text, child order). Inputs: the Response and metadata fuzz corpora, the fake
 * Entra's Responses with every named attack, generated documents (namespaces, entities, quoting,
 * non-ASCII, malformed shapes) and random mutations of genuine documents. It also shows that the
 * fast path is taken for what IdPs send, so the comparison is not vacuous.
 */
class FastXmlDifferentialTest {
  private static DocumentBuilder builder;

  @BeforeAll
  static void setUp() throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    builder = f.newDocumentBuilder();
  }

  /** The outcome of one input: declined, or equal to the oracle's DOM (else the test fails). */
  private static boolean agrees(byte[] xml, String what) {
    Document fast = FastXml.parse(xml, 0, builder, XmlBounds.METADATA);
    if (fast == null) {
      return false;
    }
    Document jdk;
    try {
      jdk = SecureXml.parseWithJdk(xml, 0);
    } catch (SecureXml.RejectedXmlException e) {
      throw new AssertionError(
          "the fast parser accepted what the JDK's parser rejects ("
              + e.getMessage()
              + "): "
              + what
              + "\n"
              + new String(xml, StandardCharsets.UTF_8));
    }
    assertThat(fast.getDocumentElement().isEqualNode(jdk.getDocumentElement()))
        .as("same DOM as the JDK's parser: %s%n%s", what, new String(xml, StandardCharsets.UTF_8))
        .isTrue();
    return true;
  }

  @Test
  void parseWhenGenuineEntraDocumentsThenFastPathTakenAndSameDom() {
    for (XmlCorpus.Named d : XmlCorpus.genuine()) {
      assertThat(agrees(d.xml(), d.name())).as(d.name()).isTrue();
    }
  }

  @Test
  void parseWhenFuzzCorporaThenDeclinedOrSameDom() throws IOException {
    List<XmlCorpus.Named> corpus = XmlCorpus.fuzzCorpora();
    int taken = 0;
    for (XmlCorpus.Named d : corpus) {
      taken += agrees(d.xml(), d.name()) ? 1 : 0;
    }
    assertThat(corpus.size()).isGreaterThan(100);
    assertThat(taken).as("inputs the fast path took").isGreaterThan(corpus.size() / 3);
  }

  @Test
  void parseWhenEveryNamedAttackThenDeclinedOrSameDom() throws Exception {
    List<XmlCorpus.Named> attacks = XmlCorpus.attackResponses();
    int taken = 0;
    for (XmlCorpus.Named d : attacks) {
      taken += agrees(d.xml(), d.name()) ? 1 : 0;
    }
    assertThat(attacks.size()).isGreaterThan(60);
    assertThat(taken).isGreaterThan(attacks.size() / 2);
  }

  @Test
  void parseWhenGeneratedDocumentsThenDeclinedOrSameDom() {
    Random random = new Random(20261205);
    int taken = 0;
    int n = 4000;
    for (int k = 0; k < n; k++) {
      long seed = random.nextLong();
      String xml = new XmlShapes(new Random(seed)).document();
      taken += agrees(xml.getBytes(StandardCharsets.UTF_8), "generated, seed " + seed) ? 1 : 0;
    }
    assertThat(taken).as("generated documents the fast path took").isBetween(n / 5, n - n / 10);
  }

  @Test
  void parseWhenGenuineDocumentsMutatedThenDeclinedOrSameDom() {
    List<byte[]> genuine = XmlCorpus.genuine().stream().map(XmlCorpus.Named::xml).toList();
    Random random = new Random(4242);
    int taken = 0;
    int n = 6000;
    for (int k = 0; k < n; k++) {
      long seed = random.nextLong();
      Random r = new Random(seed);
      byte[] xml = genuine.get(r.nextInt(genuine.size()));
      for (int edits = 1 + r.nextInt(3); edits > 0; edits--) {
        xml = XmlShapes.mutate(xml, r);
      }
      taken += agrees(xml, "mutation, seed " + seed) ? 1 : 0;
    }
    assertThat(taken).as("mutated documents the fast path took").isGreaterThan(n / 10);
  }

  /**
   * The fast parser counts the parse bounds itself (the separate scan runs only when it declines):
   * with tight bounds, every generated document it accepts is one the scan accepts, and every one
   * the scan refuses it declines, so the bounds are as strict as before.
   */
  @Test
  void parseWhenTightBoundsThenAcceptsOnlyWhatTheBoundsScanAccepts() {
    List<XmlBounds> tight =
        List.of(
            new XmlBounds(6, 1_000, 64, 32),
            new XmlBounds(1_000, 5, 64, 32),
            new XmlBounds(1_000, 1_000, 2, 32),
            new XmlBounds(1_000, 1_000, 64, 3));
    Random random = new Random(77);
    int accepted = 0;
    int refusedByBounds = 0;
    for (int k = 0; k < 3000; k++) {
      long seed = random.nextLong();
      byte[] xml = new XmlShapes(new Random(seed)).document().getBytes(StandardCharsets.UTF_8);
      boolean plain = FastXml.parse(xml, 0, builder, XmlBounds.METADATA) != null;
      for (XmlBounds bounds : tight) {
        boolean withinBounds = true;
        try {
          bounds.check(xml, 0);
        } catch (XmlBounds.OutOfBoundsException e) {
          withinBounds = false;
        }
        boolean fast = FastXml.parse(xml, 0, builder, bounds) != null;
        assertThat(fast).as("seed %d", seed).isEqualTo(plain && withinBounds);
        accepted += fast ? 1 : 0;
        refusedByBounds += plain && !withinBounds ? 1 : 0;
      }
    }
    assertThat(accepted).isGreaterThan(500);
    assertThat(refusedByBounds).isGreaterThan(500);
  }

  @Test
  void parseWhenDeclinedConstructsThenJdkParserDecides() {
    for (String xml :
        List.of(
            "<a><!-- c --></a>",
            "<a><![CDATA[x]]></a>",
            "<a><?pi x?></a>",
            "<a>&#x41;</a>",
            "<a b='&#9;'/>",
            "<a b='x\ty'/>",
            "<a>x\r\ny</a>",
            "<a xml:lang='en'/>",
            "<a xmlns:xml='http://www.w3.org/XML/1998/namespace'/>",
            "<?xml version='1.1'?><a/>",
            "<?xml version='1.0' encoding='ISO-8859-1'?><a/>",
            "<!DOCTYPE a><a/>",
            "<a/><!-- after -->",
            "<é/>")) {
      assertThat(
              FastXml.parse(xml.getBytes(StandardCharsets.UTF_8), 0, builder, XmlBounds.METADATA))
          .as(xml)
          .isNull();
    }
  }

  @Test
  void parseWhenNotWellFormedThenDeclined() {
    for (String xml :
        List.of(
            "<a>",
            "<a></b>",
            "<a b='1' b='2'/>",
            "<a p:b='1' q:b='2' xmlns:p='u' xmlns:q='u'/>",
            "<p:a/>",
            "<a xmlns:p=''/>",
            "<a b='<'/>",
            "<a>]]></a>",
            "<a>&bogus;</a>",
            "<a>&amp</a>",
            "<a b='1'c='2'/>",
            "<a/><b/>",
            "x<a/>",
            "<a>\u0001</a>",
            "<a xmlns:xmlns='u'/>",
            "<a xmlns='http://www.w3.org/2000/xmlns/'/>",
            "<a:/>",
            "<:a/>",
            "<a b=1/>")) {
      assertThat(
              FastXml.parse(xml.getBytes(StandardCharsets.UTF_8), 0, builder, XmlBounds.METADATA))
          .as(xml)
          .isNull();
    }
    byte[] overlong = {'<', 'a', '>', (byte) 0xC0, (byte) 0xAF, '<', '/', 'a', '>'};
    byte[] surrogate = {'<', 'a', '>', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '<', '/', 'a', '>'};
    assertThat(FastXml.parse(overlong, 0, builder, XmlBounds.METADATA)).isNull();
    assertThat(FastXml.parse(surrogate, 0, builder, XmlBounds.METADATA)).isNull();
  }
}
