package dev.rollguard.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.AnalysisStatus;
import dev.rollguard.operator.api.ConditionStatus;
import dev.rollguard.operator.api.ConditionType;
import dev.rollguard.operator.api.Conditions;
import dev.rollguard.operator.api.GuardStatus;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.Stage;
import dev.rollguard.operator.decide.Decision;
import dev.rollguard.operator.decide.Notice;
import dev.rollguard.operator.reconcile.StatusWritePolicy.Write;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusWritePolicyTest {

  private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
  private final StatusWritePolicy policy = new StatusWritePolicy(Duration.ofMinutes(1));

  @Test
  void aPassingRoundAfterAPassingRoundWaitsForTheRefresh() {
    RolloutStatus stored = analysing(T0, Verdict.Pass, 12.0, 0);
    RolloutStatus next = analysing(T0.plusSeconds(15), Verdict.Pass, 14.0, 0);

    assertThat(policy.decide(stored, decision(next))).isEqualTo(Write.DEFERRED);
  }

  @Test
  void passingValuesAreWrittenOnceTheRefreshIntervalHasPassed() {
    RolloutStatus stored = analysing(T0, Verdict.Pass, 12.0, 0);

    assertThat(policy.decide(stored, decision(analysing(T0.plusSeconds(59), Verdict.Pass, 1.0, 0))))
        .isEqualTo(Write.DEFERRED);
    assertThat(policy.decide(stored, decision(analysing(T0.plusSeconds(60), Verdict.Pass, 1.0, 0))))
        .isEqualTo(Write.NOW);
  }

  @Test
  void aBreachIsWrittenAtOnce() {
    RolloutStatus stored = analysing(T0, Verdict.Pass, 12.0, 0);
    RolloutStatus breached = analysing(T0.plusSeconds(15), Verdict.Breach, 80.0, 1);

    assertThat(policy.decide(stored, decision(breached))).isEqualTo(Write.NOW);
  }

  @Test
  void aPassAfterABreachIsWrittenAtOnceBecauseItResetsTheCount() {
    RolloutStatus stored = analysing(T0, Verdict.Breach, 80.0, 1);
    RolloutStatus passed = analysing(T0.plusSeconds(15), Verdict.Pass, 12.0, 0);

    assertThat(policy.decide(stored, decision(passed))).isEqualTo(Write.NOW);
  }

  @Test
  void theFirstVerdictIsWrittenAtOnce() {
    RolloutStatus stored = analysing(T0, Verdict.Pending, null, 0);
    stored.analysis.lastMeasuredAt = null;
    RolloutStatus first = analysing(T0.plusSeconds(15), Verdict.Pass, 12.0, 0);

    assertThat(policy.decide(stored, decision(first))).isEqualTo(Write.NOW);
  }

  @Test
  void aTransitionWithTheRoundIsWrittenAtOnce() {
    RolloutStatus stored = analysing(T0, Verdict.Pass, 12.0, 0);
    RolloutStatus promoted = analysing(T0.plusSeconds(15), Verdict.Pass, 12.0, 0);
    promoted.stage = Stage.Stable;
    promoted.phase = Stage.Stable.phase();

    assertThat(policy.decide(stored, decision(promoted))).isEqualTo(Write.NOW);
  }

  @Test
  void aDecisionWithNoticesIsWrittenAtOnceSoTheyFollowAWrite() {
    RolloutStatus stored = analysing(T0, Verdict.Pass, 12.0, 0);
    RolloutStatus next = analysing(T0.plusSeconds(15), Verdict.Pass, 14.0, 0);
    Decision withNotice =
        new Decision(
            next,
            List.of(),
            List.of(new Notice.PromotionCounted()),
            Optional.empty(),
            Optional.empty());

    assertThat(policy.decide(stored, withNotice)).isEqualTo(Write.NOW);
  }

  @Test
  void anUnchangedStatusIsNotWritten() {
    RolloutStatus stored = analysing(T0, Verdict.Pass, 12.0, 0);

    assertThat(policy.decide(stored, decision(analysing(T0, Verdict.Pass, 12.0, 0))))
        .isEqualTo(Write.UNCHANGED);
  }

  @Test
  void aMissingStoredStatusIsWritten() {
    assertThat(policy.decide(null, decision(analysing(T0, Verdict.Pass, 12.0, 0))))
        .isEqualTo(Write.NOW);
  }

  @Test
  void zeroRefreshWritesEveryRound() {
    StatusWritePolicy everyRound = new StatusWritePolicy(Duration.ZERO);
    RolloutStatus stored = analysing(T0, Verdict.Pass, 12.0, 0);

    assertThat(
            everyRound.decide(
                stored, decision(analysing(T0.plusSeconds(15), Verdict.Pass, 14.0, 0))))
        .isEqualTo(Write.NOW);
  }

  @Test
  void metricsBecomingUnavailableIsWrittenAtOnce() {
    RolloutStatus stored = analysing(T0, Verdict.Pass, 12.0, 0);
    RolloutStatus next = analysing(T0.plusSeconds(15), Verdict.Pass, 14.0, 0);
    new Conditions(next, T0.plusSeconds(15), 1)
        .set(ConditionType.MetricsAvailable, ConditionStatus.False, "Inconclusive", "no data");

    assertThat(policy.decide(stored, decision(next))).isEqualTo(Write.NOW);
  }

  private static Decision decision(RolloutStatus status) {
    return new Decision(status, List.of(), List.of(), Optional.empty(), Optional.empty());
  }

  /** An analysing status whose one guard measured {@code value} at {@code at}. */
  private static RolloutStatus analysing(Instant at, Verdict verdict, Double value, int breaches) {
    RolloutStatus status = new RolloutStatus();
    status.stage = Stage.Analysing;
    status.phase = Stage.Analysing.phase();
    status.message = "analysing abc";
    AnalysisStatus analysis = new AnalysisStatus();
    analysis.kind = AnalysisStatus.Kind.Analysis;
    analysis.revision = "abc";
    analysis.startedAt = T0.minusSeconds(30);
    analysis.lastMeasuredAt = at;
    GuardStatus guard = new GuardStatus();
    guard.name = "db-connections";
    guard.verdict = verdict;
    guard.value = value;
    guard.at = at;
    guard.threshold = "<= 50";
    guard.consecutiveBreaches = breaches;
    guard.reason = verdict == Verdict.Breach ? value + " > 50" : null;
    analysis.guards.add(guard);
    status.analysis = analysis;
    new Conditions(status, T0, 1)
        .set(
            ConditionType.MetricsAvailable,
            ConditionStatus.True,
            "Measured",
            "every guard was measured at " + at);
    return status;
  }
}
