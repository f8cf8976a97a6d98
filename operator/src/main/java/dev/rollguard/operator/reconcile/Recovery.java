package dev.rollguard.operator.reconcile;

import static dev.rollguard.operator.reconcile.StatusBook.RECOVERED;

import dev.rollguard.operator.api.AnalysisStatus;
import dev.rollguard.operator.api.GuardStatus;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.reconcile.MeasurementRound.Purpose;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * After a rollback, the guards must come back within bounds (judged against the baseline
 * from before the failed deploy). If they do not within the progress deadline, Rollguard says
 * so loudly and stops: it never rolls back again in a loop.
 */
final class Recovery {

  private final DecisionContext ctx;

  Recovery(DecisionContext ctx) {
    this.ctx = ctx;
  }

  void start() {
    if (ctx.dryRun()) {
      return;
    }
    AnalysisStatus failed = ctx.status.analysis;
    AnalysisStatus recovery = new AnalysisStatus();
    recovery.kind = AnalysisStatus.Kind.Recovery;
    recovery.revision = ctx.status.stableRevision.hash;
    recovery.startedAt = ctx.book.now();
    recovery.guards = new ArrayList<>();
    GuardRound.sync(recovery, ctx.spec.guards);
    for (GuardStatus guard : recovery.guards) {
      GuardStatus before = failed == null ? null : GuardRound.find(failed, guard.name);
      guard.baseline = before == null ? null : before.baseline;
    }
    ctx.status.analysis = recovery;
    String message = "verifying that the guards return within bounds on " + recovery.revision;
    ctx.book.condition(RECOVERED, "Unknown", "Verifying", message);
    RolloutDecider.ready(ctx, "Unknown", "VerifyingRecovery", message);
    scheduleNext(recovery);
  }

  void step() {
    AnalysisStatus recovery = ctx.status.analysis;
    if (recovery == null || recovery.kind != AnalysisStatus.Kind.Recovery
        || !ctx.book.conditionIs(RECOVERED, "Unknown", "Verifying")) {
      return;
    }
    GuardRound.sync(recovery, ctx.spec.guards);
    List<MeasurementRound> rounds = ctx.observation.rounds().stream()
        .filter(r -> r.purpose() == Purpose.RECOVERY && r.revision().equals(recovery.revision))
        .filter(r -> recovery.lastMeasuredAt == null || r.at().isAfter(Times.parse(recovery.lastMeasuredAt)))
        .sorted(Comparator.comparing(MeasurementRound::at))
        .toList();
    for (MeasurementRound round : rounds) {
      GuardRound.apply(recovery, ctx.spec.guards, round);
      Analysis.metricsCondition(ctx, recovery);
      if (recovery.guards.stream().allMatch(g -> g.verdict == Verdict.Pass)) {
        recovered(recovery);
        return;
      }
    }
    Instant deadline = Times.parse(recovery.startedAt).plus(ctx.settings.progressDeadline());
    if (!ctx.now.isBefore(deadline)) {
      notRecovered(recovery);
      return;
    }
    ctx.recheckAt(deadline);
    scheduleNext(recovery);
  }

  private void recovered(AnalysisStatus recovery) {
    String message = "guards back within bounds " + Times.words(java.time.Duration.between(
        Times.parse(recovery.startedAt), ctx.now)) + " after the rollback: " + values(recovery);
    ctx.book.condition(RECOVERED, "True", "Recovered", message);
    RolloutDecider.ready(ctx, "True", "Stable", "running the stable revision " + recovery.revision);
    ctx.book.history(HistoryEntry.Type.Recovered, recovery.revision, message);
    ctx.book.normal("Recovered", message);
    ctx.status.message = ctx.status.message + "; recovered";
  }

  private void notRecovered(AnalysisStatus recovery) {
    String message = "guards still out of bounds " + Times.words(ctx.settings.progressDeadline())
        + " after rolling back to the stable revision " + recovery.revision + ": " + values(recovery)
        + ". Rollguard will not roll back again; the cause may not be the deploy";
    ctx.book.condition(RECOVERED, "False", "NotRecovered", message);
    RolloutDecider.ready(ctx, "False", "NotRecovered", message);
    ctx.book.history(HistoryEntry.Type.NotRecovered, recovery.revision, message);
    ctx.book.warning("NotRecovered", message, true);
    ctx.status.message = "NOT RECOVERED: " + message;
  }

  private static String values(AnalysisStatus recovery) {
    return recovery.guards.stream().map(g -> g.verdict == Verdict.Pass || g.verdict == Verdict.Breach
        ? (g.reason != null ? g.reason : g.name + " = " + dev.rollguard.operator.analysis.Numbers.format(g.value)
            + " (" + g.threshold + ")")
        : g.name + ": " + (g.reason != null ? g.reason : "not measured"))
        .collect(Collectors.joining("; "));
  }

  private void scheduleNext(AnalysisStatus recovery) {
    Instant due = Times.parse(recovery.startedAt).plus(ctx.settings.initialDelay());
    if (recovery.lastMeasuredAt != null) {
      Instant next = Times.parse(recovery.lastMeasuredAt).plus(ctx.settings.interval());
      due = next.isAfter(due) ? next : due;
    }
    ctx.measure(new MeasurementRequest(Purpose.RECOVERY, recovery.revision, due, Optional.empty()));
  }
}
