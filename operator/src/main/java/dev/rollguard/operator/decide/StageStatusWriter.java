package dev.rollguard.operator.decide;

import static dev.rollguard.operator.api.ConditionStatus.False;
import static dev.rollguard.operator.api.ConditionStatus.True;
import static dev.rollguard.operator.api.ConditionStatus.Unknown;

import dev.rollguard.operator.api.AnalysisStatus;
import dev.rollguard.operator.api.ConditionType;
import dev.rollguard.operator.api.Conditions;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.Stage;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one place that writes a Rollout's stage, phase, message and conditions, from the stage a
 * decision ends in and the transition that led there. Conditions that describe an entry
 * (RolledBack, Recovered, Analysing) change only on entries; Ready always follows the stage.
 */
final class StageStatusWriter {

  static final String DRY_RUN = "DryRun";
  static final String RECOVERED = "Recovered";

  /** Ready reasons that the reconciler's error handling writes; a clean decision replaces them. */
  static final Set<String> ERROR_REASONS =
      Set.of("ReconcileError", "RollbackFailed", "InvalidSpec");

  private StageStatusWriter() {}

  static void write(DecisionContext ctx, Stage from, Transition t) {
    RolloutStatus status = ctx.status;
    Stage stage = t.next();
    status.stage = stage;
    status.phase = stage.phase();
    status.observedGeneration = ctx.generation();
    if (t.message() != null) {
      status.message = t.message();
    }
    Conditions conditions = new Conditions(status, ctx.now, ctx.generation());
    workloadFound(ctx, conditions, stage, t);
    boolean entered = stage != from || t.reason() != null;
    if (entered) {
      entry(ctx, conditions, stage, t);
    }
    var ready = Conditions.find(status, ConditionType.Ready);
    if (entered
        || ready == null
        || ERROR_REASONS.contains(ready.getReason()) && stage != Stage.InvalidSpec) {
      ready(ctx, conditions, stage, t);
    }
    if (ctx.measured) {
      metricsAvailable(conditions, status.analysis);
    }
  }

  private static void workloadFound(
      DecisionContext ctx, Conditions conditions, Stage stage, Transition t) {
    if (stage == Stage.WorkloadMissing) {
      conditions.set(ConditionType.WorkloadFound, False, "NotFound", detail(ctx, t));
    } else if (!stage.isGate()
        && !Conditions.is(ctx.status, ConditionType.WorkloadFound, True, "Found")) {
      conditions.set(
          ConditionType.WorkloadFound,
          True,
          "Found",
          "Deployment " + ctx.workloadName() + " is guarded");
    }
  }

  private static void entry(DecisionContext ctx, Conditions conditions, Stage stage, Transition t) {
    String reason = t.reason();
    String detail = detail(ctx, t);
    switch (stage) {
      case Stable, GuardingAfterPromotion -> {
        if ("Adopted".equals(reason)) {
          conditions.set(
              ConditionType.Analysing, False, "NoNewRevision", "no revision under analysis");
        } else if ("Promoted".equals(reason) || "BackToStable".equals(reason)) {
          conditions.set(ConditionType.Analysing, False, reason, detail);
        }
      }
      case Analysing, Canary -> {
        conditions.set(
            ConditionType.Analysing,
            True,
            stage == Stage.Canary && reason != null ? reason : "NewRevision",
            detail);
        if ("NewRevision".equals(reason)) {
          conditions.set(
              ConditionType.MetricsAvailable,
              Unknown,
              "NotMeasuredYet",
              "no measurement of " + ctx.status.currentRevision.hash + " yet");
          conditions.remove(ConditionType.RolledBack);
          conditions.remove(ConditionType.Recovered);
        }
      }
      case RollingBack -> {
        if (reason != null) {
          conditions.set(ConditionType.Analysing, False, reason, detail);
        }
      }
      case VerifyingRecovery -> {
        if (reason != null) {
          conditions.set(ConditionType.RolledBack, True, reason, detail);
        }
        conditions.set(ConditionType.Recovered, Unknown, "Verifying", verifying(ctx));
      }
      case RolledBack -> {
        if (DRY_RUN.equals(reason)) {
          conditions.set(ConditionType.RolledBack, False, DRY_RUN, detail);
        } else if (RECOVERED.equals(reason)) {
          conditions.set(ConditionType.Recovered, True, RECOVERED, detail);
        }
      }
      case NotRecovered -> conditions.set(ConditionType.Recovered, False, "NotRecovered", detail);
      default -> {}
    }
  }

  private static void ready(DecisionContext ctx, Conditions conditions, Stage stage, Transition t) {
    String detail = detail(ctx, t);
    String stable = ctx.status.stableRevision == null ? "" : ctx.status.stableRevision.hash;
    switch (stage) {
      case Stable, GuardingAfterPromotion ->
          conditions.set(
              ConditionType.Ready, True, "Stable", "running the stable revision " + stable);
      case Analysing -> conditions.set(ConditionType.Ready, False, "Analysing", detail);
      case Canary -> conditions.set(ConditionType.Ready, False, "Canary", detail);
      case RollingBack -> conditions.set(ConditionType.Ready, False, "RollingBack", detail);
      case VerifyingRecovery ->
          conditions.set(ConditionType.Ready, Unknown, "VerifyingRecovery", verifying(ctx));
      case RolledBack -> {
        if (ctx.dryRun()) {
          conditions.set(ConditionType.Ready, False, "WouldRollBack", detail);
        } else {
          conditions.set(
              ConditionType.Ready, True, "Stable", "running the stable revision " + stable);
        }
      }
      case NotRecovered -> conditions.set(ConditionType.Ready, False, "NotRecovered", detail);
      case Holding -> conditions.set(ConditionType.Ready, True, "Holding", detail);
      case Conflict -> conditions.set(ConditionType.Ready, False, "Conflict", detail);
      case WorkloadMissing ->
          conditions.set(ConditionType.Ready, False, "WorkloadNotFound", detail);
      case InvalidSpec -> conditions.set(ConditionType.Ready, False, "InvalidSpec", detail);
      case Adopting -> conditions.set(ConditionType.Ready, Unknown, "Adopting", detail);
    }
  }

  private static String verifying(DecisionContext ctx) {
    return "verifying that the guards return within bounds on " + ctx.status.stableRevision.hash;
  }

  private static String detail(DecisionContext ctx, Transition t) {
    if (t.detail() != null) {
      return t.detail();
    }
    return ctx.status.message != null ? ctx.status.message : "";
  }

  private static void metricsAvailable(Conditions conditions, AnalysisStatus analysis) {
    if (analysis == null) {
      return;
    }
    String missing =
        analysis.guards.stream()
            .filter(g -> g.verdict == Verdict.Inconclusive)
            .map(g -> g.name + ": " + g.reason)
            .collect(Collectors.joining("; "));
    if (missing.isEmpty()) {
      conditions.set(
          ConditionType.MetricsAvailable,
          True,
          "Measured",
          "every guard was measured at " + analysis.lastMeasuredAt);
    } else {
      conditions.set(ConditionType.MetricsAvailable, False, "Inconclusive", missing);
    }
  }
}
