package dev.rollguard.operator.reconcile;

import dev.rollguard.operator.api.AnalysisStatus;
import dev.rollguard.operator.api.GuardStatus;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.Revision;
import dev.rollguard.operator.reconcile.MeasurementRound.Purpose;
import java.time.Instant;
import java.util.Optional;

/**
 * Guarding after promotion: for {@code postPromotionWindow} the promoted revision is measured
 * as during analysis, and a breach rolls back to the revision that was stable before it, which
 * is kept until the window ends.
 */
final class PostPromotion {

  private final DecisionContext ctx;
  private final Rollbacks rollbacks;

  PostPromotion(DecisionContext ctx, Rollbacks rollbacks) {
    this.ctx = ctx;
    this.rollbacks = rollbacks;
  }

  void start(Revision previousStable) {
    AnalysisStatus analysis = ctx.status.analysis;
    if (ctx.settings.postPromotionWindow().isZero() || analysis == null || previousStable == null) {
      return;
    }
    ctx.status.previousStableRevision = previousStable;
    analysis.kind = AnalysisStatus.Kind.PostPromotion;
    analysis.guardedUntil = Times.format(ctx.now.plus(ctx.settings.postPromotionWindow()));
    for (GuardStatus guard : analysis.guards) {
      guard.consecutiveBreaches = 0;
      guard.consecutiveInconclusive = 0;
    }
    ctx.status.message = ctx.status.message + "; still guarded until " + analysis.guardedUntil
        + " (a breach rolls back to " + previousStable.hash + ")";
    schedule(analysis);
  }

  void step() {
    AnalysisStatus analysis = ctx.status.analysis;
    Revision previous = ctx.status.previousStableRevision;
    if (analysis == null || analysis.kind != AnalysisStatus.Kind.PostPromotion || previous == null) {
      return;
    }
    Instant until = Times.parse(analysis.guardedUntil);
    GuardRound.sync(analysis, ctx.spec.guards);
    rollbacks.rollBackTo(previous);
    if (new Analysis(ctx, rollbacks).consumeRounds(analysis)) {
      return;
    }
    if (!ctx.now.isBefore(until)) {
      String message = "post-promotion window ended: " + analysis.revision + " stays stable; "
          + previous.hash + " is no longer kept";
      ctx.status.previousStableRevision = null;
      analysis.kind = AnalysisStatus.Kind.Analysis;
      ctx.status.message = "promoted " + RolloutDecider.describe(ctx.status.stableRevision) + "; " + message;
      ctx.book.history(HistoryEntry.Type.Promoted, analysis.revision, message);
      return;
    }
    ctx.recheckAt(until);
    schedule(analysis);
  }

  private void schedule(AnalysisStatus analysis) {
    Instant due = ctx.now;
    if (analysis.lastMeasuredAt != null) {
      Instant next = Times.parse(analysis.lastMeasuredAt).plus(ctx.settings.interval());
      due = next.isAfter(due) ? next : due;
    }
    ctx.measure(new MeasurementRequest(Purpose.ANALYSIS, analysis.revision, due, Optional.empty()));
  }
}
