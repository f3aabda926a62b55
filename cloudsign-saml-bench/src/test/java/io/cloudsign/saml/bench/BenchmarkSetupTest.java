package io.cloudsign.saml.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test, no timing: every benchmark's setup proves its input is accepted and a tampered copy
 * rejected, and each benchmark method runs once successfully. The benchmarks themselves never run
 * during the build.
 */
class BenchmarkSetupTest {
  private final SamlBenchmarks benchmarks = new SamlBenchmarks();

  @Test
  void floorRsaVerifyWhenSetUpThenVerifies() throws Exception {
    SamlBenchmarks.RsaState s = new SamlBenchmarks.RsaState();
    s.setUp();
    assertTrue(benchmarks.floor_rsaVerify(s));
  }

  @Test
  void floorJdkDsigWhenSetUpThenVerifies() throws Exception {
    SamlBenchmarks.JdkDsigState s = new SamlBenchmarks.JdkDsigState();
    s.setUp();
    assertTrue(benchmarks.floor_jdkDsig(s));
  }

  @Test
  void cloudsignValidateWhenPoolCyclesThenEveryCallValidates() throws Exception {
    SamlBenchmarks.ValidateState s = new SamlBenchmarks.ValidateState();
    // Large enough that a replay cache sized for one entry per validation fills up (each one
    // remembers the assertion ID and the answered AuthnRequest ID).
    s.poolSize = 64;
    s.setUp();
    for (int i = 0; i < 3 * s.poolSize; i++) { // three rounds: the replay cache forgets per round
      assertEquals("B.Simon@contoso.com", benchmarks.cloudsign_validate(s).nameId());
    }
  }

  @Test
  void cloudsignStartSignInWhenSetUpThenBuildsRedirect() throws Exception {
    SamlBenchmarks.StartSignInState s = new SamlBenchmarks.StartSignInState();
    s.setUp();
    assertTrue(benchmarks.cloudsign_startSignIn(s).getRawQuery().contains("SAMLRequest="));
  }

  @Test
  void javasamlValidateWhenSetUpThenAcceptsSameResponse() throws Exception {
    SamlBenchmarks.JavaSamlState s = new SamlBenchmarks.JavaSamlState();
    s.setUp();
    assertNotNull(benchmarks.javasaml_validate(s));
  }

  @Test
  void twoThreadBreakdownWhenDigestStageBuiltThenItDigestsWhatEntraSigned() throws Exception {
    SamlBenchmarks.JdkDsigState s = new SamlBenchmarks.JdkDsigState();
    s.setUp();
    byte[] xml = Base64.getDecoder().decode(s.samlResponse);
    TwoThreadBreakdown.assertionDigest(xml).run(); // the setup check compares with DigestValue
    String tampered =
        new String(xml, StandardCharsets.UTF_8)
            .replace("B.Simon@contoso.com", "C.Simon@contoso.com");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> TwoThreadBreakdown.assertionDigest(tampered.getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("DigestValue"));
  }

  @Test
  void coldStartFixtureWhenWrittenThenValidatesInFreshServiceProvider(@TempDir Path dir)
      throws Exception {
    ColdStart.writeFixture(dir);
    assertEquals("B.Simon@contoso.com", ColdStartChild.validateFixture(dir).nameId());
  }
}
