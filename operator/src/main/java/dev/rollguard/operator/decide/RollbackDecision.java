package dev.rollguard.operator.decide;

import static dev.rollguard.operator.decide.Revisions.describe;

import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.PendingRollback;
import dev.rollguard.operator.api.Revision;
import dev.rollguard.operator.api.Stage;

/**
 * The first phase of a rollback: the decision is recorded in status (stage RollingBack) and nothing
 * else happens. The {@link RollingBackHandler} acts on it once it is persisted, so a restart
 * between the two finds the decision and completes it exactly once.
 */
final class RollbackDecision {

  private RollbackDecision() {}

  /**
   * @param target the revision to return to: the stable one, or during the post-promotion window
   *     the one that was stable before the promotion
   */
  static Transition decide(
      DecisionContext ctx,
      Revision target,
      String reason,
      String guard,
      Double value,
      String threshold,
      String why) {
    if (target != ctx.status.stableRevision) {
      ctx.status.stableRevision = target;
    }
    ctx.status.previousStableRevision = null;
    Revision current = ctx.status.currentRevision;
    PendingRollback pending = new PendingRollback();
    pending.revision = current.hash;
    pending.toRevision = target.hash;
    pending.reason = reason;
    pending.guard = guard;
    pending.value = value;
    pending.threshold = threshold;
    pending.message = why;
    pending.decidedAt = ctx.nowMillis();
    ctx.status.pendingRollback = pending;
    if (ctx.status.canary != null && ctx.status.canary.state != null) {
      why =
          "at canary step "
              + ctx.status.canary.step
              + (ctx.status.canary.pods != null
                  ? " (" + ctx.status.canary.pods + " of " + ctx.status.canary.replicas + " pods)"
                  : "")
              + ": "
              + why;
      pending.message = why;
    }
    String verb = ctx.dryRun() ? "would roll back " : "rolling back ";
    String message = verb + describe(current) + " to " + describe(target) + ": " + why;
    ctx.history(HistoryEntry.Type.RollbackDecided, current.hash, message);
    ctx.recheckAt(ctx.now);
    return Transition.to(Stage.RollingBack, reason, message, why);
  }
}
