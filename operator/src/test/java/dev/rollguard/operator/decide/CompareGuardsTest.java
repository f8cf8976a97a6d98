package dev.rollguard.operator.decide;

import static dev.rollguard.operator.decide.DeciderFixture.NEXT;
import static dev.rollguard.operator.decide.DeciderFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.CompareSpec;
import dev.rollguard.operator.api.GuardSpec;
import dev.rollguard.operator.api.GuardStatus;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.api.Stage;
import dev.rollguard.operator.measure.MeasurementRound;
import dev.rollguard.operator.measure.MeasurementRound.Purpose;
import dev.rollguard.operator.measure.prometheus.Measurement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Comparison guards: the new pods against the stable pods, measured in the same round. */
class CompareGuardsTest {

  private final DeciderFixture f = new DeciderFixture();

  @BeforeEach
  void compareConnectionsPerPod() {
    GuardSpec perPod =
        new GuardSpec("db", "avg(conns_per_pod{pod_template_hash=\"{{revision}}\"})");
    perPod.compare = new CompareSpec();
    perPod.compare.baseline = "avg(conns_per_pod{pod_template_hash=\"{{stableRevision}}\"})";
    perPod.compare.maxRatio = 1.5;
    f.rollout.getSpec().guards = List.of(perPod);
  }

  private MeasurementRound round(double canary, double stable) {
    Map<String, Measurement> results = new LinkedHashMap<>();
    results.put("db", new Measurement.Value(f.clock.instant(), canary));
    results.put(CompareSpec.measuredAs("db"), new Measurement.Value(f.clock.instant(), stable));
    return new MeasurementRound(Purpose.ANALYSIS, NEXT.hash(), f.clock.instant(), results);
  }

  private GuardStatus db() {
    return f.rollout.getStatus().analysis.guards.get(0);
  }

  private void deploy() {
    f.step(STABLE);
    f.step(NEXT);
    f.step(NEXT, f.values(Purpose.BASELINE, NEXT.hash(), 10));
  }

  @Test
  void trafficRisingOnStableAndNewPodsAlikeIsNoRegression() {
    deploy();
    f.advanceToMeasurement();
    f.step(NEXT, round(40, 30));
    assertThat(db().verdict).isEqualTo(Verdict.Pass);
    assertThat(db().compared).isEqualTo(30.0);
    assertThat(db().threshold).isEqualTo("<= 45 (compared 30 x 1.5)");
  }

  @Test
  void newPodsAboveTheRatioBreachAndAreRolledBack() {
    deploy();
    f.advanceToMeasurement();
    f.step(NEXT, round(20, 10));
    assertThat(db().verdict).isEqualTo(Verdict.Breach);
    f.advanceToMeasurement();
    f.step(NEXT, round(25, 10));
    assertThat(f.rollout.getStatus().stage).isEqualTo(Stage.RollingBack);
    assertThat(f.rollout.getStatus().pendingRollback.threshold)
        .isEqualTo("<= 15 (compared 10 x 1.5)");
  }

  @Test
  void aMissingComparedValueIsInconclusiveNotABreach() {
    deploy();
    f.advanceToMeasurement();
    Map<String, Measurement> results = new LinkedHashMap<>();
    results.put("db", new Measurement.Value(f.clock.instant(), 99));
    results.put(
        CompareSpec.measuredAs("db"),
        new Measurement.Inconclusive(
            f.clock.instant(), Measurement.Cause.NO_DATA, "no stable pods reported"));
    f.step(NEXT, new MeasurementRound(Purpose.ANALYSIS, NEXT.hash(), f.clock.instant(), results));
    assertThat(db().verdict).isEqualTo(Verdict.Inconclusive);
    assertThat(db().reason).contains("no stable pods reported");
  }

  @Test
  void thePodTemplateHashesSeenAreRecordedForTheRevisions() {
    f.step(STABLE.withReplicaSets(Optional.empty(), Map.of(STABLE.hash(), "5d8f")));
    assertThat(f.rollout.getStatus().stableRevision.podTemplateHash).isEqualTo("5d8f");
    f.step(
        NEXT.withReplicaSets(Optional.empty(), Map.of(STABLE.hash(), "5d8f", NEXT.hash(), "7c9d")));
    assertThat(f.rollout.getStatus().currentRevision.podTemplateHash).isEqualTo("7c9d");
    assertThat(f.rollout.getStatus().stableRevision.podTemplateHash).isEqualTo("5d8f");
    f.step(NEXT);
    assertThat(f.rollout.getStatus().currentRevision.podTemplateHash)
        .as("kept once known")
        .isEqualTo("7c9d");
  }
}
