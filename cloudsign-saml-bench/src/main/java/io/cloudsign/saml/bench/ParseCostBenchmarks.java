package io.cloudsign.saml.bench;

import io.cloudsign.saml.core.ErrorCode;
import io.cloudsign.saml.core.FailureReason;
import io.cloudsign.saml.core.PendingRequest;
import io.cloudsign.saml.core.ReplayCache;
import io.cloudsign.saml.core.SamlValidationException;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.core.VerifiedAssertion;
import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.TestClock;
import io.cloudsign.saml.testkit.TestUser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * What the worst unauthenticated input of the default size costs next to a genuine Response of the
 * same size (issue 11, item 4: at most ~3x). Every input is one {@code SAMLResponse} form value of
 * {@link #TARGET_CHARS} characters (just under the default limit of 256 KiB), posted against a
 * pending request, through the public {@link ServiceProvider#validate} with every rule on:
 *
 * <ul>
 *   <li>{@code benign}: a genuine signed Response whose size comes from group claims; accepted.
 *   <li>each hostile shape: the genuine Response with markup packed as densely as the parse bounds
 *       allow (elements, namespace declarations, attributes, namespaced attributes, prefixed
 *       elements, nesting) inside the first AttributeValue of the signed Assertion, after signing.
 *       That is the costliest place: it passes the bounds and the structure checks and is parsed
 *       and canonicalised for the digest before the signature fails. {@link #setUp} checks that
 *       each one is refused as {@code invalid_signature (not_verified)}, not by a parse bound.
 * </ul>
 *
 * <p>Run (alone on the machine): {@code java -cp cloudsign-saml-bench/target/benchmarks.jar
 * io.cloudsign.saml.bench.ParseCostBenchmarks}; it prints each shape's time as a ratio to {@code
 * benign} from the same run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class ParseCostBenchmarks {
  /** The form value size every input is brought to: just under the default 256 KiB limit. */
  static final int TARGET_CHARS = 256 * 1024 - 1024;

  /** The XML size that makes a form value of {@link #TARGET_CHARS} base64 characters. */
  static final int TARGET_XML = TARGET_CHARS / 4 * 3;

  /** Prefixes declared per element: the bound is 32 in scope, the Response has a few of its own. */
  static final int PREFIXES = 24;

  /** Elements the payload may add: the bound is 5,000 in the document. */
  static final int ELEMENTS = 4_900;

  /**
   * Attributes (namespace declarations included) the payload may add: the bound is 4,096 in the
   * document, and the Response and its signature carry about 40 of their own.
   */
  static final int ATTRIBUTES = 4_040;

  @Param({
    "benign",
    "elements",
    "namespaceDeclarations",
    "attributes",
    "namespacedAttributes",
    "prefixedElements",
    "nesting",
    "worstMix"
  })
  public String shape;

  ServiceProvider sp;
  PendingRequest pending;
  String samlResponse;

  @Setup
  public void setUp() throws Exception {
    TestClock clock = TestClock.atNow();
    BenchFixture f = new BenchFixture(clock);
    // Every validation of the one input must run every rule: the replay cache forgets.
    ReplayCache forgetful = (partition, id, keepUntil) -> ReplayCache.Outcome.FIRST_USE;
    sp = f.serviceProvider(clock, forgetful);
    check(sp.maxResponseChars() > TARGET_CHARS, "inputs fit the default limit");
    BenchFixture.Exchange e =
        shape.equals("benign")
            ? f.exchange(sp, b -> b.user(userWithGroups(f)))
            : f.exchange(sp, b -> b.with(Attack.afterSigning(xml -> inject(xml, shape))));
    pending = e.pending();
    samlResponse = e.samlResponse();
    check(
        samlResponse.length() > TARGET_CHARS - 4096 && samlResponse.length() <= TARGET_CHARS,
        shape + " is " + samlResponse.length() + " chars, target " + TARGET_CHARS);
    if (shape.equals("benign")) {
      check(sp.validate(samlResponse, pending).nameId() != null, "benign accepted");
    } else {
      try {
        sp.validate(samlResponse, pending);
        check(false, shape + " must be rejected");
      } catch (SamlValidationException x) {
        check(
            x.code() == ErrorCode.INVALID_SIGNATURE
                && x.reason() == FailureReason.SIGNATURE_NOT_VERIFIED,
            shape + " reaches the digest (not refused by a parse bound): " + x.getMessage());
      }
    }
  }

  @Benchmark
  public Object validate() {
    try {
      VerifiedAssertion a = sp.validate(samlResponse, pending);
      return a;
    } catch (SamlValidationException e) {
      return e.code();
    }
  }

  /**
   * B. Simon with as many values of an extra claim as bring the Response to the target size (not
   * groups: above 150 the fake, like Entra, sends the groups overage claim instead).
   */
  private static TestUser userWithGroups(BenchFixture f) {
    String plain = f.exchange(f.serviceProvider(TestClock.atNow(), null)).xml();
    // Each value is one <AttributeValue>36-char id</AttributeValue>
    int perValue = "<AttributeValue></AttributeValue>".length() + 36;
    int count = (TARGET_XML - plain.length() - 400) / perValue;
    List<String> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      values.add(String.format("%08x-0f0c-4e57-9d39-2d4c7a2f8d11", i));
    }
    return TestUser.bSimon().toBuilder()
        .claim("http://schemas.cloudsign.example/claims/projects", values.toArray(String[]::new))
        .build();
  }

  /** The Response with {@code shape}'s markup at the end of its first AttributeValue. */
  static String inject(String xml, String shape) {
    int at = xml.indexOf("</AttributeValue>");
    check(at > 0, "the Response has an AttributeValue");
    int budget = TARGET_XML - xml.length() - 64;
    String payload = payload(shape, budget);
    return xml.substring(0, at) + payload + xml.substring(at);
  }

  static String payload(String shape, int budget) {
    return switch (shape) {
      // 4,900 empty elements, the rest text.
      case "elements" -> repeat(budget, ELEMENTS, i -> "<e/>", "x");
      // Sibling elements each declaring 24 prefixes of their own, up to the attribute bound.
      case "namespaceDeclarations" ->
          repeat(budget, ATTRIBUTES / PREFIXES, i -> element("e", declarations(), ""), "x");
      // Sibling elements each carrying 60 attributes (the bound is 64 per element), up to the
      // attribute bound.
      case "attributes" ->
          repeat(budget, ATTRIBUTES / 60, i -> element("e", attributes(60), ""), "x");
      // One wrapper declaring 24 prefixes; children with one attribute in each namespace.
      case "namespacedAttributes" ->
          wrapped(budget, ATTRIBUTES / PREFIXES - 1, i -> element("e", namespacedAttributes(), ""));
      // One wrapper declaring 24 prefixes; children in those namespaces in turn, so exclusive
      // c14n renders a declaration on every one; the rest text.
      case "prefixedElements" -> wrapped(budget, ELEMENTS, i -> "<n" + (i % PREFIXES) + ":e/>");
      // Runs of 50 nested elements (the Assertion's own depth plus 50 stays under 64), the rest
      // text.
      case "nesting" ->
          repeat(budget, ELEMENTS / 50, i -> "<d>".repeat(50) + "</d>".repeat(50), "x");
      // Every bound spent on its costliest use: namespaced attributes up to the attribute bound,
      // then prefixed elements up to the element bound.
      case "worstMix" -> {
        int attributed = ATTRIBUTES / PREFIXES - 1;
        yield wrapped(
            budget,
            ELEMENTS,
            i ->
                i < attributed
                    ? element("e", namespacedAttributes(), "")
                    : "<n" + (i % PREFIXES) + ":e/>");
      }
      default -> throw new IllegalArgumentException(shape);
    };
  }

  private static String wrapped(int budget, int max, IntFunction<String> child) {
    String open = element("w", declarations(), null);
    String close = "</w>";
    return open + repeat(budget - open.length() - close.length(), max, child, "x") + close;
  }

  /** Units up to {@code max} of them or the budget, then {@code filler} to the budget. */
  private static String repeat(int budget, int max, IntFunction<String> unit, String filler) {
    StringBuilder sb = new StringBuilder(budget);
    for (int i = 0; i < max; i++) {
      String u = unit.apply(i);
      if (sb.length() + u.length() > budget) {
        break;
      }
      sb.append(u);
    }
    if (!filler.isEmpty()) {
      while (sb.length() < budget) {
        sb.append(filler);
      }
    }
    return sb.toString();
  }

  private static String element(String name, String attributes, String emptyOrNullForOpen) {
    return "<" + name + attributes + (emptyOrNullForOpen == null ? ">" : "/>");
  }

  private static String declarations() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < PREFIXES; i++) {
      sb.append(" xmlns:n").append(i).append("=\"urn:n").append(i).append('"');
    }
    return sb.toString();
  }

  private static String attributes(int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) {
      sb.append(" a").append(i).append("=\"\"");
    }
    return sb.toString();
  }

  private static String namespacedAttributes() {
    StringBuilder sb = new StringBuilder();
    for (int i = PREFIXES - 1; i >= 0; i--) {
      sb.append(" n").append(i).append(":a=\"\"");
    }
    return sb.toString();
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("benchmark setup: " + what);
    }
  }

  /** Runs every shape in one JMH run and prints each one's time over {@code benign}'s. */
  public static void main(String[] args) throws Exception {
    Map<String, Double> micros = new LinkedHashMap<>();
    for (RunResult r :
        new Runner(
                new OptionsBuilder()
                    .include(ParseCostBenchmarks.class.getName() + "\\.validate$")
                    .build())
            .run()) {
      micros.put(r.getParams().getParam("shape"), r.getPrimaryResult().getScore());
    }
    double benign = micros.get("benign");
    System.out.println();
    System.out.println("| input (" + TARGET_CHARS + " chars) | µs/op | × benign |");
    System.out.println("| --- | ---: | ---: |");
    for (Map.Entry<String, Double> m : micros.entrySet()) {
      System.out.printf(
          java.util.Locale.ROOT,
          "| %s | %,.0f | %.2f |%n",
          m.getKey(),
          m.getValue(),
          m.getValue() / benign);
    }
  }
}
