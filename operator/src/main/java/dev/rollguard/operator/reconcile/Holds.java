package dev.rollguard.operator.reconcile;

import static dev.rollguard.operator.reconcile.RolloutDecider.describe;

import dev.rollguard.operator.api.FailedRevision;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.Revision;
import dev.rollguard.operator.api.RolloutStatus.Phase;

/**
 * Failed revisions never roll out again. Once a rollback has completed (the stable revision is
 * fully available again), the Deployment is paused and marked as held by Rollguard. When a
 * GitOps controller or a stale apply puts the failed template back, the paused Deployment
 * keeps the stable pods serving and Rollguard only reports it: no patch, so no fight with the
 * controller. A new revision, a return to the stable template, or the retry annotation lifts
 * the hold.
 */
final class Holds {

  private final DecisionContext ctx;

  Holds(DecisionContext ctx) {
    this.ctx = ctx;
  }

  private boolean enabled() {
    var rollback = ctx.spec.rollback;
    return !ctx.dryRun() && (rollback == null || !Boolean.FALSE.equals(rollback.holdFailedRevisions));
  }

  /** Returns true when the Deployment carries a held failed template: nothing else to decide. */
  boolean step() {
    WorkloadState workload = ctx.workload();
    FailedRevision failed = enabled() ? failed(workload.hash()) : null;
    if (failed != null && workload.paused()) {
      hold(failed);
      return true;
    }
    if (failed != null) {
      restoreAgain(failed);
      return true;
    }
    if (workload.heldByRollguard() && holdNoLongerNeeded(workload)) {
      release();
    }
    holdAfterRollback(workload);
    return false;
  }

  /** The rollback is complete: pause, so that a re-applied failed template cannot roll out. */
  private void holdAfterRollback(WorkloadState workload) {
    Revision stable = ctx.status.stableRevision;
    if (!enabled() || ctx.status.phase != Phase.RolledBack || workload.paused() || !workload.available()
        || !workload.hash().equals(stable.hash) || ctx.status.failedRevisions.isEmpty()) {
      return;
    }
    FailedRevision last = ctx.status.failedRevisions.get(ctx.status.failedRevisions.size() - 1);
    ctx.book.act(new Action.HoldDeployment(last.hash));
    ctx.book.history(HistoryEntry.Type.Held, last.hash, "Deployment " + ctx.workloadName()
        + " paused: failed revision " + last.hash + " cannot roll out again until a new revision arrives");
  }

  private void hold(FailedRevision failed) {
    Revision stable = ctx.status.stableRevision;
    String message = "held failed revision " + failed.hash + " (" + String.join(", ", failed.images)
        + "), applied again: it failed at " + failed.failedAt + " (" + cause(failed) + "). The Deployment stays paused "
        + "and the stable revision " + describe(stable) + " keeps serving. To proceed, deploy a new revision, "
        + "or annotate the Rollout " + Requests.RETRY + "=true to analyse " + failed.hash + " again";
    if (!failed.hash.equals(ctx.status.heldRevision) || ctx.status.phase != Phase.Holding) {
      ctx.book.warning("Held", message, true);
      ctx.book.history(HistoryEntry.Type.Held, failed.hash, "failed revision applied again and held back");
    }
    ctx.status.heldRevision = failed.hash;
    ctx.book.phase(Phase.Holding, message);
    RolloutDecider.ready(ctx, "True", "Holding", "the stable revision " + stable.hash + " serves; "
        + failed.hash + " is held");
  }

  /**
   * The failed template came back before the hold was in place and is rolling out: put the
   * stable template back once more; the hold follows as soon as it is available.
   */
  private void restoreAgain(FailedRevision failed) {
    Revision stable = ctx.status.stableRevision;
    String message = "failed revision " + failed.hash + " was applied again before the hold was in place; "
        + "restoring the stable revision " + describe(stable) + " and holding";
    ctx.book.act(new Action.RestoreTemplate(stable.controllerRevision, stable.hash));
    ctx.book.warning("Held", message, true);
    ctx.book.history(HistoryEntry.Type.Held, failed.hash, message);
    ctx.book.phase(Phase.RolledBack, message);
  }

  private void release() {
    String held = ctx.workload().heldRevision().orElse("?");
    String message = "hold of failed revision " + held + " lifted: the Deployment now has revision "
        + ctx.workload().hash();
    ctx.book.act(new Action.ReleaseHold());
    ctx.book.normal("HoldReleased", message);
    ctx.book.history(HistoryEntry.Type.Retried, ctx.workload().hash(), message);
    ctx.status.heldRevision = null;
    if (ctx.status.phase == Phase.Holding) {
      ctx.book.phase(Phase.Healthy, message);
    }
  }

  /** A new revision arrived, or the held one was retried; running the stable template keeps the hold. */
  private boolean holdNoLongerNeeded(WorkloadState workload) {
    String held = workload.heldRevision().orElse("");
    boolean stillFailed = ctx.status.failedRevisions.stream().anyMatch(f -> f.hash.equals(held));
    return !workload.hash().equals(ctx.status.stableRevision.hash) || !stillFailed || !enabled();
  }

  private FailedRevision failed(String hash) {
    if (hash.equals(ctx.status.stableRevision.hash)) {
      return null;
    }
    return ctx.status.failedRevisions.stream().filter(f -> f.hash.equals(hash)).findFirst().orElse(null);
  }

  private static String cause(FailedRevision failed) {
    if (failed.guard != null && failed.value != null) {
      return failed.guard + " = " + dev.rollguard.operator.analysis.Numbers.format(failed.value)
          + (failed.threshold != null ? ", bounds " + failed.threshold : "");
    }
    return failed.reason;
  }
}
