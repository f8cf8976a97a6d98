package dev.rollguard.operator.decide;

/**
 * Stages Stable, RolledBack, NotRecovered and Holding: nothing is measured; the {@link
 * RevisionWatch} has already looked at what the Deployment runs. Requests to promote or roll back
 * find nothing to act on and say so.
 */
final class SettledHandler implements StageHandler {

  @Override
  public Transition handle(DecisionContext ctx, Transition entered) {
    ignoreRequests(ctx);
    return entered;
  }

  static void ignoreRequests(DecisionContext ctx) {
    Requests requests = ctx.observation.requests();
    if (requests.rollback()) {
      ctx.normal(
          "RollbackIgnored",
          "nothing to roll back: the Deployment runs the stable revision "
              + ctx.status.stableRevision.hash);
    } else if (requests.promote()) {
      ctx.normal("PromoteIgnored", "no revision under analysis to promote");
    }
  }
}
