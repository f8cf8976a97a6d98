package dev.rollguard.operator.decide;

import static dev.rollguard.operator.decide.DeciderFixture.NEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.CompareSpec;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.measure.MeasurementRound;
import dev.rollguard.operator.measure.MeasurementRound.Purpose;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the decider says in advance about the next round: which results breach a guard, so that
 * round's reconcile goes first. The guard is db (max 150, maxIncrease 50 % over a baseline of 80,
 * so at most 120), bake time 5 minutes, failure limit 2.
 */
class BreachOutlookTest {

  private final DeciderFixture f = new DeciderFixture();

  private BreachOutlook outlook() {
    return f.last.breachOutlook().orElseThrow(() -> new AssertionError("no breach outlook"));
  }

  @Test
  void aValueOverAnyBoundBreachesJudgedAgainstTheBaseline() {
    f.deployWithBaseline(80);

    assertThat(outlook().test(f.values(Purpose.ANALYSIS, NEXT.hash(), 200))).isTrue();
    // Under max 150 but over the baseline's 50 %.
    assertThat(outlook().test(f.values(Purpose.ANALYSIS, NEXT.hash(), 130))).isTrue();
    assertThat(outlook().test(f.values(Purpose.ANALYSIS, NEXT.hash(), 100))).isFalse();
    assertThat(outlook().test(f.noData(Purpose.ANALYSIS, NEXT.hash()))).isFalse();
    assertThat(outlook().test(f.values(Purpose.ANALYSIS, "otherhash", 200))).isFalse();
    assertThat(outlook().test(f.values(Purpose.RECOVERY, NEXT.hash(), 200))).isFalse();
    assertThat(
            outlook()
                .test(
                    new MeasurementRound(
                        Purpose.ANALYSIS, NEXT.hash(), f.clock.instant(), Map.of())))
        .isFalse();
  }

  @Test
  void theRoundThatRollsBackIsSaidToBreachInAdvance() {
    f.deployWithBaseline(80);
    f.measure(200);
    assertThat(f.last.status().analysis.guards.get(0).verdict).isEqualTo(Verdict.Breach);
    // After a first breach no round is quiet, but the one that breaches again is told apart.
    assertThat(f.last.outlook()).isEmpty();
    BreachOutlook outlook = outlook();
    f.advanceToMeasurement();
    MeasurementRound second = f.values(Purpose.ANALYSIS, NEXT.hash(), 200);

    assertThat(outlook.test(second)).isTrue();
    Decision decision = f.step(NEXT, second);
    assertThat(decision.status().pendingRollback).isNotNull();
  }

  @Test
  void everyValueTheDeciderJudgesABreachIsSaidToBreachAndNoOther() {
    f.rollout.getSpec().analysis.bakeTime = "1h";
    f.rollout.getSpec().analysis.failureLimit = 100;
    f.deployWithBaseline(80);
    f.measure(90);
    for (double value = 0; value <= 200; value += 5) {
      BreachOutlook outlook = outlook();
      f.advanceToMeasurement();
      MeasurementRound round = f.values(Purpose.ANALYSIS, NEXT.hash(), value);

      Decision decision = f.step(NEXT, round);

      boolean breached = decision.status().analysis.guards.get(0).verdict == Verdict.Breach;
      assertThat(outlook.test(round)).as("value %s", value).isEqualTo(breached);
    }
  }

  @Test
  void aRelativeBoundWithoutABaselineIsNotJudgedAndTheAbsoluteOneStillIs() {
    // Deployed, the baseline not measured yet.
    f.step(DeciderFixture.STABLE);
    f.advance(Duration.ofMinutes(1));
    f.step(NEXT);
    BreachOutlook outlook =
        BreachOutlook.of(f.rollout.getSpec().guards, f.last.status().analysis).orElseThrow();

    assertThat(outlook.test(f.values(Purpose.ANALYSIS, NEXT.hash(), 130))).isFalse();
    assertThat(outlook.test(f.values(Purpose.ANALYSIS, NEXT.hash(), 160))).isTrue();
  }

  @Test
  void aGuardThatComparesWithTheStableRevisionIsLeftOut() {
    var compare = new CompareSpec();
    compare.baseline = "avg(db_connections)";
    compare.maxRatio = 1.5;
    f.rollout.getSpec().guards.get(0).compare = compare;
    f.deployWithBaseline(80);

    assertThat(f.last.breachOutlook()).isEmpty();
  }
}
