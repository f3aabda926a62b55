package io.cloudsign.saml.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.xml.security.c14n.implementations.Canonicalizer20010315ExclOmitComments;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * {@link ExclusiveC14n} against Santuario's exclusive canonicalizer (without comments), the oracle:
 * for every element of every document as the apex, with nothing excluded and with each of its
 * ds:Signature children excluded (the enveloped-signature transform), our bytes are Santuario's
 * whenever ours does not decline. Documents: genuine Entra Responses and metadata, the fuzz
 * corpora, every named attack, and generated documents with namespaces declared, redeclared and
 * undeclared, attributes that sort by namespace, and characters that must be escaped; each parsed
 * by both the fast parser and the JDK's, so both DOM shapes are covered.
 */
class ExclusiveC14nDifferentialTest {
  private static DocumentBuilder builder;

  @BeforeAll
  static void setUp() throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    builder = f.newDocumentBuilder();
  }

  /** How many canonicalizations were compared and how many ours declined. */
  private static final class Count {
    int compared;
    int declined;
  }

  @Test
  void canonicalizeWhenGenuineEntraDocumentsThenSantuariosBytesAndNeverDeclined() throws Exception {
    for (XmlCorpus.Named d : XmlCorpus.genuine()) {
      Count c = compareAll(d);
      assertThat(c.declined).as(d.name()).isZero();
      assertThat(c.compared).as(d.name()).isGreaterThan(20);
    }
  }

  @Test
  void canonicalizeWhenFuzzCorporaThenSantuariosBytes() throws Exception {
    Count all = new Count();
    for (XmlCorpus.Named d : XmlCorpus.fuzzCorpora()) {
      add(all, compareAll(d));
    }
    assertThat(all.compared).isGreaterThan(5_000);
    assertThat(all.declined).isLessThan(all.compared / 10);
  }

  @Test
  void canonicalizeWhenEveryNamedAttackThenSantuariosBytes() throws Exception {
    Count all = new Count();
    for (XmlCorpus.Named d : XmlCorpus.attackResponses()) {
      add(all, compareAll(d));
    }
    assertThat(all.compared).isGreaterThan(2_000);
    assertThat(all.declined).isLessThan(all.compared / 10);
  }

  @Test
  void canonicalizeWhenGeneratedDocumentsThenSantuariosBytes() throws Exception {
    Random random = new Random(1205);
    Count all = new Count();
    for (int k = 0; k < 3000; k++) {
      long seed = random.nextLong();
      byte[] xml = new XmlShapes(new Random(seed)).document().getBytes(StandardCharsets.UTF_8);
      add(all, compareAll(new XmlCorpus.Named("generated, seed " + seed, xml)));
    }
    assertThat(all.compared).isGreaterThan(3_000);
    assertThat(all.declined).isLessThan(all.compared / 4);
  }

  @Test
  void canonicalizeWhenNamespacesAndEscapesThenSantuariosBytes() throws Exception {
    String xml =
        "<r xmlns='urn:d' xmlns:p='urn:p' xmlns:q='urn:q' xmlns:unused='urn:u'>"
            + "<p:a q:z='1' z='2' p:z='3' b='&lt;&amp;&quot;&#9;&#10;&#13;&gt;'>t &lt;&amp;&gt;&#13;é😀"
            + "<b xmlns=''><c xmlns='urn:d'/></b><p:d xmlns:p='urn:other'/><q:e/></p:a></r>";
    Count c = compareAll(new XmlCorpus.Named("namespaces", xml.getBytes(StandardCharsets.UTF_8)));
    assertThat(c.declined).isZero();
    Document doc = SecureXml.parseWithJdk(xml.getBytes(StandardCharsets.UTF_8), 0);
    Element a = (Element) doc.getDocumentElement().getFirstChild();
    assertThat(ours(a, null))
        .isEqualTo(
            "<p:a xmlns:p=\"urn:p\" xmlns:q=\"urn:q\" b=\"&lt;&amp;&quot;&#x9;&#xA;&#xD;>\" z=\"2\""
                + " p:z=\"3\" q:z=\"1\">t &lt;&amp;&gt;&#xD;é😀<b><c xmlns=\"urn:d\"></c></b>"
                + "<p:d xmlns:p=\"urn:other\"></p:d><q:e></q:e></p:a>");
  }

  @Test
  void canonicalizeWhenOutsideTheSubsetThenDeclines() throws Exception {
    for (String xml :
        List.of("<a xml:lang='en'/>", "<a><?pi x?></a>", "<a><b xml:space='preserve'/></a>")) {
      Document doc = SecureXml.parseWithJdk(xml.getBytes(StandardCharsets.UTF_8), 0);
      ExclusiveC14n.Out out = new ExclusiveC14n.Out(null);
      assertThat(ExclusiveC14n.canonicalize(doc.getDocumentElement(), null, out)).as(xml).isFalse();
    }
  }

  private static void add(Count total, Count one) {
    total.compared += one.compared;
    total.declined += one.declined;
  }

  /** Both parses of {@code d} (when they accept it), every apex, every enveloped exclusion. */
  private static Count compareAll(XmlCorpus.Named d) throws Exception {
    Count count = new Count();
    List<Document> docs = new ArrayList<>(2);
    try {
      docs.add(SecureXml.parseWithJdk(d.xml(), 0));
    } catch (SecureXml.RejectedXmlException notXml) {
      return count;
    }
    Document fast = FastXml.parse(d.xml(), 0, builder, XmlBounds.METADATA);
    if (fast != null) {
      docs.add(fast);
    }
    for (Document doc : docs) {
      for (Element e : elements(doc.getDocumentElement())) {
        compare(d, e, null, count);
        for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
          if (SamlDom.is(c, SamlDom.DSIG_NS, "Signature")) {
            compare(d, e, (Element) c, count);
          }
        }
      }
    }
    return count;
  }

  private static void compare(XmlCorpus.Named d, Element apex, Element excluded, Count count)
      throws Exception {
    ExclusiveC14n.Out out = new ExclusiveC14n.Out(null);
    count.compared++;
    if (!ExclusiveC14n.canonicalize(apex, excluded, out)) {
      count.declined++;
      return;
    }
    byte[] ours = Arrays.copyOf(out.bytes(), out.length());
    ByteArrayOutputStream santuario = new ByteArrayOutputStream();
    new Canonicalizer20010315ExclOmitComments()
        .engineCanonicalizeSubTree(apex, (String) null, excluded, santuario);
    assertThat(new String(ours, StandardCharsets.UTF_8))
        .as("c14n of %s in %s (excluded: %s)", apex.getTagName(), d.name(), excluded != null)
        .isEqualTo(santuario.toString(StandardCharsets.UTF_8));
    assertThat(ours).isEqualTo(santuario.toByteArray());
    // As the signature check uses it: the buffer collected SignedInfo, then digests in blocks.
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    ExclusiveC14n.Out digesting = new ExclusiveC14n.Out(null);
    digesting.write(ours, 0, ours.length);
    digesting.digestInto(md);
    assertThat(ExclusiveC14n.canonicalize(apex, excluded, digesting)).isTrue();
    digesting.flush();
    assertThat(md.digest())
        .as("digest of %s in %s", apex.getTagName(), d.name())
        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(santuario.toByteArray()));
  }

  private static String ours(Element apex, Element excluded) {
    ExclusiveC14n.Out out = new ExclusiveC14n.Out(null);
    assertThat(ExclusiveC14n.canonicalize(apex, excluded, out)).isTrue();
    return new String(out.bytes(), 0, out.length(), StandardCharsets.UTF_8);
  }

  private static List<Element> elements(Element root) {
    List<Element> out = new ArrayList<>();
    List<Element> todo = new ArrayList<>(List.of(root));
    while (!todo.isEmpty()) {
      Element e = todo.remove(todo.size() - 1);
      out.add(e);
      for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
        if (c instanceof Element child) {
          todo.add(child);
        }
      }
    }
    return out;
  }
}
