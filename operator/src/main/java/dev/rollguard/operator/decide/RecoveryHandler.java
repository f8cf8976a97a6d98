package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.AnalysisStatus;
import dev.rollguard.operator.api.FailedRevision;
import dev.rollguard.operator.api.GuardStatus;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.NotificationKind;
import dev.rollguard.operator.api.Revision;
import dev.rollguard.operator.api.Stage;
import dev.rollguard.operator.decide.guard.Numbers;
import dev.rollguard.operator.measure.MeasurementRequest;
import dev.rollguard.operator.measure.MeasurementRound;
import dev.rollguard.operator.measure.MeasurementRound.Purpose;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Stage VerifyingRecovery: after a rollback the guards must come back within bounds (judged against
 * the baseline from before the failed deploy). If they do not within the progress deadline,
 * Rollguard says so loudly and stops: it never rolls back again in a loop.
 */
final class RecoveryHandler implements StageHandler {

  /** Enters VerifyingRecovery: a recovery check of the stable revision, baselines carried over. */
  static Transition start(DecisionContext ctx, Transition rolledBack) {
    AnalysisStatus failed = ctx.status.analysis;
    AnalysisStatus recovery = new AnalysisStatus();
    recovery.kind = AnalysisStatus.Kind.Recovery;
    recovery.revision = ctx.status.stableRevision.hash;
    recovery.startedAt = ctx.nowMillis();
    recovery.guards = new ArrayList<>();
    GuardRound.sync(recovery, ctx.spec.guards);
    for (GuardStatus guard : recovery.guards) {
      GuardStatus before = failed == null ? null : GuardRound.find(failed, guard.name);
      guard.baseline = before == null ? null : before.baseline;
    }
    ctx.status.analysis = recovery;
    scheduleNext(ctx, recovery);
    return rolledBack;
  }

  @Override
  public Transition handle(DecisionContext ctx, Transition entered) {
    AnalysisStatus recovery = ctx.status.analysis;
    if (recovery == null || recovery.kind != AnalysisStatus.Kind.Recovery) {
      return Transition.to(Stage.RolledBack, "NothingToVerify", null);
    }
    SettledHandler.ignoreRequests(ctx);
    GuardRound.sync(recovery, ctx.spec.guards);
    List<MeasurementRound> rounds =
        ctx.observation.rounds().stream()
            .filter(r -> r.purpose() == Purpose.RECOVERY && r.revision().equals(recovery.revision))
            .filter(r -> recovery.lastMeasuredAt == null || r.at().isAfter(recovery.lastMeasuredAt))
            .sorted(Comparator.comparing(MeasurementRound::at))
            .toList();
    for (MeasurementRound round : rounds) {
      GuardRound.apply(recovery, ctx.spec.guards, round);
      ctx.measured = true;
      if (recovery.guards.stream().allMatch(g -> g.verdict == Verdict.Pass)) {
        return recovered(ctx, recovery);
      }
    }
    Instant deadline = recovery.startedAt.plus(ctx.settings().progressDeadline());
    if (!ctx.now.isBefore(deadline)) {
      return notRecovered(ctx, recovery);
    }
    ctx.recheckAt(deadline);
    scheduleNext(ctx, recovery);
    return entered;
  }

  private static Transition recovered(DecisionContext ctx, AnalysisStatus recovery) {
    String message =
        "guards back within bounds "
            + Times.words(Duration.between(recovery.startedAt, ctx.now))
            + " after the rollback: "
            + values(recovery);
    ctx.history(HistoryEntry.Type.Recovered, recovery.revision, message);
    ctx.normal("Recovered", message);
    return Transition.to(
        Stage.RolledBack, StageStatusWriter.RECOVERED, withRecovered(ctx.status.message), message);
  }

  /**
   * The rollback's message with "recovered" after what it says about the rollback and before the
   * hold, whichever came first, so the message reads the same in every run.
   */
  static String withRecovered(String message) {
    String text = message == null ? "" : message;
    int held = text.indexOf(RevisionWatch.HELD_CLAUSE);
    return held < 0
        ? text + "; recovered"
        : text.substring(0, held) + "; recovered" + text.substring(held);
  }

  private static Transition notRecovered(DecisionContext ctx, AnalysisStatus recovery) {
    String message =
        "guards still out of bounds "
            + Times.words(ctx.settings().progressDeadline())
            + " after rolling back to the stable revision "
            + recovery.revision
            + ": "
            + values(recovery)
            + ". Rollguard will not roll back again; the cause may not be the deploy";
    ctx.history(HistoryEntry.Type.NotRecovered, recovery.revision, message);
    ctx.warning("NotRecovered", message, true);
    GuardStatus outOfBounds =
        recovery.guards.stream().filter(g -> g.verdict != Verdict.Pass).findFirst().orElse(null);
    FailedRevision failed =
        ctx.status.failedRevisions.isEmpty()
            ? null
            : ctx.status.failedRevisions.get(ctx.status.failedRevisions.size() - 1);
    ctx.notify(
        NotificationKind.NotRecovered,
        message,
        failed == null ? null : new Revision(failed.hash, failed.images),
        ctx.status.stableRevision,
        outOfBounds == null ? null : outOfBounds.name,
        outOfBounds == null ? null : outOfBounds.value,
        outOfBounds == null ? null : outOfBounds.threshold);
    return Transition.to(Stage.NotRecovered, "NotRecovered", "NOT RECOVERED: " + message, message);
  }

  private static String values(AnalysisStatus recovery) {
    return recovery.guards.stream()
        .map(
            g ->
                g.verdict == Verdict.Pass || g.verdict == Verdict.Breach
                    ? (g.reason != null
                        ? g.reason
                        : g.name + " = " + Numbers.format(g.value) + " (" + g.threshold + ")")
                    : g.name + ": " + (g.reason != null ? g.reason : "not measured"))
        .collect(Collectors.joining("; "));
  }

  private static void scheduleNext(DecisionContext ctx, AnalysisStatus recovery) {
    Instant due = recovery.startedAt.plus(ctx.settings().initialDelay());
    if (recovery.lastMeasuredAt != null) {
      Instant next = recovery.lastMeasuredAt.plus(ctx.settings().interval());
      due = next.isAfter(due) ? next : due;
    }
    ctx.measure(new MeasurementRequest(Purpose.RECOVERY, recovery.revision, due, Optional.empty()));
  }
}
