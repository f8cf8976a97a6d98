package dev.rollguard.operator.decide;

import static dev.rollguard.operator.decide.DeciderFixture.NEXT;
import static dev.rollguard.operator.decide.DeciderFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.operator.api.Stage;
import dev.rollguard.operator.decide.WorkloadState.PreviousRevision;
import dev.rollguard.operator.measure.MeasurementRound.Purpose;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The decision core's stages: gates, mid-rollout adoption, takeover, and the stage recorded in
 * status.
 */
class DecisionStagesTest {

  private final DeciderFixture f = new DeciderFixture();

  private RolloutStatus status() {
    return f.rollout.getStatus();
  }

  private Condition condition(String type) {
    return status().conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  @Nested
  class InvalidSpec {
    @Test
    void aDurationTooLargeToRepresentIsReportedNamingTheFieldOncePerGeneration() {
      f.rollout.getSpec().analysis.bakeTime = "99999999999999999999h";
      f.step(STABLE);

      assertThat(status().stage).isEqualTo(Stage.InvalidSpec);
      assertThat(status().phase).isEqualTo(Phase.Error);
      assertThat(condition("Ready").getStatus()).isEqualTo("False");
      assertThat(condition("Ready").getReason()).isEqualTo("InvalidSpec");
      assertThat(condition("Ready").getMessage())
          .contains("spec.analysis.bakeTime")
          .contains("99999999999999999999h");
      assertThat(status().message).contains("NOT guarded");
      assertThat(f.eventReasons()).containsExactly("InvalidSpec");
      assertThat(f.actions(Change.SaveStableRevision.class)).as("nothing is adopted").isEmpty();
      assertThat(f.last.measurement()).isEmpty();

      f.step(STABLE);
      assertThat(f.lastActions()).as("told once per generation").isEmpty();

      f.rollout.getMetadata().setGeneration(4L);
      f.step(STABLE);
      assertThat(f.eventReasons())
          .as("a new generation with the same mistake is told again")
          .containsExactly("InvalidSpec");
    }

    @Test
    void fixingTheSpecStartsGuarding() {
      f.rollout.getSpec().analysis.interval = "0s";
      f.step(STABLE);
      assertThat(condition("Ready").getMessage())
          .contains("spec.analysis.interval")
          .contains("greater than zero");

      f.rollout.getSpec().analysis.interval = "15s";
      f.rollout.getMetadata().setGeneration(4L);
      f.step(STABLE);
      assertThat(status().stage).isEqualTo(Stage.Stable);
      assertThat(condition("Ready").getStatus()).isEqualTo("True");
      assertThat(f.eventReasons()).containsExactly("Adopted");
    }

    @Test
    void anUnknownQueryVariableIsNamed() {
      f.rollout.getSpec().guards.get(0).query = "sum(x{pod_template_hash=\"{{revison}}\"})";
      f.step(STABLE);
      assertThat(status().stage).isEqualTo(Stage.InvalidSpec);
      assertThat(condition("Ready").getMessage())
          .contains("spec.guards[0].query")
          .contains("{{revison}}");
    }

    @Test
    void zeroTimeoutAndTrendWindowAreNamed() {
      f.rollout.getSpec().prometheus = new dev.rollguard.operator.api.PrometheusSpec();
      f.rollout.getSpec().prometheus.timeout = "0ms";
      f.step(STABLE);
      assertThat(condition("Ready").getMessage()).contains("spec.prometheus.timeout");

      f.rollout.getSpec().prometheus.timeout = "5s";
      var exhaustion = new dev.rollguard.operator.api.ExhaustionSpec();
      exhaustion.limit = 100.0;
      exhaustion.within = "0s";
      f.rollout.getSpec().guards.get(0).exhaustion = exhaustion;
      f.step(STABLE);
      assertThat(condition("Ready").getMessage()).contains("spec.guards[0].exhaustion.within");
    }
  }

  @Nested
  class MidRolloutAdoption {
    @Test
    void aDeploymentCaughtMidRolloutAdoptsThePreviousRevisionAndAnalysesTheNewOne() {
      var startedAt = f.clock.instant().minusSeconds(20);
      WorkloadState inFlight =
          new WorkloadState(
              NEXT.hash(),
              NEXT.images(),
              false,
              "1/3 updated replicas",
              false,
              Optional.empty(),
              true,
              Optional.of(
                  new PreviousRevision(STABLE.hash(), STABLE.images(), "web-5d8f", startedAt)),
              Map.of(),
              3,
              1,
              Optional.empty(),
              2);

      f.step(inFlight);

      assertThat(status().stableRevision.hash).isEqualTo(STABLE.hash());
      assertThat(f.actions(Change.SaveStableRevision.class))
          .containsExactly(
              new Change.SaveStableRevision(
                  STABLE.hash(), "web-" + STABLE.hash(), Optional.of("web-5d8f")));
      assertThat(status().stage).isEqualTo(Stage.Analysing);
      assertThat(status().currentRevision.hash).isEqualTo(NEXT.hash());
      assertThat(status().currentRevision.since)
          .as("the deploy time is the new ReplicaSet's")
          .isEqualTo(startedAt);
      assertThat(f.last.measurement().orElseThrow().purpose()).isEqualTo(Purpose.BASELINE);
      assertThat(f.last.measurement().orElseThrow().evaluateAt())
          .contains(startedAt.minusSeconds(1));
      assertThat(f.eventReasons()).containsExactly("Adopted", "Deployed");
    }

    @Test
    void aNewDeploymentStillRollingOutWithNothingBeforeItIsAdoptedAsItIs() {
      WorkloadState first =
          new WorkloadState(
              STABLE.hash(),
              STABLE.images(),
              false,
              "0/3",
              false,
              Optional.empty(),
              true,
              Optional.empty(),
              Map.of(),
              3,
              0,
              Optional.empty(),
              1);
      f.step(first);
      assertThat(status().stage).isEqualTo(Stage.Stable);
      assertThat(status().stableRevision.hash).isEqualTo(STABLE.hash());
    }
  }

  @Nested
  class Takeover {
    @Test
    void whenTheGuardingRolloutIsGoneTheRunningRevisionIsAdopted() {
      f.guardedBy = Optional.of("first");
      f.step(STABLE);
      assertThat(status().stage).isEqualTo(Stage.Conflict);
      f.step(STABLE);
      assertThat(f.lastActions()).as("told once").isEmpty();

      f.guardedBy = Optional.empty();
      f.step(STABLE);
      assertThat(status().stage).isEqualTo(Stage.Stable);
      assertThat(status().stableRevision.hash).isEqualTo(STABLE.hash());
      assertThat(condition("Ready").getReason()).isEqualTo("Stable");
    }
  }

  @Nested
  class RecordedStage {
    @Test
    void followsARollbackThroughRecovery() {
      f.deployWithBaseline(80);
      assertThat(status().stage).isEqualTo(Stage.Analysing);
      f.measure(200);
      f.measure(210);
      assertThat(status().stage).isEqualTo(Stage.RollingBack);
      f.step(NEXT);
      assertThat(status().stage).isEqualTo(Stage.VerifyingRecovery);
      assertThat(condition("Ready").getStatus()).isEqualTo("Unknown");
      f.step(STABLE);
      f.advanceToMeasurement();
      f.step(STABLE, f.values(Purpose.RECOVERY, STABLE.hash(), 85));
      assertThat(status().stage).isEqualTo(Stage.RolledBack);
      assertThat(status().phase).isEqualTo(Phase.RolledBack);
    }

    @Test
    void aCleanDecisionReplacesAReconcileErrorOnReady() {
      f.step(STABLE);
      status().conditions.removeIf(c -> c.getType().equals("Ready"));
      status()
          .conditions
          .add(
              new ConditionBuilder()
                  .withType("Ready")
                  .withStatus("False")
                  .withReason("ReconcileError")
                  .withMessage("boom")
                  .build());
      f.advance(Duration.ofSeconds(5));
      f.step(STABLE);
      assertThat(condition("Ready").getStatus()).isEqualTo("True");
      assertThat(condition("Ready").getReason()).isEqualTo("Stable");
    }

    @Test
    void aStatusWrittenBeforeStagesExistedResumesWhereItWas() {
      f.deployWithBaseline(80);
      status().stage = null;
      f.measure(90);
      assertThat(status().stage).isEqualTo(Stage.Analysing);
      assertThat(f.eventReasons()).doesNotContain("Deployed");
    }
  }

  @Test
  void everyStageHasAPhase() {
    for (Stage stage : Stage.values()) {
      assertThat(stage.phase()).as(stage.name()).isNotNull();
    }
    assertThat(List.of(Stage.Conflict, Stage.WorkloadMissing, Stage.InvalidSpec))
        .allMatch(Stage::isGate);
  }
}
