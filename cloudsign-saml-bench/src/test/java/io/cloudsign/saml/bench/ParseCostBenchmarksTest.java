package io.cloudsign.saml.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.cloudsign.saml.core.ErrorCode;
import io.cloudsign.saml.core.VerifiedAssertion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Smoke test, no timing: each input of {@link ParseCostBenchmarks} is of the target size, the
 * benign one is accepted and every hostile shape passes the parse bounds and fails only at the
 * digest (its setup checks both), and the benchmark method runs.
 */
class ParseCostBenchmarksTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "elements",
        "namespaceDeclarations",
        "attributes",
        "namespacedAttributes",
        "prefixedElements",
        "nesting",
        "worstMix"
      })
  void setUpWhenHostileShapeThenItReachesTheDigestAtTheTargetSize(String shape) throws Exception {
    ParseCostBenchmarks b = new ParseCostBenchmarks();
    b.shape = shape;
    b.setUp();
    assertEquals(ErrorCode.INVALID_SIGNATURE, b.validate());
  }

  @ParameterizedTest
  @ValueSource(strings = {"benign"})
  void setUpWhenBenignThenAcceptedAtTheTargetSize(String shape) throws Exception {
    ParseCostBenchmarks b = new ParseCostBenchmarks();
    b.shape = shape;
    b.setUp();
    assertInstanceOf(VerifiedAssertion.class, b.validate());
  }
}
