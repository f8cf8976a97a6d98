package dev.rollguard.operator.reconcile;

import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.RolloutStatus.Phase;

/** People stay in charge: the promote, rollback and retry annotations. */
final class Requested {

  private final DecisionContext ctx;
  private final Rollbacks rollbacks;

  Requested(DecisionContext ctx, Rollbacks rollbacks) {
    this.ctx = ctx;
    this.rollbacks = rollbacks;
  }

  /** First of all: a retried failed revision must not be held any more. */
  void retry() {
    Requests requests = ctx.observation.requests();
    if (requests.any()) {
      ctx.book.act(new Action.ClearRequests());
    }
    if (requests.retry()) {
      clearFailed();
    }
  }

  void handle() {
    Requests requests = ctx.observation.requests();
    if (requests.rollback()) {
      rollback();
    } else if (requests.promote()) {
      promote();
    }
  }

  private void clearFailed() {
    if (ctx.status.failedRevisions.isEmpty()) {
      ctx.book.normal("RetryIgnored", "no failed revision to retry");
      return;
    }
    String hashes = String.join(", ", ctx.status.failedRevisions.stream().map(f -> f.hash).toList());
    ctx.status.failedRevisions.clear();
    String message = "failed revisions cleared on request (" + Requests.RETRY + "): " + hashes;
    ctx.book.history(HistoryEntry.Type.Retried, null, message);
    ctx.book.normal("Retried", message);
  }

  private void rollback() {
    if (ctx.status.phase != Phase.Analysing) {
      ctx.book.normal("RollbackIgnored", "nothing to roll back: the Deployment runs the stable revision "
          + ctx.status.stableRevision.hash);
      return;
    }
    rollbacks.decide("Requested", null, null, null, "rollback requested with the annotation " + Requests.ROLLBACK);
  }

  private void promote() {
    if (ctx.status.phase != Phase.Analysing) {
      ctx.book.normal("PromoteIgnored", "no revision under analysis to promote");
      return;
    }
    new Analysis(ctx, rollbacks).promote("on request (" + Requests.PROMOTE + ")");
  }
}
