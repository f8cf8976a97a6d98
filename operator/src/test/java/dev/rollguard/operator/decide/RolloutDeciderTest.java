package dev.rollguard.operator.decide;

import static dev.rollguard.operator.decide.DeciderFixture.NEXT;
import static dev.rollguard.operator.decide.DeciderFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.AnalysisSpec.InconclusivePolicy;
import dev.rollguard.operator.api.GuardStatus;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.operator.measure.MeasurementRequest;
import dev.rollguard.operator.measure.MeasurementRound.Purpose;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RolloutDeciderTest {

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

  private GuardStatus db() {
    return status().analysis.guards.get(0);
  }

  @Nested
  class Adoption {
    @Test
    void theRunningTemplateBecomesStableAndIsSaved() {
      Decision d = f.step(STABLE);

      assertThat(status().phase).isEqualTo(Phase.Healthy);
      assertThat(status().stableRevision.hash).isEqualTo(STABLE.hash());
      assertThat(status().stableRevision.images).containsExactly("shop/web:1");
      assertThat(status().stableRevision.controllerRevision).isEqualTo("web-" + STABLE.hash());
      assertThat(f.actions(Change.SaveStableRevision.class))
          .containsExactly(new Change.SaveStableRevision(STABLE.hash(), "web-" + STABLE.hash()));
      assertThat(f.eventReasons()).containsExactly("Adopted");
      assertThat(status().observedGeneration).isEqualTo(3L);
      assertThat(condition("Ready").getStatus()).isEqualTo("True");
      assertThat(d.measurement()).isEmpty();
    }

    @Test
    void aSecondLookChangesNothing() {
      f.step(STABLE);
      RolloutStatus first = status();
      f.step(STABLE);
      assertThat(f.lastActions()).isEmpty();
      assertThat(f.last.status()).usingRecursiveComparison().isEqualTo(first);
    }
  }

  @Nested
  class Deploy {
    @Test
    void aNewTemplateStartsAnalysisWithABaselineFromJustBeforeIt() {
      f.step(STABLE);
      f.advance(Duration.ofMinutes(1));
      Decision d = f.step(NEXT);

      Instant deployedAt = f.clock.instant();
      assertThat(status().phase).isEqualTo(Phase.Analysing);
      assertThat(status().currentRevision.hash).isEqualTo(NEXT.hash());
      assertThat(status().currentRevision.since).isEqualTo(deployedAt);
      assertThat(d.measurement())
          .contains(
              new MeasurementRequest(
                  Purpose.BASELINE,
                  NEXT.hash(),
                  deployedAt,
                  Optional.of(deployedAt.minusSeconds(1))));
      assertThat(f.eventReasons()).containsExactly("Deployed");
      assertThat(condition("Analysing").getStatus()).isEqualTo("True");
    }

    @Test
    void theFirstMeasurementWaitsForTheInitialDelayThenFollowsTheInterval() {
      f.deployWithBaseline(80);
      Instant deployedAt = status().currentRevision.since;
      assertThat(f.last.measurement().orElseThrow().purpose()).isEqualTo(Purpose.ANALYSIS);
      assertThat(f.last.measurement().orElseThrow().due()).isEqualTo(deployedAt.plusSeconds(30));

      f.measure(90);
      assertThat(f.last.measurement().orElseThrow().due()).isEqualTo(deployedAt.plusSeconds(45));
      assertThat(db().baseline).isEqualTo(80.0);
      assertThat(db().verdict).isEqualTo(Verdict.Pass);
    }
  }

  @Nested
  class Breaches {
    @Test
    void oneBreachIsCountedButDoesNotRollBack() {
      f.deployWithBaseline(80);
      f.measure(200);
      assertThat(db().verdict).isEqualTo(Verdict.Breach);
      assertThat(db().consecutiveBreaches).isEqualTo(1);
      assertThat(status().phase).isEqualTo(Phase.Analysing);
      assertThat(f.eventReasons()).containsExactly("GuardBreached");
      assertThat(
              f.lastActions().stream()
                  .filter(Notice.Event.class::isInstance)
                  .map(a -> ((Notice.Event) a).message()))
          .containsExactly(
              "db = 200 > max 150; db = 200 > 120 (baseline 80 + 50%) (breach 1 of 2)");
    }

    @Test
    void aPassingMeasurementResetsTheCount() {
      f.deployWithBaseline(80);
      f.measure(200);
      f.measure(100);
      f.measure(200);
      assertThat(db().consecutiveBreaches).isEqualTo(1);
      assertThat(status().phase).isEqualTo(Phase.Analysing);
    }

    @Test
    void failureLimitConsecutiveBreachesDecideARollbackFirstAndActOnTheNextStep() {
      f.deployWithBaseline(80);
      f.measure(200);
      f.measure(210);

      assertThat(status().phase).isEqualTo(Phase.RollingBack);
      assertThat(status().pendingRollback.guard).isEqualTo("db");
      assertThat(status().pendingRollback.value).isEqualTo(210.0);
      assertThat(f.actions(Change.RestoreTemplate.class))
          .as("nothing is touched before the decision is saved")
          .isEmpty();
      assertThat(f.last.recheckAfter()).contains(Duration.ZERO);

      f.step(NEXT);
      assertThat(f.actions(Change.RestoreTemplate.class))
          .containsExactly(new Change.RestoreTemplate("web-" + STABLE.hash(), STABLE.hash()));
      assertThat(status().phase).isEqualTo(Phase.RolledBack);
      assertThat(status().pendingRollback).isNull();
      assertThat(status().currentRevision.hash).isEqualTo(STABLE.hash());
      assertThat(status().failedRevisions)
          .singleElement()
          .satisfies(
              failed -> {
                assertThat(failed.hash).isEqualTo(NEXT.hash());
                assertThat(failed.guard).isEqualTo("db");
                assertThat(failed.value).isEqualTo(210.0);
                assertThat(failed.threshold).isEqualTo("<= 150, <= 120 (baseline 80 + 50%)");
              });
      Notice.RollbackCounted count = f.actions(Notice.RollbackCounted.class).get(0);
      assertThat(count.detection()).isEqualTo(Duration.ofSeconds(45));
      Notice.Event event = f.actions(Notice.Event.class).get(0);
      assertThat(event.warning()).isTrue();
      assertThat(event.alsoOnWorkload()).isTrue();
      assertThat(event.message())
          .contains("rolled back bbbbbbbbbb (shop/web:2) to aaaaaaaaaa (shop/web:1)")
          .contains("db = 210 > max 150");
      assertThat(condition("RolledBack").getStatus()).isEqualTo("True");
      assertThat(condition("RolledBack").getReason()).isEqualTo("GuardBreached");
    }

    @Test
    void aRestartAfterTheRestoreFinishesWithoutRestoringTwice() {
      f.deployWithBaseline(80);
      f.measure(200);
      f.measure(210);
      // The operator restored the template, then died before writing the status.
      f.step(STABLE);
      assertThat(f.actions(Change.RestoreTemplate.class)).isEmpty();
      assertThat(status().phase).isEqualTo(Phase.RolledBack);
      assertThat(status().failedRevisions).hasSize(1);
      assertThat(f.allActions(Notice.RollbackCounted.class)).hasSize(1);
    }

    @Test
    void theSameAbsoluteValueBeforeTheDeployDidNotBreach() {
      f.deployWithBaseline(100);
      f.measure(140);
      assertThat(db().verdict).as("140 <= 150 (100 +50%)").isEqualTo(Verdict.Pass);
    }
  }

  @Nested
  class MissingData {
    @Test
    void isInconclusiveReportedAndNeverRolledBackByDefault() {
      f.deployWithBaseline(80);
      for (int i = 0; i < 6; i++) {
        f.advanceToMeasurement();
        f.step(NEXT, f.noData(Purpose.ANALYSIS, NEXT.hash()));
      }
      assertThat(status().phase).isEqualTo(Phase.Analysing);
      assertThat(status().pendingRollback).isNull();
      assertThat(db().consecutiveInconclusive).isEqualTo(6);
      assertThat(condition("MetricsAvailable").getStatus()).isEqualTo("False");
      assertThat(condition("MetricsAvailable").getMessage()).contains("Connection refused");
      assertThat(
              f.allActions(Notice.Event.class).stream()
                  .filter(e -> e.reason().equals("MetricsUnavailable")))
          .as("reported once, at the limit")
          .hasSize(1);
    }

    @Test
    void holdsPromotionUntilDataReturnsThenPromotes() {
      f.deployWithBaseline(80);
      while (f.clock
          .instant()
          .isBefore(status().currentRevision.since.plus(Duration.ofMinutes(6)))) {
        f.advanceToMeasurement();
        f.step(NEXT, f.noData(Purpose.ANALYSIS, NEXT.hash()));
      }
      assertThat(status().phase).isEqualTo(Phase.Analysing);
      f.measure(90);
      assertThat(status().phase).isEqualTo(Phase.Healthy);
      assertThat(condition("MetricsAvailable").getStatus()).isEqualTo("True");
    }

    @Test
    void rollsBackAtTheLimitWhenAskedTo() {
      f.rollout.getSpec().analysis.onInconclusive = InconclusivePolicy.Rollback;
      f.deployWithBaseline(80);
      for (int i = 0; i < 3; i++) {
        f.advanceToMeasurement();
        f.step(NEXT, f.noData(Purpose.ANALYSIS, NEXT.hash()));
      }
      assertThat(status().phase).isEqualTo(Phase.RollingBack);
      assertThat(status().pendingRollback.reason).isEqualTo("MetricsUnavailable");
    }

    @Test
    void aMissingBaselineIsQueriedAgainAfterTheNextMeasurement() {
      f.step(STABLE);
      f.step(NEXT);
      f.step(NEXT, f.noData(Purpose.BASELINE, NEXT.hash()));
      assertThat(db().baselineError).contains("unreachable");
      f.measure(100);
      assertThat(f.last.measurement().orElseThrow().purpose()).isEqualTo(Purpose.BASELINE);
      assertThat(f.last.measurement().orElseThrow().evaluateAt())
          .contains(status().currentRevision.since.minusSeconds(1));
      f.advanceToMeasurement();
      f.step(NEXT, f.values(Purpose.BASELINE, NEXT.hash(), 80));
      assertThat(db().baseline).isEqualTo(80.0);
      assertThat(f.last.measurement().orElseThrow().purpose()).isEqualTo(Purpose.ANALYSIS);
    }
  }

  @Nested
  class Promotion {
    @Test
    void aCleanAvailableRevisionIsPromotedAfterTheBakeTime() {
      f.deployWithBaseline(80);
      Instant bakeEnd = status().currentRevision.since.plus(Duration.ofMinutes(5));
      while (status().phase == Phase.Analysing) {
        f.measure(90);
        if (f.clock.instant().isBefore(bakeEnd)) {
          assertThat(status().phase).isEqualTo(Phase.Analysing);
        }
      }
      assertThat(f.clock.instant()).isAfterOrEqualTo(bakeEnd).isBefore(bakeEnd.plusSeconds(15));
      assertThat(status().phase).isEqualTo(Phase.Healthy);
      assertThat(status().stableRevision.hash).isEqualTo(NEXT.hash());
      assertThat(f.actions(Change.SaveStableRevision.class))
          .containsExactly(new Change.SaveStableRevision(NEXT.hash(), "web-" + NEXT.hash()));
      assertThat(f.actions(Notice.PromotionCounted.class)).hasSize(1);
      assertThat(f.eventReasons()).contains("Promoted");
    }

    @Test
    void anUnavailableRevisionIsNotPromotedAndIsRolledBackAtTheProgressDeadline() {
      WorkloadState stuck =
          new WorkloadState(NEXT.hash(), NEXT.images(), false, "1/3 updated replicas available");
      f.step(STABLE);
      f.step(stuck);
      f.step(stuck, f.values(Purpose.BASELINE, NEXT.hash(), 80));
      assertThat(f.last.recheckAfter()).isPresent();
      f.advance(Duration.ofMinutes(3));
      f.step(stuck);
      assertThat(status().phase).isEqualTo(Phase.RollingBack);
      assertThat(status().pendingRollback.reason).isEqualTo("ProgressDeadlineExceeded");
      assertThat(status().pendingRollback.message).contains("1/3 updated replicas available");
    }
  }

  @Nested
  class DryRun {
    @Test
    void saysWhatItWouldDoAndNeverTouchesTheDeployment() {
      f.dryRun();
      f.deployWithBaseline(80);
      f.measure(200);
      f.measure(210);
      f.step(NEXT);

      assertThat(f.allActions(Change.RestoreTemplate.class)).isEmpty();
      assertThat(status().phase).isEqualTo(Phase.RolledBack);
      assertThat(status().message).startsWith("DryRun: would have rolled back bbbbbbbbbb");
      assertThat(status().currentRevision.hash)
          .as("the new revision still runs")
          .isEqualTo(NEXT.hash());
      assertThat(f.actions(Notice.RollbackCounted.class).get(0).mode()).isEqualTo("DryRun");
      assertThat(f.eventReasons()).containsExactly("DryRunRollback");
      f.step(NEXT);
      assertThat(f.lastActions()).isEmpty();
    }
  }

  @Nested
  class Recovery {
    private void rolledBack() {
      f.deployWithBaseline(80);
      f.measure(200);
      f.measure(210);
      f.step(NEXT);
      f.step(STABLE);
    }

    @Test
    void guardsWithinBoundsAgainAreReportedAsRecovered() {
      rolledBack();
      MeasurementRequest request = f.advanceToMeasurement();
      assertThat(request.purpose()).isEqualTo(Purpose.RECOVERY);
      f.step(STABLE, f.values(Purpose.RECOVERY, STABLE.hash(), 85));
      assertThat(f.eventReasons())
          .as("the rollback complete, the Deployment is held in the same pass")
          .containsExactly("HeldAfterRollback", "Recovered");
      assertThat(condition("Recovered").getStatus()).isEqualTo("True");
      assertThat(condition("Ready").getStatus()).isEqualTo("True");
      assertThat(f.last.measurement()).isEmpty();
    }

    @Test
    void guardsStillOutOfBoundsAreReportedLoudlyAndNeverRolledBackAgain() {
      rolledBack();
      while (f.last.measurement().isPresent()) {
        f.advanceToMeasurement();
        f.step(STABLE, f.values(Purpose.RECOVERY, STABLE.hash(), 300));
      }
      assertThat(condition("Recovered").getStatus()).isEqualTo("False");
      assertThat(condition("Recovered").getReason()).isEqualTo("NotRecovered");
      assertThat(status().message).startsWith("NOT RECOVERED");
      assertThat(f.allActions(Change.RestoreTemplate.class)).hasSize(1);
      assertThat(
              f.allActions(Notice.Event.class).stream()
                  .filter(e -> e.reason().equals("NotRecovered")))
          .hasSize(1);
    }
  }

  @Nested
  class PeopleInCharge {
    @Test
    void promoteEndsAnalysisNow() {
      f.deployWithBaseline(80);
      f.requests = new Requests(true, false, false);
      f.step(NEXT);
      assertThat(status().phase).isEqualTo(Phase.Healthy);
      assertThat(status().stableRevision.hash).isEqualTo(NEXT.hash());
      assertThat(f.actions(Change.ClearRequests.class)).hasSize(1);
    }

    @Test
    void rollbackRollsBackNow() {
      f.deployWithBaseline(80);
      f.requests = new Requests(false, true, false);
      f.step(NEXT);
      assertThat(status().phase).isEqualTo(Phase.RollingBack);
      f.step(NEXT);
      assertThat(f.actions(Change.RestoreTemplate.class)).hasSize(1);
      assertThat(condition("RolledBack").getReason()).isEqualTo("Requested");
    }

    @Test
    void retryClearsTheFailedRevisions() {
      f.deployWithBaseline(80);
      f.measure(200);
      f.measure(210);
      f.step(NEXT);
      f.requests = new Requests(false, false, true);
      f.step(STABLE);
      assertThat(status().failedRevisions).isEmpty();
      assertThat(f.eventReasons()).contains("Retried");
    }
  }

  @Nested
  class WhatOnlyTheOperatorSees {
    @Test
    void aMissingDeploymentIsAConditionAndOneEvent() {
      f.step(null);
      assertThat(status().phase).isEqualTo(Phase.Pending);
      assertThat(condition("WorkloadFound").getStatus()).isEqualTo("False");
      assertThat(f.eventReasons()).containsExactly("WorkloadNotFound");
      f.step(null);
      assertThat(f.lastActions()).isEmpty();
      f.step(STABLE);
      assertThat(condition("WorkloadFound").getStatus()).isEqualTo("True");
      assertThat(status().phase).isEqualTo(Phase.Healthy);
    }

    @Test
    void aSecondRolloutOnTheSameDeploymentDoesNothing() {
      f.guardedBy = Optional.of("web-guard");
      f.step(STABLE);
      assertThat(status().phase).isEqualTo(Phase.Error);
      assertThat(status().message).contains("already guarded by Rollout web-guard");
      assertThat(f.actions(Change.SaveStableRevision.class)).isEmpty();
      assertThat(condition("Ready").getReason()).isEqualTo("Conflict");
    }

    @Test
    void conditionsKeepTheirTransitionTimeWhileTheirStatusHolds() {
      f.step(STABLE);
      String first = condition("Ready").getLastTransitionTime();
      f.advance(Duration.ofMinutes(5));
      f.step(STABLE);
      assertThat(condition("Ready").getLastTransitionTime()).isEqualTo(first);
      assertThat(condition("Ready").getObservedGeneration()).isEqualTo(3L);
    }
  }

  @Nested
  class Holding {
    private final WorkloadState stablePaused =
        new WorkloadState(
            STABLE.hash(), STABLE.images(), true, "3/3", true, Optional.of(NEXT.hash()));
    private final WorkloadState failedPaused =
        new WorkloadState(NEXT.hash(), NEXT.images(), false, "0/3", true, Optional.of(NEXT.hash()));

    private void rolledBack() {
      f.deployWithBaseline(80);
      f.measure(200);
      f.measure(210);
      f.step(NEXT);
    }

    @Test
    void theDeploymentIsPausedOnceTheRollbackIsComplete() {
      rolledBack();
      WorkloadState rollingBack = new WorkloadState(STABLE.hash(), STABLE.images(), false, "1/3");
      f.step(rollingBack);
      assertThat(f.actions(Change.HoldDeployment.class))
          .as("not while the stable pods come back")
          .isEmpty();
      f.step(STABLE);
      assertThat(f.actions(Change.HoldDeployment.class))
          .containsExactly(new Change.HoldDeployment(NEXT.hash()));
    }

    @Test
    void theMessageAndAnEventSayTheDeploymentWasLeftPaused() {
      rolledBack();
      String rolledBackMessage = status().message;
      f.step(STABLE);
      String held = "held: Deployment web paused until a new revision or a retry";
      assertThat(status().message).isEqualTo(rolledBackMessage + "; " + held);
      assertThat(f.actions(Notice.Event.class))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.reason()).isEqualTo("HeldAfterRollback");
                assertThat(e.message()).startsWith("rolled back " + NEXT.hash() + " and " + held);
              });
      f.step(stablePaused);
      assertThat(status().message).as("said once").isEqualTo(rolledBackMessage + "; " + held);
    }

    @Test
    void aReappliedFailedTemplateIsHeldWithOneEventAndNoPatch() {
      rolledBack();
      f.step(STABLE);
      f.step(stablePaused);
      assertThat(f.lastActions()).as("the hold stays while the stable template runs").isEmpty();
      f.step(failedPaused);
      assertThat(status().phase).isEqualTo(Phase.Holding);
      assertThat(status().heldRevision).isEqualTo(NEXT.hash());
      assertThat(status().message)
          .contains("held failed revision " + NEXT.hash())
          .contains("rollguard.dev/retry");
      assertThat(status().currentRevision.hash)
          .as("the stable pods serve")
          .isEqualTo(STABLE.hash());
      assertThat(f.eventReasons()).containsExactly("Held");
      for (int i = 0; i < 10; i++) {
        f.step(failedPaused);
        assertThat(f.actions(Notice.Event.class)).isEmpty();
        assertThat(f.actions(Change.RestoreTemplate.class)).isEmpty();
        assertThat(f.actions(Change.ReleaseHold.class)).isEmpty();
      }
      assertThat(status().phase).isEqualTo(Phase.Holding);
    }

    @Test
    void aFailedTemplateBackBeforeTheHoldIsRestoredOnceMore() {
      rolledBack();
      f.step(STABLE);
      f.step(new WorkloadState(NEXT.hash(), NEXT.images(), false, "1/3"));
      assertThat(f.actions(Change.RestoreTemplate.class)).hasSize(1);
      assertThat(f.eventReasons()).containsExactly("Held");
    }

    @Test
    void aNewRevisionLiftsTheHoldAndIsAnalysed() {
      rolledBack();
      f.step(STABLE);
      f.step(failedPaused);
      WorkloadState third =
          new WorkloadState(
              "cccccccccc", List.of("shop/web:3"), false, "0/3", true, Optional.of(NEXT.hash()));
      f.step(third);
      assertThat(f.actions(Change.ReleaseHold.class)).hasSize(1);
      assertThat(status().phase).isEqualTo(Phase.Analysing);
      assertThat(status().currentRevision.hash).isEqualTo("cccccccccc");
      assertThat(status().heldRevision).isNull();
    }

    @Test
    void retryLiftsTheHoldAndAnalysesTheHeldRevisionAgain() {
      rolledBack();
      f.step(STABLE);
      f.step(failedPaused);
      f.requests = new Requests(false, false, true);
      f.step(failedPaused);
      assertThat(f.actions(Change.ReleaseHold.class)).hasSize(1);
      assertThat(status().failedRevisions).isEmpty();
      assertThat(status().phase).isEqualTo(Phase.Analysing);
      assertThat(status().currentRevision.hash).isEqualTo(NEXT.hash());
    }

    @Test
    void canBeTurnedOff() {
      f.rollout.getSpec().rollback.holdFailedRevisions = false;
      rolledBack();
      f.step(STABLE);
      assertThat(f.allActions(Change.HoldDeployment.class)).isEmpty();
    }
  }

  @Nested
  class AfterPromotion {
    private void promotedWithWindow() {
      f.rollout.getSpec().analysis.postPromotionWindow = "2m";
      f.deployWithBaseline(80);
      while (status().phase == Phase.Analysing) {
        f.measure(90);
      }
      assertThat(status().phase).isEqualTo(Phase.Healthy);
      assertThat(status().stableRevision.hash).isEqualTo(NEXT.hash());
      assertThat(status().previousStableRevision.hash).isEqualTo(STABLE.hash());
      assertThat(status().analysis.kind)
          .isEqualTo(dev.rollguard.operator.api.AnalysisStatus.Kind.PostPromotion);
    }

    @Test
    void aBreachInTheWindowRollsBackToThePreviousStableRevision() {
      promotedWithWindow();
      f.measure(200);
      f.measure(210);
      assertThat(status().phase).isEqualTo(Phase.RollingBack);
      assertThat(status().pendingRollback.toRevision).isEqualTo(STABLE.hash());
      f.step(NEXT);
      assertThat(f.actions(Change.RestoreTemplate.class))
          .containsExactly(new Change.RestoreTemplate("web-" + STABLE.hash(), STABLE.hash()));
      assertThat(status().stableRevision.hash).isEqualTo(STABLE.hash());
      assertThat(status().failedRevisions).extracting(r -> r.hash).containsExactly(NEXT.hash());
    }

    @Test
    void afterTheWindowThePreviousRevisionIsLetGo() {
      promotedWithWindow();
      while (status().previousStableRevision != null) {
        f.measure(90);
      }
      assertThat(status().phase).isEqualTo(Phase.Healthy);
      assertThat(f.last.measurement()).isEmpty();
    }
  }
}
