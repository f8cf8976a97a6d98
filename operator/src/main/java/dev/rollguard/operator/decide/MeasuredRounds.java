package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.AnalysisSpec.InconclusivePolicy;
import dev.rollguard.operator.api.AnalysisStatus;
import dev.rollguard.operator.api.GuardStatus;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.Revision;
import dev.rollguard.operator.measure.MeasurementRound;
import dev.rollguard.operator.measure.MeasurementRound.Purpose;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Records finished measurement rounds of the revision under judgement (during analysis and after
 * promotion): baselines, verdicts, breach and no-data counts, with an event for each breach and one
 * when data has been missing for {@code inconclusiveLimit} rounds.
 */
final class MeasuredRounds {

  private MeasuredRounds() {}

  /** Returns the rollback decision when a round reached a limit. */
  static Optional<Transition> apply(
      DecisionContext ctx, AnalysisStatus analysis, Revision rollBackTo) {
    List<MeasurementRound> rounds =
        ctx.observation.rounds().stream()
            .filter(r -> r.revision().equals(analysis.revision))
            .sorted(Comparator.comparing(MeasurementRound::at))
            .toList();
    for (MeasurementRound round : rounds) {
      if (round.purpose() == Purpose.BASELINE) {
        GuardRound.applyBaseline(analysis, round, ctx.nowMillis());
      } else if (round.purpose() == Purpose.ANALYSIS && isNew(analysis, round)) {
        GuardRound.apply(analysis, ctx.spec.guards, round);
        ctx.measured = true;
        report(ctx, analysis);
        Optional<Transition> decided =
            breachLimitReached(ctx, analysis, rollBackTo)
                .or(() -> inconclusiveLimitReached(ctx, analysis, rollBackTo));
        if (decided.isPresent()) {
          return decided;
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isNew(AnalysisStatus analysis, MeasurementRound round) {
    return analysis.lastMeasuredAt == null || round.at().isAfter(analysis.lastMeasuredAt);
  }

  private static void report(DecisionContext ctx, AnalysisStatus analysis) {
    AnalysisSettings settings = ctx.settings();
    for (GuardStatus guard : analysis.guards) {
      if (guard.verdict == Verdict.Breach && guard.at.equals(analysis.lastMeasuredAt)) {
        String message =
            guard.reason
                + " (breach "
                + guard.consecutiveBreaches
                + " of "
                + settings.failureLimit()
                + ")";
        ctx.history(HistoryEntry.Type.Breached, analysis.revision, message);
        ctx.warning("GuardBreached", message, false);
      }
      if (guard.verdict == Verdict.Inconclusive
          && guard.consecutiveInconclusive == settings.inconclusiveLimit()) {
        String message =
            "no usable data for guard "
                + guard.name
                + " in "
                + guard.consecutiveInconclusive
                + " consecutive measurements: "
                + guard.reason
                + (settings.onInconclusive() == InconclusivePolicy.Hold
                    ? "; holding the revision in analysis (onInconclusive: Hold), nothing is rolled back"
                    : "");
        ctx.history(HistoryEntry.Type.Inconclusive, analysis.revision, message);
        ctx.warning("MetricsUnavailable", message, false);
      }
    }
  }

  private static Optional<Transition> breachLimitReached(
      DecisionContext ctx, AnalysisStatus analysis, Revision rollBackTo) {
    for (GuardStatus guard : analysis.guards) {
      if (guard.verdict == Verdict.Breach
          && guard.consecutiveBreaches >= ctx.settings().failureLimit()) {
        return Optional.of(
            RollbackDecision.decide(
                ctx,
                rollBackTo,
                "GuardBreached",
                guard.name,
                guard.value,
                guard.threshold,
                guard.reason + " in " + guard.consecutiveBreaches + " consecutive measurements"));
      }
    }
    return Optional.empty();
  }

  private static Optional<Transition> inconclusiveLimitReached(
      DecisionContext ctx, AnalysisStatus analysis, Revision rollBackTo) {
    if (ctx.settings().onInconclusive() != InconclusivePolicy.Rollback) {
      return Optional.empty();
    }
    for (GuardStatus guard : analysis.guards) {
      if (guard.verdict == Verdict.Inconclusive
          && guard.consecutiveInconclusive >= ctx.settings().inconclusiveLimit()) {
        return Optional.of(
            RollbackDecision.decide(
                ctx,
                rollBackTo,
                "MetricsUnavailable",
                guard.name,
                null,
                guard.threshold,
                "no usable data for "
                    + guard.name
                    + " in "
                    + guard.consecutiveInconclusive
                    + " consecutive measurements (onInconclusive: Rollback): "
                    + guard.reason));
      }
    }
    return Optional.empty();
  }
}
