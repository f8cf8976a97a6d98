package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.AnalysisStatus;
import dev.rollguard.operator.api.GuardStatus;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.Revision;
import dev.rollguard.operator.api.Stage;
import dev.rollguard.operator.measure.MeasurementRequest;
import dev.rollguard.operator.measure.MeasurementRound.Purpose;
import java.time.Instant;
import java.util.Optional;

/**
 * Stage GuardingAfterPromotion: for {@code postPromotionWindow} the promoted revision is measured
 * as during analysis, and a breach rolls back to the revision that was stable before it, which is
 * kept until the window ends.
 */
final class PostPromotionHandler implements StageHandler {

  /**
   * After a promotion: enters GuardingAfterPromotion when a window is set, else stays with {@code
   * promoted}.
   */
  static Transition start(DecisionContext ctx, Revision previousStable, Transition promoted) {
    AnalysisStatus analysis = ctx.status.analysis;
    if (ctx.settings().postPromotionWindow().isZero()
        || analysis == null
        || previousStable == null) {
      return promoted;
    }
    ctx.status.previousStableRevision = previousStable;
    analysis.kind = AnalysisStatus.Kind.PostPromotion;
    analysis.guardedUntil = Times.millis(ctx.now.plus(ctx.settings().postPromotionWindow()));
    for (GuardStatus guard : analysis.guards) {
      guard.consecutiveBreaches = 0;
      guard.consecutiveInconclusive = 0;
    }
    schedule(ctx, analysis);
    return Transition.to(
        Stage.GuardingAfterPromotion,
        promoted.reason(),
        promoted.message()
            + "; still guarded until "
            + analysis.guardedUntil
            + " (a breach rolls back to "
            + previousStable.hash
            + ")",
        promoted.detail());
  }

  @Override
  public Transition handle(DecisionContext ctx, Transition entered) {
    AnalysisStatus analysis = ctx.status.analysis;
    Revision previous = ctx.status.previousStableRevision;
    if (analysis == null
        || analysis.kind != AnalysisStatus.Kind.PostPromotion
        || previous == null) {
      return Transition.to(Stage.Stable, "WindowEnded", null);
    }
    SettledHandler.ignoreRequests(ctx);
    GuardRound.sync(analysis, ctx.spec.guards);
    Optional<Transition> decided = MeasuredRounds.apply(ctx, analysis, previous);
    if (decided.isPresent()) {
      return decided.get();
    }
    Instant until = analysis.guardedUntil;
    if (!ctx.now.isBefore(until)) {
      String message =
          "post-promotion window ended: "
              + analysis.revision
              + " stays stable; "
              + previous.hash
              + " is no longer kept";
      ctx.status.previousStableRevision = null;
      analysis.kind = AnalysisStatus.Kind.Analysis;
      ctx.history(HistoryEntry.Type.Promoted, analysis.revision, message);
      return Transition.to(
          Stage.Stable,
          "WindowEnded",
          "promoted " + Revisions.describe(ctx.status.stableRevision) + "; " + message);
    }
    ctx.recheckAt(until);
    schedule(ctx, analysis);
    return entered;
  }

  private static void schedule(DecisionContext ctx, AnalysisStatus analysis) {
    Instant due = ctx.now;
    if (analysis.lastMeasuredAt != null) {
      Instant next = analysis.lastMeasuredAt.plus(ctx.settings().interval());
      due = next.isAfter(due) ? next : due;
    }
    ctx.measure(new MeasurementRequest(Purpose.ANALYSIS, analysis.revision, due, Optional.empty()));
  }
}
