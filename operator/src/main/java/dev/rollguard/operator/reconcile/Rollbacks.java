package dev.rollguard.operator.reconcile;

import static dev.rollguard.operator.reconcile.RolloutDecider.copyOf;
import static dev.rollguard.operator.reconcile.RolloutDecider.describe;
import static dev.rollguard.operator.reconcile.StatusBook.ANALYSING;
import static dev.rollguard.operator.reconcile.StatusBook.ROLLED_BACK;

import dev.rollguard.operator.api.FailedRevision;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.PendingRollback;
import dev.rollguard.operator.api.Revision;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import java.time.Duration;

/**
 * Rollbacks in two phases: {@link #decide} records the decision in status (phase
 * RollingBack) and does nothing else; {@link #complete}, on the next reconcile, restores the
 * stable template. A restart between the two finds the decision and completes it once: the
 * restore is skipped when the Deployment already runs the stable template.
 */
final class Rollbacks {

  enum Outcome { ROLLED_BACK, DRY_RUN, CANCELLED }

  private final DecisionContext ctx;
  private Revision target;

  Rollbacks(DecisionContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Within the post-promotion window the revision to return to is the one stable before the
   * promotion: a decision made now demotes the promoted revision first.
   */
  void rollBackTo(Revision previousStable) {
    this.target = previousStable;
  }

  void decide(String reason, String guard, Double value, String threshold, String why) {
    if (target != null) {
      ctx.status.stableRevision = target;
      ctx.status.previousStableRevision = null;
    }
    Revision current = ctx.status.currentRevision;
    Revision stable = ctx.status.stableRevision;
    PendingRollback pending = new PendingRollback();
    pending.revision = current.hash;
    pending.toRevision = stable.hash;
    pending.reason = reason;
    pending.guard = guard;
    pending.value = value;
    pending.threshold = threshold;
    pending.message = why;
    pending.decidedAt = ctx.book.now();
    ctx.status.pendingRollback = pending;
    String verb = ctx.dryRun() ? "would roll back " : "rolling back ";
    String message = verb + describe(current) + " to " + describe(stable) + ": " + why;
    ctx.book.phase(Phase.RollingBack, message);
    ctx.book.history(HistoryEntry.Type.RollbackDecided, current.hash, message);
    ctx.book.condition(ANALYSING, "False", reason, why);
    ctx.recheckAt(ctx.now);
  }

  /** Carries out the pending rollback; returns true when it is done (or was a dry run). */
  boolean complete() {
    PendingRollback pending = ctx.status.pendingRollback;
    String running = ctx.workload().hash();
    if (running.equals(pending.revision)) {
      if (ctx.dryRun()) {
        finish(Outcome.DRY_RUN);
        return true;
      }
      Revision stable = ctx.status.stableRevision;
      ctx.book.act(new Action.RestoreTemplate(stable.controllerRevision, stable.hash));
      finish(Outcome.ROLLED_BACK);
      return true;
    }
    if (running.equals(pending.toRevision)) {
      // Restored before a restart, status not yet written: finish without restoring twice.
      finish(Outcome.ROLLED_BACK);
      return true;
    }
    String message = "rollback of " + pending.revision + " cancelled: the Deployment now runs " + running;
    ctx.status.pendingRollback = null;
    ctx.book.history(HistoryEntry.Type.Deployed, running, message);
    ctx.book.normal("RollbackCancelled", message);
    return false;
  }

  private void finish(Outcome outcome) {
    PendingRollback pending = ctx.status.pendingRollback;
    Revision failed = ctx.status.currentRevision;
    Revision stable = ctx.status.stableRevision;
    Duration detection = Duration.between(Times.parse(failed.since), ctx.now);
    recordFailed(pending, failed);
    ctx.book.act(new Action.CountRollback(pending.guard != null ? pending.guard : pending.reason, ctx.mode(),
        detection));
    String message;
    if (outcome == Outcome.DRY_RUN) {
      message = "DryRun: would have rolled back " + describe(failed) + " to " + describe(stable) + " "
          + Times.words(detection) + " after the deploy: " + pending.message + "; the Deployment was not changed";
      ctx.book.condition(ROLLED_BACK, "False", "DryRun", message);
      RolloutDecider.ready(ctx, "False", "WouldRollBack", message);
    } else {
      message = "rolled back " + describe(failed) + " to " + describe(stable) + " "
          + Times.words(detection) + " after the deploy: " + pending.message;
      ctx.status.currentRevision = copyOf(stable);
      ctx.status.currentRevision.since = ctx.book.now();
      ctx.book.condition(ROLLED_BACK, "True", pending.reason, message);
    }
    ctx.status.pendingRollback = null;
    ctx.book.phase(Phase.RolledBack, message);
    ctx.book.history(HistoryEntry.Type.RolledBack, failed.hash, message);
    ctx.book.warning(outcome == Outcome.DRY_RUN ? "DryRunRollback" : "RolledBack", message, true);
  }

  private void recordFailed(PendingRollback pending, Revision failed) {
    FailedRevision record = new FailedRevision();
    record.hash = failed.hash;
    record.images = failed.images;
    record.failedAt = ctx.book.now();
    record.reason = pending.reason;
    record.guard = pending.guard;
    record.value = pending.value;
    record.threshold = pending.threshold;
    ctx.status.failedRevisions.removeIf(f -> f.hash.equals(failed.hash));
    ctx.status.failedRevisions.add(record);
    while (ctx.status.failedRevisions.size() > StatusBook.FAILED_REVISIONS_LIMIT) {
      ctx.status.failedRevisions.remove(0);
    }
  }
}
