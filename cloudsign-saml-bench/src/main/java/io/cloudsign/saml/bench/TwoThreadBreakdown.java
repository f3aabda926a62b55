package io.cloudsign.saml.bench;

import io.cloudsign.saml.bench.InterleavedRatios.Arm;
import io.cloudsign.saml.bench.InterleavedRatios.Result;
import io.cloudsign.saml.bench.InterleavedRatios.Stats;
import io.cloudsign.saml.bench.InterleavedRatios.ThrowingRunnable;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.xml.security.c14n.implementations.Canonicalizer20010315ExclOmitComments;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Where two threads lose against one on this machine: the 2-thread / 1-thread ratio of each part of
 * a validation, of the whole validation with and without a shared {@code ServiceProvider}, of the
 * floor, and of a loop that touches no memory, all interleaved in one JVM the way {@link
 * InterleavedRatios} does it (shuffled rounds, every ratio taken within a round). If the library
 * serialised its threads anywhere, the shared validation would scale worse than the one with a
 * service provider per thread; if a machine limit is the cause, every line scales alike.
 *
 * <pre>
 * java -cp cloudsign-saml-bench/target/benchmarks.jar io.cloudsign.saml.bench.TwoThreadBreakdown
 * </pre>
 */
public final class TwoThreadBreakdown {
  private TwoThreadBreakdown() {}

  private static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
  private static final String SAML_NS = "urn:oasis:names:tc:SAML:2.0:assertion";

  public static void main(String[] args) throws Exception {
    SamlBenchmarks b = new SamlBenchmarks();
    SamlBenchmarks.ValidateState shared = validateState();
    SamlBenchmarks.ValidateState other = validateState();
    SamlBenchmarks.JdkDsigState dsig = new SamlBenchmarks.JdkDsigState();
    dsig.setUp();
    SamlBenchmarks.JdkDsigState dsigOther = new SamlBenchmarks.JdkDsigState();
    dsigOther.setUp();
    SamlBenchmarks.RsaState rsa = new SamlBenchmarks.RsaState();
    rsa.setUp();
    SamlBenchmarks.RsaState rsaOther = new SamlBenchmarks.RsaState();
    rsaOther.setUp();
    byte[] xml = Base64.getDecoder().decode(dsig.samlResponse);
    ThrowingRunnable digest = assertionDigest(xml);
    ThrowingRunnable digestOther = assertionDigest(xml);

    Map<String, Arm[]> stages = new LinkedHashMap<>();
    stages.put(
        "multiply loop, no memory touched",
        pair(400, InterleavedRatios::spin, InterleavedRatios::spin));
    stages.put(
        "secure parse (the library's parser pool)", pair(400, () -> parse(xml), () -> parse(xml)));
    stages.put("exclusive c14n + SHA-256 of the Assertion", pair(400, digest, digestOther));
    stages.put(
        "RSA-SHA256 verification (floor_rsaVerify)",
        pair(400, () -> b.floor_rsaVerify(rsa), () -> b.floor_rsaVerify(rsaOther)));
    stages.put(
        "cloudsign_validate, one ServiceProvider",
        pair(200, shared::validateNext, shared::validateNext));
    stages.put(
        "cloudsign_validate, a ServiceProvider per thread",
        pair(200, shared::validateNext, other::validateNext));
    stages.put(
        "floor_jdkDsig, a state per thread",
        pair(200, () -> b.floor_jdkDsig(dsig), () -> b.floor_jdkDsig(dsigOther)));

    Map<String, Arm> arms = new LinkedHashMap<>();
    stages.forEach(
        (name, pair) -> {
          arms.put(name, pair[0]);
          arms.put(name + " ×2", pair[1]);
        });
    int rounds = Integer.getInteger("bench.rounds", 61);
    Result r = InterleavedRatios.interleave(arms, rounds);

    StringBuilder sb =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "Two threads against one, interleaved in one JVM (%d rounds; medians):%n%n| work |"
                    + " 1 thread: CPU µs per call | 2 threads / 1 thread, wall clock (middle half)"
                    + " | 2 × t1 / t2 by CPU time |%n|---|--:|--:|--:|%n",
                rounds));
    for (String name : stages.keySet()) {
      Stats wall = r.wallRatio(name + " ×2", name);
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %,.1f | %.2f× (%.2f×–%.2f×) | %.2f× |%n",
              name,
              r.medianCpu(name),
              wall.median(),
              wall.lowerQuartile(),
              wall.upperQuartile(),
              r.cpuRatio(name + " ×2", 2, name).median()));
    }
    System.out.println(sb);
  }

  private static SamlBenchmarks.ValidateState validateState() throws Exception {
    SamlBenchmarks.ValidateState s = new SamlBenchmarks.ValidateState();
    s.poolSize = 1024;
    s.setUp();
    return s;
  }

  /** One thread runs {@code one}; two threads run {@code one} and {@code two} at once. */
  /**
   * A namespace-aware JDK parse, as the library's own parse does through OpenSAML's pool (the bench
   * uses only the library's public API, so it cannot call the library's internal parser).
   */
  static Document parse(byte[] xml) throws Exception {
    return BUILDER.get().parse(new ByteArrayInputStream(xml));
  }

  private static final ThreadLocal<DocumentBuilder> BUILDER =
      ThreadLocal.withInitial(
          () -> {
            try {
              DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
              factory.setNamespaceAware(true);
              factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
              return factory.newDocumentBuilder();
            } catch (ParserConfigurationException e) {
              throw new IllegalStateException(e);
            }
          });

  private static Arm[] pair(int n, ThrowingRunnable one, ThrowingRunnable two) {
    return new Arm[] {Arm.single(n, one), Arm.pair(n, one, two)};
  }

  /**
   * Canonicalises the Assertion of its own parse of {@code xml} (without its Signature, as the
   * enveloped transform does) into SHA-256, as the signature check does once per validation. Checks
   * once that the result is the DigestValue the IdP signed.
   */
  static ThrowingRunnable assertionDigest(byte[] xml) throws Exception {
    Document doc = parse(xml);
    Element assertion = (Element) doc.getElementsByTagNameNS(SAML_NS, "Assertion").item(0);
    Element signature = (Element) assertion.getElementsByTagNameNS(DSIG_NS, "Signature").item(0);
    String signed =
        signature.getElementsByTagNameNS(DSIG_NS, "DigestValue").item(0).getTextContent();
    SamlBenchmarks.check(
        MessageDigest.isEqual(digest(assertion, signature), Base64.getMimeDecoder().decode(signed)),
        "c14n + SHA-256 of the Assertion gives the signed DigestValue");
    return () -> digest(assertion, signature);
  }

  private static byte[] digest(Element assertion, Node signature) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    new Canonicalizer20010315ExclOmitComments()
        .engineCanonicalizeSubTree(assertion, (String) null, signature, new DigestStream(md));
    return md.digest();
  }

  private static final class DigestStream extends OutputStream {
    private final MessageDigest md;

    DigestStream(MessageDigest md) {
      this.md = md;
    }

    @Override
    public void write(int b) {
      md.update((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      md.update(b, off, len);
    }
  }
}
