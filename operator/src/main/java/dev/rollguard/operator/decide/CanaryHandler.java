package dev.rollguard.operator.decide;

import static dev.rollguard.operator.decide.Revisions.describe;

import dev.rollguard.operator.api.AnalysisStatus;
import dev.rollguard.operator.api.CanarySpec;
import dev.rollguard.operator.api.CanaryStatus;
import dev.rollguard.operator.api.CanaryStatus.State;
import dev.rollguard.operator.api.Durations;
import dev.rollguard.operator.api.FailedRevision;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Stage Canary: the new revision rolls out through the Deployment's own rolling update, paused
 * ({@code spec.paused}) when it reaches each step's share of pods and resumed when the step's
 * analysis passes. The guards are measured throughout, exactly as in {@link AnalysingHandler}; a
 * breach rolls back (the restore also lifts the pause, in the same patch). After the last step the
 * rollout completes and the Rollout is back in Analysing, baking from the resume.
 *
 * <p>Why pause only once the pods are there: the Deployment controller creates the new ReplicaSet
 * with its first batch ({@code maxSurge}) as soon as it sees the template, and a paused Deployment
 * creates no ReplicaSet at all. So Rollguard lets the controller create the batch and pauses when
 * the Deployment reports the step's pods; the controller only scales further once a new pod is
 * ready, which leaves the pause that long (about a second for pods without a readiness probe, far
 * longer for real ones) to land. A pause placed too early (for example a canary pause of an older
 * revision) is lifted until the pods are there.
 *
 * <p>In DryRun mode nothing is paused: each step is reported when the rollout passes its share.
 */
final class CanaryHandler implements StageHandler {

  /** Whether a revision that starts analysis now rolls out in canary steps. */
  static boolean applies(DecisionContext ctx) {
    return ctx.spec.canary != null
        && ctx.spec.canary.steps != null
        && !ctx.spec.canary.steps.isEmpty()
        && ctx.workload().replicas() > 0;
  }

  /** Starts the canary of the revision whose analysis just began. */
  static Transition begin(DecisionContext ctx) {
    CanaryStatus canary = new CanaryStatus();
    canary.revision = ctx.status.currentRevision.hash;
    ctx.status.canary = canary;
    enter(ctx, 1);
    String message =
        "canary of "
            + describe(ctx.status.currentRevision)
            + ": "
            + steps(ctx).size()
            + (steps(ctx).size() == 1 ? " step" : " steps")
            + ", "
            + progressing(ctx)
            + (ctx.dryRun() ? " (DryRun: the Deployment is never paused)" : "");
    ctx.history(HistoryEntry.Type.CanaryStep, canary.revision, message);
    ctx.normal("CanaryStarted", message);
    return Transition.to(Stage.Canary, "NewRevision", message);
  }

  @Override
  public Transition handle(DecisionContext ctx, Transition entered) {
    AnalysisStatus analysis = ctx.status.analysis;
    CanaryStatus canary = ctx.status.canary;
    if (analysis == null
        || analysis.kind != AnalysisStatus.Kind.Analysis
        || !analysis.revision.equals(ctx.status.currentRevision.hash)
        || canary == null
        || !ctx.status.currentRevision.hash.equals(canary.revision)) {
      entered = AnalysingHandler.begin(ctx, ctx.now);
      if (entered.next() != Stage.Canary) {
        ctx.recheckAt(ctx.now);
        return entered;
      }
      analysis = ctx.status.analysis;
    }
    if (!applies(ctx) || ctx.status.canary.index > steps(ctx).size()) {
      // The canary was removed from the spec (or shortened) while it ran: the rollout completes.
      Transition completed = complete(ctx, "canary steps changed in the spec");
      AnalysingHandler.scheduleNext(ctx, analysis);
      return completed;
    }
    if (ctx.observation.requests().rollback()) {
      return AnalysingHandler.rollbackRequested(ctx);
    }
    if (ctx.observation.requests().promote()) {
      resumeIfPaused(ctx);
      ctx.status.canary = null;
      return AnalysingHandler.promote(
          ctx, "on request (" + Requests.PROMOTE + "), skipping the remaining canary steps");
    }
    GuardRound.sync(analysis, ctx.spec.guards);
    Optional<Transition> decided = MeasuredRounds.apply(ctx, analysis, ctx.status.stableRevision);
    if (decided.isPresent()) {
      return decided.get();
    }
    Transition next =
        ctx.dryRun()
            ? reportSteps(ctx, entered)
            : ctx.status.canary.state == State.Paused
                ? paused(ctx, entered)
                : progressing(ctx, entered);
    AnalysingHandler.scheduleNext(ctx, analysis);
    return next;
  }

  /** Towards the step's share: pause once the pods are there. */
  private static Transition progressing(DecisionContext ctx, Transition entered) {
    CanaryStatus canary = ctx.status.canary;
    WorkloadState workload = ctx.workload();
    int pods = workload.updatedReplicas();
    if (pods != WorkloadState.UNKNOWN && pods > 0 && pods >= target(ctx, canary.index)) {
      return pause(ctx, pods);
    }
    if (workload.pausedByCanary() && pods != WorkloadState.UNKNOWN) {
      // Paused too early (an earlier step, an older revision, or before a restart): the
      // controller creates the step's pods only while the Deployment runs.
      ctx.change(new Change.ResumeCanary());
    }
    Instant deadline = canary.since.plus(ctx.settings().progressDeadline());
    if (!ctx.now.isBefore(deadline)) {
      return RollbackDecision.decide(
          ctx,
          ctx.status.stableRevision,
          FailedRevision.PROGRESS_DEADLINE_EXCEEDED,
          null,
          null,
          null,
          "canary step "
              + canary.step
              + " not reached "
              + Times.words(ctx.settings().progressDeadline())
              + " after it began ("
              + (pods == WorkloadState.UNKNOWN ? "?" : String.valueOf(pods))
              + " of "
              + target(ctx, canary.index)
              + " pods"
              + (workload.paused() && !workload.pausedByCanary()
                  ? "; the Deployment was paused by someone else"
                  : "")
              + ")");
    }
    ctx.recheckAt(deadline);
    return entered;
  }

  private static Transition pause(DecisionContext ctx, int pods) {
    CanaryStatus canary = ctx.status.canary;
    WorkloadState workload = ctx.workload();
    // A pause by Rollguard raises the generation by one; only a generation above that can be
    // someone else's resume (a view older than the pause is not).
    canary.generation = workload.generation();
    if (!workload.paused()) {
      ctx.change(new Change.PauseCanary(canary.revision, canary.step));
      canary.generation = workload.generation() + 1;
    }
    int target = target(ctx, canary.index);
    canary.state = State.Paused;
    canary.since = ctx.nowMillis();
    canary.pods = pods;
    String message = pausedMessage(ctx);
    String event =
        "paused Deployment "
            + ctx.workloadName()
            + " at canary step "
            + canary.step
            + " with "
            + pods
            + " of "
            + canary.replicas
            + " pods on "
            + canary.revision
            + (pods > target && !firstBatch(ctx, canary.index)
                ? " (the step asks for "
                    + target
                    + "; the rolling update overshot by "
                    + (pods - target)
                    + ")"
                : "")
            + "; analysing them for "
            + Times.words(analysisTime(ctx, canary.index));
    ctx.history(HistoryEntry.Type.CanaryStep, canary.revision, event);
    ctx.normal("CanaryPaused", event);
    if (pods > target && pods >= canary.replicas) {
      // Pods that are available at once (no readiness probe, no minReadySeconds) let the
      // controller finish the rollout before the pause lands: say so instead of calling the whole
      // rollout a canary.
      String late =
          "canary step "
              + canary.step
              + " asks for "
              + target
              + " of "
              + canary.replicas
              + " pods, but the rolling update of Deployment "
              + ctx.workloadName()
              + " had reached all "
              + pods
              + " before the pause landed: the step analyses the whole rollout. New pods became"
              + " available faster than Rollguard could pause; minReadySeconds or a readiness"
              + " probe gives it time";
      ctx.history(HistoryEntry.Type.CanaryStep, canary.revision, late);
      ctx.warning("CanaryTooLate", late, true);
    }
    return Transition.to(Stage.Canary, "CanaryPaused", message);
  }

  /** Paused at the step: resume when its analysis time has passed with every guard passing. */
  private static Transition paused(DecisionContext ctx, Transition entered) {
    CanaryStatus canary = ctx.status.canary;
    WorkloadState workload = ctx.workload();
    Instant end = canary.since.plus(analysisTime(ctx, canary.index));
    if (!ctx.now.isBefore(end) && stepClean(ctx)) {
      // Also when the Deployment already runs again: our own resume, made before a restart
      // lost the status that records it.
      return next(
          ctx,
          "canary step "
              + canary.step
              + " passed: "
              + canary.pods
              + (canary.pods != null && canary.pods == 1 ? " pod on " : " pods on ")
              + canary.revision
              + " within bounds for "
              + Times.words(Duration.between(canary.since, ctx.now)));
    }
    if (!workload.paused() && workload.generation() > canary.generation) {
      // Someone lifted the pause (kubectl rollout resume, or a manifest that sets paused: false):
      // theirs to decide. The guards keep judging the revision as it rolls on.
      String message =
          "canary step "
              + canary.step
              + ": Deployment "
              + ctx.workloadName()
              + " was resumed by someone else; going on to the next step";
      ctx.warning("CanaryResumedElsewhere", message, false);
      return next(ctx, message);
    }
    if (ctx.now.isBefore(end)) {
      ctx.recheckAt(end);
    }
    return entered;
  }

  /** A measurement was taken since the pause, and every guard passed in the latest one. */
  private static boolean stepClean(DecisionContext ctx) {
    AnalysisStatus analysis = ctx.status.analysis;
    boolean measuredSincePause =
        analysis.lastMeasuredAt != null
            && !analysis.lastMeasuredAt.isBefore(ctx.status.canary.since);
    return measuredSincePause
        && !analysis.guards.isEmpty()
        && analysis.guards.stream().allMatch(g -> g.verdict == Verdict.Pass);
  }

  /** On to the next step, or, after the last, the full rollout. */
  private static Transition next(DecisionContext ctx, String why) {
    CanaryStatus canary = ctx.status.canary;
    if (canary.index < steps(ctx).size()) {
      enter(ctx, canary.index + 1);
      int pods = ctx.workload().updatedReplicas();
      if (pods != WorkloadState.UNKNOWN && pods >= canary.targetPods) {
        // The last step already overshot this one's share: stay paused and analyse it as is.
        ctx.normal("CanaryStepPassed", why);
        return pause(ctx, pods);
      }
      resumeIfPaused(ctx);
      String message = why + "; resuming: " + progressing(ctx);
      ctx.history(HistoryEntry.Type.CanaryStep, canary.revision, message);
      ctx.normal("CanaryStepPassed", message);
      return Transition.to(Stage.Canary, "CanaryStepPassed", message);
    }
    return complete(ctx, why + "; all " + steps(ctx).size() + " steps passed");
  }

  private static Transition complete(DecisionContext ctx, String why) {
    resumeIfPaused(ctx);
    String revision = ctx.status.canary.revision;
    ctx.status.canary = null;
    ctx.status.analysis.fullRolloutAt = ctx.nowMillis();
    String message =
        why
            + "; the rollout completes"
            + (ctx.dryRun() ? "" : " (resumed)")
            + " and is promoted after "
            + Times.words(ctx.settings().bakeTime())
            + " without breach";
    ctx.history(HistoryEntry.Type.CanaryStep, revision, message);
    ctx.normal("CanaryPassed", message);
    return Transition.to(Stage.Analysing, "CanaryPassed", message);
  }

  /** DryRun: nothing is paused; each step is told when the rollout passes its share. */
  private static Transition reportSteps(DecisionContext ctx, Transition entered) {
    CanaryStatus canary = ctx.status.canary;
    int pods = ctx.workload().updatedReplicas();
    Transition result = entered;
    while (pods != WorkloadState.UNKNOWN && pods > 0 && pods >= target(ctx, canary.index)) {
      String message =
          "DryRun: would pause Deployment "
              + ctx.workloadName()
              + " at canary step "
              + canary.step
              + " ("
              + pods
              + " of "
              + canary.replicas
              + " pods on "
              + canary.revision
              + ") and analyse for "
              + Times.words(analysisTime(ctx, canary.index))
              + "; not paused";
      ctx.history(HistoryEntry.Type.CanaryStep, canary.revision, message);
      ctx.normal("DryRunCanaryStep", message);
      if (canary.index >= steps(ctx).size()) {
        return complete(ctx, "DryRun: all " + steps(ctx).size() + " canary steps reported");
      }
      enter(ctx, canary.index + 1);
      result = Transition.to(Stage.Canary, "DryRunCanaryStep", message);
    }
    return result;
  }

  private static void resumeIfPaused(DecisionContext ctx) {
    if (ctx.workload().pausedByCanary()) {
      ctx.change(new Change.ResumeCanary());
    }
  }

  private static void enter(DecisionContext ctx, int index) {
    CanaryStatus canary = ctx.status.canary;
    canary.index = index;
    canary.step = index + "/" + steps(ctx).size();
    canary.state = State.Progressing;
    canary.since = ctx.nowMillis();
    canary.replicas = ctx.workload().replicas();
    canary.targetPods = target(ctx, index);
    canary.pods = null;
  }

  private static String progressing(DecisionContext ctx) {
    CanaryStatus canary = ctx.status.canary;
    return "step "
        + canary.step
        + ": rolling out until "
        + (firstBatch(ctx, canary.index)
            ? "the first batch of pods"
            : canary.targetPods + " of " + canary.replicas + " pods")
        + " run "
        + canary.revision;
  }

  private static String pausedMessage(DecisionContext ctx) {
    CanaryStatus canary = ctx.status.canary;
    return "step "
        + canary.step
        + ": "
        + canary.pods
        + " of "
        + canary.replicas
        + " pods on "
        + canary.revision
        + ", paused, analysing "
        + Times.words(analysisTime(ctx, canary.index));
  }

  private static List<CanarySpec.CanaryStep> steps(DecisionContext ctx) {
    return ctx.spec.canary == null || ctx.spec.canary.steps == null
        ? List.of()
        : ctx.spec.canary.steps;
  }

  private static boolean firstBatch(DecisionContext ctx, int index) {
    return CanarySpec.Pause.FIRST_BATCH.equals(steps(ctx).get(index - 1).pause.until);
  }

  /** Pods the step asks for: one for the first batch (whatever its size), else the share. */
  static int target(DecisionContext ctx, int index) {
    String until = steps(ctx).get(index - 1).pause.until;
    int replicas = ctx.workload().replicas();
    if (CanarySpec.Pause.FIRST_BATCH.equals(until)) {
      return 1;
    }
    int percent = Integer.parseInt(until.substring(0, until.length() - 1));
    return Math.max(1, (int) Math.ceil(replicas * percent / 100.0));
  }

  private static Duration analysisTime(DecisionContext ctx, int index) {
    return Durations.parse(steps(ctx).get(index - 1).pause.analysis);
  }
}
