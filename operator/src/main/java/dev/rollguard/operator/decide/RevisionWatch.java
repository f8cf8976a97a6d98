package dev.rollguard.operator.decide;

import static dev.rollguard.operator.decide.Revisions.copyOf;
import static dev.rollguard.operator.decide.Revisions.describe;

import dev.rollguard.operator.api.FailedRevision;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.NotificationKind;
import dev.rollguard.operator.api.Revision;
import dev.rollguard.operator.api.Stage;
import dev.rollguard.operator.decide.guard.Numbers;

/**
 * Looks at which revision the Deployment runs, before the stage's handler does its work, and moves
 * the Rollout when that changed: a new revision starts analysis, the stable one coming back ends
 * it, and a failed revision applied again is held back.
 *
 * <p>Failed revisions never roll out again. Once a rollback has completed (the stable revision is
 * fully available again), the Deployment is paused and marked as held by Rollguard. When a GitOps
 * controller or a stale apply puts the failed template back, the paused Deployment keeps the stable
 * pods serving and Rollguard only reports it: no patch, so no fight with the controller. A new
 * revision, a return to the stable template, or the retry annotation lifts the hold.
 */
final class RevisionWatch {

  /** The event that tells the Deployment was paused once the rollback completed. */
  static final String HELD_AFTER_ROLLBACK = "HeldAfterRollback";

  /** How a rollback's message says the Deployment was left paused (always its last clause). */
  static final String HELD_CLAUSE = "; held: ";

  private RevisionWatch() {}

  static Transition observe(DecisionContext ctx, Stage stage) {
    WorkloadState workload = ctx.workload();
    FailedRevision failed = holdsEnabled(ctx) ? failed(ctx, workload.hash()) : null;
    if (failed != null && workload.paused()) {
      return hold(ctx, stage, failed);
    }
    if (failed != null) {
      return restoreAgain(ctx, failed);
    }
    Transition next = Transition.stay(stage);
    if (workload.heldByRollguard() && holdNoLongerNeeded(ctx, workload)) {
      next = release(ctx, stage);
    }
    holdAfterRollback(ctx, stage, workload);
    Revision current = ctx.status.currentRevision;
    if (current != null && workload.hash().equals(current.hash)) {
      return next;
    }
    if (workload.hash().equals(ctx.status.stableRevision.hash)) {
      return backToStable(ctx, stage, next);
    }
    return AnalysingHandler.begin(ctx, ctx.now);
  }

  private static boolean holdsEnabled(DecisionContext ctx) {
    var rollback = ctx.spec.rollback;
    return !ctx.dryRun()
        && (rollback == null || !Boolean.FALSE.equals(rollback.holdFailedRevisions));
  }

  /** The rollback is complete: pause, so that a re-applied failed template cannot roll out. */
  private static void holdAfterRollback(DecisionContext ctx, Stage stage, WorkloadState workload) {
    boolean rolledBack =
        stage == Stage.VerifyingRecovery
            || stage == Stage.RolledBack
            || stage == Stage.NotRecovered;
    if (!holdsEnabled(ctx)
        || !rolledBack
        || workload.paused()
        || !workload.available()
        || !workload.hash().equals(ctx.status.stableRevision.hash)
        || ctx.status.failedRevisions.isEmpty()) {
      return;
    }
    FailedRevision last = ctx.status.failedRevisions.get(ctx.status.failedRevisions.size() - 1);
    ctx.change(new Change.HoldDeployment(last.hash));
    String held =
        "held: Deployment " + ctx.workloadName() + " paused until a new revision or a retry";
    ctx.history(
        HistoryEntry.Type.Held,
        last.hash,
        "Deployment "
            + ctx.workloadName()
            + " paused: failed revision "
            + last.hash
            + " cannot roll out again until a new revision or a retry");
    ctx.normal(
        HELD_AFTER_ROLLBACK,
        "rolled back "
            + last.hash
            + " and "
            + held
            + " (annotate the Rollout "
            + Requests.RETRY
            + "=true to analyse "
            + last.hash
            + " again)");
    // The message says the Deployment was left paused, after what it says about the rollback.
    if (ctx.status.message == null || ctx.status.message.isEmpty()) {
      ctx.status.message = "rolled back " + last.hash + " and " + held;
    } else if (!ctx.status.message.contains(held)) {
      ctx.status.message = ctx.status.message + "; " + held;
    }
  }

  private static Transition hold(DecisionContext ctx, Stage stage, FailedRevision failed) {
    Revision stable = ctx.status.stableRevision;
    String message =
        "held failed revision "
            + failed.hash
            + " ("
            + String.join(", ", failed.images)
            + "), applied again: it failed at "
            + failed.failedAt
            + " ("
            + cause(failed)
            + "). The Deployment stays "
            + "paused and the stable revision "
            + describe(stable)
            + " keeps serving. To proceed, deploy a new "
            + "revision, or annotate the Rollout "
            + Requests.RETRY
            + "=true to analyse "
            + failed.hash
            + " again";
    if (failed.hash.equals(ctx.status.heldRevision) && stage == Stage.Holding) {
      return Transition.stay(Stage.Holding);
    }
    ctx.warning("Held", message, true);
    notifyHeld(ctx, message, failed);
    ctx.history(HistoryEntry.Type.Held, failed.hash, "failed revision applied again and held back");
    ctx.status.heldRevision = failed.hash;
    return Transition.to(
        Stage.Holding,
        "Holding",
        message,
        "the stable revision " + stable.hash + " serves; " + failed.hash + " is held");
  }

  /**
   * The failed template came back before the hold was in place and is rolling out: put the stable
   * template back once more; the hold follows as soon as it is available.
   */
  private static Transition restoreAgain(DecisionContext ctx, FailedRevision failed) {
    Revision stable = ctx.status.stableRevision;
    String message =
        "failed revision "
            + failed.hash
            + " was applied again before the hold was in place; "
            + "restoring the stable revision "
            + describe(stable)
            + " and holding";
    ctx.change(
        new Change.RestoreTemplate(
            stable.controllerRevision,
            stable.hash,
            "rollguard: failed revision " + failed.hash + " applied again; restored " + stable.hash,
            ctx.workload().pausedByCanary()));
    ctx.warning("Held", message, true);
    notifyHeld(ctx, message, failed);
    ctx.history(HistoryEntry.Type.Held, failed.hash, message);
    return Transition.to(Stage.RolledBack, "RestoredAgain", message);
  }

  private static Transition release(DecisionContext ctx, Stage stage) {
    String held = ctx.workload().heldRevision().orElse("?");
    String message =
        "hold of failed revision "
            + held
            + " lifted: the Deployment now has revision "
            + ctx.workload().hash();
    ctx.change(new Change.ReleaseHold());
    ctx.normal("HoldReleased", message);
    ctx.history(HistoryEntry.Type.Retried, ctx.workload().hash(), message);
    ctx.status.heldRevision = null;
    return stage == Stage.Holding
        ? Transition.to(Stage.Stable, "HoldReleased", message)
        : Transition.stay(stage);
  }

  /**
   * A new revision arrived, or the held one was retried; running the stable template keeps the
   * hold.
   */
  private static boolean holdNoLongerNeeded(DecisionContext ctx, WorkloadState workload) {
    String held = workload.heldRevision().orElse("");
    boolean stillFailed = ctx.status.failedRevisions.stream().anyMatch(f -> f.hash.equals(held));
    return !workload.hash().equals(ctx.status.stableRevision.hash)
        || !stillFailed
        || !holdsEnabled(ctx);
  }

  /** The Deployment runs the stable template again without Rollguard rolling it back. */
  private static Transition backToStable(DecisionContext ctx, Stage stage, Transition next) {
    Revision left = ctx.status.currentRevision;
    ctx.status.currentRevision = copyOf(ctx.status.stableRevision);
    ctx.status.currentRevision.since = ctx.nowMillis();
    if (ctx.workload().pausedByCanary()) {
      // The stable template rolls back in only while the Deployment runs.
      ctx.change(new Change.ResumeCanary());
    }
    ctx.status.canary = null;
    if (stage != Stage.Analysing && stage != Stage.Canary && stage != Stage.RollingBack) {
      return next;
    }
    String message =
        "revision "
            + (left == null ? "?" : left.hash)
            + " was replaced by the stable revision "
            + ctx.status.stableRevision.hash
            + " before analysis ended";
    ctx.status.analysis = null;
    ctx.history(HistoryEntry.Type.Deployed, ctx.status.stableRevision.hash, message);
    ctx.normal("BackToStable", message);
    return Transition.to(Stage.Stable, "BackToStable", message);
  }

  private static FailedRevision failed(DecisionContext ctx, String hash) {
    if (hash.equals(ctx.status.stableRevision.hash)) {
      return null;
    }
    return ctx.status.failedRevisions.stream()
        .filter(f -> f.hash.equals(hash))
        .findFirst()
        .orElse(null);
  }

  private static String cause(FailedRevision failed) {
    if (failed.guard != null && failed.value != null) {
      return failed.guard
          + " = "
          + Numbers.format(failed.value)
          + (failed.threshold != null ? ", bounds " + failed.threshold : "");
    }
    return failed.reason;
  }

  private static void notifyHeld(DecisionContext ctx, String message, FailedRevision failed) {
    ctx.notify(
        NotificationKind.Held,
        message,
        new Revision(failed.hash, failed.images),
        ctx.status.stableRevision,
        failed.guard,
        failed.value,
        failed.threshold);
  }
}
