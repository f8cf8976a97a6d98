package dev.rollguard.operator.decide;

import static dev.rollguard.operator.decide.Revisions.controllerRevisionName;
import static dev.rollguard.operator.decide.Revisions.copyOf;
import static dev.rollguard.operator.decide.Revisions.describe;

import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.Revision;
import dev.rollguard.operator.api.Stage;
import dev.rollguard.operator.decide.WorkloadState.PreviousRevision;
import java.util.Optional;

/**
 * First sight of the Deployment. Only a proven revision becomes stable: a Deployment that runs one
 * revision everywhere is adopted as it is; one caught in the middle of a rollout adopts the
 * revision that served before it and analyses the new one as a deploy, so that an in-flight,
 * never-analysed revision is never taken as the one to roll back to.
 */
final class AdoptingHandler implements StageHandler {

  @Override
  public Transition handle(DecisionContext ctx, Transition entered) {
    WorkloadState workload = ctx.workload();
    Optional<PreviousRevision> previous =
        workload.rollingOut() ? workload.previous() : Optional.empty();
    if (previous.isPresent()) {
      return adoptPrevious(ctx, previous.get());
    }
    Revision stable = stable(ctx, workload.hash(), workload.images());
    ctx.change(new Change.SaveStableRevision(workload.hash(), stable.controllerRevision));
    ctx.status.currentRevision = copyOf(stable);
    String message = "adopted " + describe(stable) + " as the stable revision";
    ctx.history(HistoryEntry.Type.Adopted, stable.hash, message);
    ctx.normal("Adopted", "Deployment " + ctx.workloadName() + ": " + message);
    return Transition.to(Stage.Stable, "Adopted", message);
  }

  private static Transition adoptPrevious(DecisionContext ctx, PreviousRevision previous) {
    WorkloadState workload = ctx.workload();
    Revision stable = stable(ctx, previous.hash(), previous.images());
    ctx.change(
        new Change.SaveStableRevision(
            previous.hash(), stable.controllerRevision, Optional.of(previous.replicaSet())));
    String message =
        "adopted "
            + describe(stable)
            + " as the stable revision: Deployment "
            + ctx.workloadName()
            + " was rolling out "
            + workload.hash()
            + " ("
            + workload.availability()
            + "), which is analysed as a deploy";
    ctx.history(HistoryEntry.Type.Adopted, stable.hash, message);
    ctx.normal("Adopted", "Deployment " + ctx.workloadName() + ": " + message);
    return AnalysingHandler.begin(
        ctx, previous.rolloutStartedAt().isBefore(ctx.now) ? previous.rolloutStartedAt() : ctx.now);
  }

  private static Revision stable(DecisionContext ctx, String hash, java.util.List<String> images) {
    Revision stable = new Revision(hash, images);
    stable.since = ctx.nowMillis();
    stable.promotedAt = ctx.nowMillis();
    stable.controllerRevision = controllerRevisionName(ctx.name(), hash);
    ctx.status.stableRevision = stable;
    return stable;
  }
}
