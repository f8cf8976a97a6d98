package dev.rollguard.operator.reconcile;

import static dev.rollguard.operator.reconcile.StatusBook.ANALYSING;
import static dev.rollguard.operator.reconcile.StatusBook.READY;
import static dev.rollguard.operator.reconcile.StatusBook.WORKLOAD_FOUND;

import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.Revision;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import java.time.Clock;

/**
 * Decides what a Rollout should do next: a pure function of the observation (spec, status,
 * Deployment, measurements, requests) and the clock. It reads and writes only the status
 * it returns; the reconciler carries out the actions.
 */
public final class RolloutDecider {

  private final Clock clock;

  public RolloutDecider(Clock clock) {
    this.clock = clock;
  }

  public Decision decide(Observation observation) {
    DecisionContext ctx = new DecisionContext(observation, clock.instant());
    if (observation.guardedBy().isPresent()) {
      conflict(ctx, observation.guardedBy().get());
    } else if (observation.workload().isEmpty()) {
      workloadMissing(ctx);
    } else {
      guard(ctx);
    }
    return ctx.decision();
  }

  private void guard(DecisionContext ctx) {
    StatusBook book = ctx.book;
    if (!book.conditionIs(WORKLOAD_FOUND, "True", "Found")) {
      book.condition(WORKLOAD_FOUND, "True", "Found", "Deployment " + ctx.workloadName() + " is guarded");
    }
    if (ctx.status.stableRevision == null) {
      adopt(ctx);
      return;
    }
    Rollbacks rollbacks = new Rollbacks(ctx);
    if (ctx.status.pendingRollback != null && rollbacks.complete()) {
      new Recovery(ctx).start();
      return;
    }
    Requested requested = new Requested(ctx, rollbacks);
    requested.retry();
    if (new Holds(ctx).step()) {
      requested.handle();
      new Recovery(ctx).step();
      return;
    }
    detectRevisionChange(ctx);
    requested.handle();
    if (ctx.status.pendingRollback != null) {
      ctx.recheckAt(ctx.now);
      return;
    }
    if (ctx.status.phase == Phase.Analysing) {
      new Analysis(ctx, rollbacks).step();
    } else if (ctx.status.phase == Phase.Healthy) {
      new PostPromotion(ctx, rollbacks).step();
    } else if (ctx.status.phase == Phase.RolledBack || ctx.status.phase == Phase.Holding) {
      new Recovery(ctx).step();
    }
  }

  /** First sight of the Deployment: its running template becomes the stable revision. */
  private void adopt(DecisionContext ctx) {
    WorkloadState workload = ctx.workload();
    Revision stable = new Revision(workload.hash(), workload.images());
    stable.since = ctx.book.now();
    stable.promotedAt = ctx.book.now();
    stable.controllerRevision = controllerRevisionName(ctx, workload.hash());
    ctx.status.stableRevision = stable;
    ctx.status.currentRevision = copyOf(stable);
    ctx.book.act(new Action.SaveStableRevision(workload.hash(), stable.controllerRevision));
    String message = "adopted " + describe(stable) + " as the stable revision";
    ctx.book.phase(Phase.Healthy, message);
    ctx.book.history(HistoryEntry.Type.Adopted, stable.hash, message);
    ctx.book.normal("Adopted", "Deployment " + ctx.workloadName() + ": " + message);
    ready(ctx, "True", "Stable", "running the stable revision " + stable.hash);
    ctx.book.condition(ANALYSING, "False", "NoNewRevision", "no revision under analysis");
  }

  private void detectRevisionChange(DecisionContext ctx) {
    WorkloadState workload = ctx.workload();
    Revision current = ctx.status.currentRevision;
    if (current != null && workload.hash().equals(current.hash)) {
      return;
    }
    Revision stable = ctx.status.stableRevision;
    if (workload.hash().equals(stable.hash)) {
      backToStable(ctx);
    } else {
      new Analysis(ctx, new Rollbacks(ctx)).begin();
    }
  }

  /** The Deployment runs the stable template again without Rollguard rolling it back. */
  private void backToStable(DecisionContext ctx) {
    Revision left = ctx.status.currentRevision;
    ctx.status.currentRevision = copyOf(ctx.status.stableRevision);
    ctx.status.currentRevision.since = ctx.book.now();
    if (ctx.status.phase == Phase.Analysing || ctx.status.phase == Phase.RollingBack) {
      String message = "revision " + left.hash + " was replaced by the stable revision "
          + ctx.status.stableRevision.hash + " before analysis ended";
      ctx.status.analysis = null;
      ctx.book.phase(Phase.Healthy, message);
      ctx.book.history(HistoryEntry.Type.Deployed, ctx.status.stableRevision.hash, message);
      ctx.book.normal("BackToStable", message);
      ctx.book.condition(ANALYSING, "False", "BackToStable", message);
      ready(ctx, "True", "Stable", "running the stable revision " + ctx.status.stableRevision.hash);
    }
  }

  private void conflict(DecisionContext ctx, String other) {
    String message = "Deployment " + ctx.workloadName() + " is already guarded by Rollout " + other
        + "; this Rollout does nothing until that one is deleted";
    if (!ctx.book.conditionIs(READY, "False", "Conflict")) {
      ctx.book.warning("Conflict", message, false);
    }
    ctx.book.phase(Phase.Error, message);
    ready(ctx, "False", "Conflict", message);
  }

  private void workloadMissing(DecisionContext ctx) {
    String message = "Deployment " + ctx.workloadName() + " not found in namespace "
        + ctx.rollout.getMetadata().getNamespace();
    if (!ctx.book.conditionIs(WORKLOAD_FOUND, "False", "NotFound")) {
      ctx.book.warning("WorkloadNotFound", message, false);
    }
    ctx.book.condition(WORKLOAD_FOUND, "False", "NotFound", message);
    ctx.book.phase(Phase.Pending, message);
    ready(ctx, "False", "WorkloadNotFound", message);
  }

  static void ready(DecisionContext ctx, String status, String reason, String message) {
    ctx.book.condition(READY, status, reason, message);
  }

  static String controllerRevisionName(DecisionContext ctx, String hash) {
    String base = ctx.name();
    // ControllerRevision names are DNS subdomains: at most 253 characters.
    return (base.length() > 240 ? base.substring(0, 240) : base) + "-" + hash;
  }

  static String describe(Revision revision) {
    return revision.hash + " (" + String.join(", ", revision.images) + ")";
  }

  static Revision copyOf(Revision revision) {
    Revision copy = new Revision(revision.hash, revision.images);
    copy.since = revision.since;
    copy.promotedAt = revision.promotedAt;
    copy.controllerRevision = revision.controllerRevision;
    return copy;
  }
}
