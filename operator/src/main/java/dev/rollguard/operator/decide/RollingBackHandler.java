package dev.rollguard.operator.decide;

import static dev.rollguard.operator.decide.Revisions.copyOf;
import static dev.rollguard.operator.decide.Revisions.describe;

import dev.rollguard.operator.api.FailedRevision;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.NotificationKind;
import dev.rollguard.operator.api.PendingRollback;
import dev.rollguard.operator.api.Revision;
import dev.rollguard.operator.api.Stage;
import java.time.Duration;

/**
 * The second phase of a rollback: restore the stable template, record the failed revision, then
 * verify recovery. When the Deployment already runs the stable template (restored before a restart,
 * status not yet written) it finishes without restoring twice; when it runs something else, someone
 * deployed meanwhile and the rollback is cancelled.
 */
final class RollingBackHandler implements StageHandler {

  static final int FAILED_REVISIONS_LIMIT = 10;

  /** Returned when the rollback was cancelled: the revision watch decides what runs now. */
  static final String CANCELLED = "RollbackCancelled";

  @Override
  public Transition handle(DecisionContext ctx, Transition entered) {
    PendingRollback pending = ctx.status.pendingRollback;
    String running = ctx.workload().hash();
    if (running.equals(pending.revision)) {
      if (ctx.dryRun()) {
        return finishDryRun(ctx);
      }
      Revision stable = ctx.status.stableRevision;
      ctx.change(
          new Change.RestoreTemplate(
              stable.controllerRevision,
              stable.hash,
              "rollguard: rolled back to "
                  + stable.hash
                  + (pending.message != null ? ": " + pending.message : ""),
              ctx.workload().pausedByCanary()));
      return finish(ctx);
    }
    if (running.equals(pending.toRevision)) {
      return finish(ctx);
    }
    String message =
        "rollback of " + pending.revision + " cancelled: the Deployment now runs " + running;
    ctx.status.pendingRollback = null;
    ctx.status.canary = null;
    ctx.history(HistoryEntry.Type.Deployed, running, message);
    ctx.normal("RollbackCancelled", message);
    return Transition.to(Stage.Stable, CANCELLED, null, message);
  }

  private static Transition finish(DecisionContext ctx) {
    PendingRollback pending = ctx.status.pendingRollback;
    Revision failed = ctx.status.currentRevision;
    Revision stable = ctx.status.stableRevision;
    Duration detection = detection(ctx, failed);
    recordFailed(ctx, pending, failed);
    ctx.notice(new Notice.RollbackCounted(counted(pending), ctx.mode(), detection));
    String message =
        "rolled back "
            + describe(failed)
            + " to "
            + describe(stable)
            + " "
            + Times.words(detection)
            + " after the deploy: "
            + pending.message;
    ctx.status.currentRevision = copyOf(stable);
    ctx.status.currentRevision.since = ctx.nowMillis();
    ctx.status.pendingRollback = null;
    ctx.status.canary = null;
    ctx.history(HistoryEntry.Type.RolledBack, failed.hash, message);
    ctx.warning("RolledBack", message, true);
    ctx.notify(
        NotificationKind.RolledBack,
        message,
        failed,
        stable,
        pending.guard,
        pending.value,
        pending.threshold);
    return RecoveryHandler.start(
        ctx, Transition.to(Stage.VerifyingRecovery, pending.reason, message));
  }

  private static Transition finishDryRun(DecisionContext ctx) {
    PendingRollback pending = ctx.status.pendingRollback;
    Revision failed = ctx.status.currentRevision;
    Duration detection = detection(ctx, failed);
    recordFailed(ctx, pending, failed);
    ctx.notice(new Notice.RollbackCounted(counted(pending), ctx.mode(), detection));
    String message =
        "DryRun: would have rolled back "
            + describe(failed)
            + " to "
            + describe(ctx.status.stableRevision)
            + " "
            + Times.words(detection)
            + " after the deploy: "
            + pending.message
            + "; the Deployment was not changed";
    ctx.status.pendingRollback = null;
    ctx.status.canary = null;
    ctx.history(HistoryEntry.Type.RolledBack, failed.hash, message);
    ctx.warning("DryRunRollback", message, true);
    ctx.notify(
        NotificationKind.RolledBack,
        message,
        failed,
        ctx.status.stableRevision,
        pending.guard,
        pending.value,
        pending.threshold);
    return Transition.to(Stage.RolledBack, StageStatusWriter.DRY_RUN, message);
  }

  private static Duration detection(DecisionContext ctx, Revision failed) {
    return Duration.between(failed.since, ctx.now);
  }

  private static String counted(PendingRollback pending) {
    return pending.guard != null ? pending.guard : pending.reason;
  }

  private static void recordFailed(DecisionContext ctx, PendingRollback pending, Revision failed) {
    FailedRevision record = new FailedRevision();
    record.hash = failed.hash;
    record.images = failed.images;
    record.failedAt = ctx.nowMillis();
    record.reason = pending.reason;
    record.guard = pending.guard;
    record.value = pending.value;
    record.threshold = pending.threshold;
    ctx.status.failedRevisions.removeIf(f -> f.hash.equals(failed.hash));
    ctx.status.failedRevisions.add(record);
    while (ctx.status.failedRevisions.size() > FAILED_REVISIONS_LIMIT) {
      ctx.status.failedRevisions.remove(0);
    }
  }
}
