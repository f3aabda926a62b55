package io.cloudsign.saml.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsign.saml.bench.InterleavedRatios.Result;
import io.cloudsign.saml.bench.InterleavedRatios.Timing;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The arithmetic of the interleaved ratios; no timing. */
class InterleavedRatiosTest {

  @Test
  void ratiosWhenMachineSpeedChangesBetweenRoundsThenTakenRoundByRound() {
    // Round speeds 1x, 3x slower, 1x, 5x slower, 1x: validate always takes half the floor's time,
    // and two threads always do 1.5x the work of one. The median of per-round ratios sees exactly
    // that; a ratio of the two medians would not (the slow rounds do not line up in rank).
    double[] slowdown = {1, 3, 1, 5, 1};
    Map<String, Timing[]> t = new LinkedHashMap<>();
    t.put(InterleavedRatios.FLOOR, new Timing[5]);
    t.put(InterleavedRatios.VALIDATE, new Timing[5]);
    t.put(InterleavedRatios.VALIDATE_2, new Timing[5]);
    for (int i = 0; i < 5; i++) {
      double s = slowdown[i];
      double floorWall = 200 * s * (i == 2 ? 4 : 1); // round 2: only the floor's side was slowed
      t.get(InterleavedRatios.FLOOR)[i] = new Timing(floorWall, 200 * s);
      t.get(InterleavedRatios.VALIDATE)[i] = new Timing(100 * s, 100 * s);
      // two threads: 1.5x the throughput by the wall clock; each thread 1.25x the CPU per call
      t.get(InterleavedRatios.VALIDATE_2)[i] = new Timing(100 * s / 1.5, 125 * s);
    }
    Result r = new Result(t, 5);

    assertEquals(2.0, r.wallRatio(InterleavedRatios.VALIDATE, InterleavedRatios.FLOOR).median());
    // one round in five was off (8x): it stays outside the middle half
    assertEquals(
        2.0, r.wallRatio(InterleavedRatios.VALIDATE, InterleavedRatios.FLOOR).upperQuartile());
    assertEquals(2.0, r.cpuRatio(InterleavedRatios.VALIDATE, 1, InterleavedRatios.FLOOR).median());
    assertEquals(
        1.5, r.wallRatio(InterleavedRatios.VALIDATE_2, InterleavedRatios.VALIDATE).median(), 1e-12);
    assertEquals(
        1.6,
        r.cpuRatio(InterleavedRatios.VALIDATE_2, 2, InterleavedRatios.VALIDATE).median(),
        1e-12);
    assertEquals(100 * 1.0, r.medianWall(InterleavedRatios.VALIDATE));
  }

  @Test
  void statsWhenOddSampleThenMedianAndQuartilesAreMembers() {
    InterleavedRatios.Stats s = InterleavedRatios.Stats.of(new double[] {9, 1, 5, 3, 7});
    assertEquals(5, s.median());
    assertEquals(3, s.lowerQuartile());
    assertEquals(7, s.upperQuartile());
  }

  @Test
  void tableWhenAllMethodsTimedThenPrintsEveryRatioWithItsTarget() {
    Map<String, Timing[]> t = new LinkedHashMap<>();
    for (String m :
        new String[] {
          InterleavedRatios.RSA,
          InterleavedRatios.FLOOR,
          InterleavedRatios.VALIDATE,
          InterleavedRatios.JAVA_SAML,
          InterleavedRatios.VALIDATE_2,
          InterleavedRatios.FLOOR_2,
          InterleavedRatios.SPIN,
          InterleavedRatios.SPIN_2
        }) {
      t.put(m, new Timing[] {new Timing(100, 100)});
    }
    String table = InterleavedRatios.table(new Result(t, 1));
    assertTrue(table.contains("| cloudsign_validate / javasaml_validate | 1.00× (1.00×–1.00×) |"));
    assertTrue(
        table.contains(
            "| 2 threads / 1 thread (cloudsign_validate) | 1.00× (1.00×–1.00×)"
                + " | 2.00× | ≥ 1.7× |"),
        table);
  }
}
