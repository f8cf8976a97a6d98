package dev.rollguard.operator.decide;

import static dev.rollguard.operator.decide.Revisions.controllerRevisionName;
import static dev.rollguard.operator.decide.Revisions.copyOf;
import static dev.rollguard.operator.decide.Revisions.describe;

import dev.rollguard.operator.api.AnalysisStatus;
import dev.rollguard.operator.api.FailedRevision;
import dev.rollguard.operator.api.GuardStatus;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.NotificationKind;
import dev.rollguard.operator.api.Revision;
import dev.rollguard.operator.api.Stage;
import dev.rollguard.operator.measure.MeasurementRequest;
import dev.rollguard.operator.measure.MeasurementRound.Purpose;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Stage Analysing: a new revision runs. Its baseline is measured as it was just before the deploy,
 * then every guard every interval; {@code failureLimit} consecutive breaches of one guard (or the
 * progress deadline) decide a rollback, a clean available revision is promoted after the bake time.
 * The promote and rollback requests act here.
 */
final class AnalysingHandler implements StageHandler {

  /** The baseline is evaluated this long before the deploy was seen. */
  static final Duration BASELINE_LOOKBACK = Duration.ofSeconds(1);

  /** Enters Analysing for the revision the Deployment runs, deployed at {@code since}. */
  static Transition begin(DecisionContext ctx, Instant since) {
    WorkloadState workload = ctx.workload();
    Revision revision = new Revision(workload.hash(), workload.images());
    revision.since = Times.millis(since);
    ctx.status.currentRevision = revision;
    ctx.status.previousStableRevision = null;
    ctx.status.heldRevision = null;
    AnalysisStatus analysis = new AnalysisStatus();
    analysis.kind = AnalysisStatus.Kind.Analysis;
    analysis.revision = revision.hash;
    analysis.startedAt = revision.since;
    GuardRound.sync(analysis, ctx.spec.guards);
    ctx.status.analysis = analysis;
    ctx.status.canary = null;
    if (CanaryHandler.applies(ctx)) {
      ctx.history(HistoryEntry.Type.Deployed, revision.hash, "new revision " + describe(revision));
      ctx.normal(
          "Deployed",
          "new revision " + describe(revision) + " of Deployment " + ctx.workloadName());
      return CanaryHandler.begin(ctx);
    }
    AnalysisSettings settings = ctx.settings();
    String message =
        "analysing "
            + describe(revision)
            + ": first measurement after "
            + Times.words(settings.initialDelay())
            + ", then every "
            + Times.words(settings.interval())
            + "; promoted after "
            + Times.words(settings.bakeTime())
            + " without breach";
    ctx.history(HistoryEntry.Type.Deployed, revision.hash, "new revision " + describe(revision));
    ctx.normal(
        "Deployed",
        "new revision "
            + describe(revision)
            + " of Deployment "
            + ctx.workloadName()
            + "; "
            + message);
    return Transition.to(Stage.Analysing, "NewRevision", message);
  }

  @Override
  public Transition handle(DecisionContext ctx, Transition entered) {
    AnalysisStatus analysis = ctx.status.analysis;
    if (analysis == null
        || analysis.kind != AnalysisStatus.Kind.Analysis
        || !analysis.revision.equals(ctx.status.currentRevision.hash)) {
      entered = begin(ctx, ctx.now);
      analysis = ctx.status.analysis;
    }
    if (ctx.observation.requests().rollback()) {
      return rollbackRequested(ctx);
    }
    if (ctx.observation.requests().promote()) {
      return promote(ctx, "on request (" + Requests.PROMOTE + ")");
    }
    GuardRound.sync(analysis, ctx.spec.guards);
    Optional<Transition> decided = MeasuredRounds.apply(ctx, analysis, ctx.status.stableRevision);
    if (decided.isPresent()) {
      return decided.get();
    }
    Optional<Transition> deadline = deadlinePassed(ctx);
    if (deadline.isPresent()) {
      return deadline.get();
    }
    if (bakedAndClean(ctx, analysis)) {
      return promote(ctx, "after " + Times.words(ctx.settings().bakeTime()) + " without breach");
    }
    scheduleNext(ctx, analysis);
    ctx.outlook(RoundOutlook.of(ctx.spec.guards, analysis, quietUntil(ctx)));
    return entered;
  }

  /**
   * Until when a round in which every guard passes again decides nothing: the end of the bake time
   * (then it promotes), or the progress deadline if that comes first while the Deployment is not
   * available.
   */
  private static Instant quietUntil(DecisionContext ctx) {
    Instant bakeEnd = fullRolloutAt(ctx).plus(ctx.settings().bakeTime());
    if (ctx.workload().available()) {
      return bakeEnd;
    }
    Instant deadline = fullRolloutAt(ctx).plus(ctx.settings().progressDeadline());
    return deadline.isBefore(bakeEnd) ? deadline : bakeEnd;
  }

  /** The rollback annotation: the revision under analysis is rolled back now. */
  static Transition rollbackRequested(DecisionContext ctx) {
    return RollbackDecision.decide(
        ctx,
        ctx.status.stableRevision,
        "Requested",
        null,
        null,
        null,
        "rollback requested with the annotation " + Requests.ROLLBACK);
  }

  private static Optional<Transition> deadlinePassed(DecisionContext ctx) {
    WorkloadState workload = ctx.workload();
    Instant deadline = fullRolloutAt(ctx).plus(ctx.settings().progressDeadline());
    if (workload.available()) {
      return Optional.empty();
    }
    if (ctx.now.isBefore(deadline)) {
      ctx.recheckAt(deadline);
      return Optional.empty();
    }
    return Optional.of(
        RollbackDecision.decide(
            ctx,
            ctx.status.stableRevision,
            FailedRevision.PROGRESS_DEADLINE_EXCEEDED,
            null,
            null,
            null,
            "not available "
                + Times.words(ctx.settings().progressDeadline())
                + " after the deploy ("
                + workload.availability()
                + ")"));
  }

  private static boolean bakedAndClean(DecisionContext ctx, AnalysisStatus analysis) {
    Instant bakeEnd = fullRolloutAt(ctx).plus(ctx.settings().bakeTime());
    if (ctx.now.isBefore(bakeEnd)) {
      ctx.recheckAt(bakeEnd);
      return false;
    }
    return ctx.workload().available()
        && !analysis.guards.isEmpty()
        && analysis.guards.stream().allMatch(g -> g.verdict == Verdict.Pass);
  }

  /** The current revision becomes stable; with a post-promotion window it stays guarded. */
  static Transition promote(DecisionContext ctx, String why) {
    Revision current = ctx.status.currentRevision;
    Revision previous = ctx.status.stableRevision;
    Revision stable = copyOf(current);
    stable.promotedAt = ctx.nowMillis();
    stable.controllerRevision = controllerRevisionName(ctx.name(), current.hash);
    ctx.status.stableRevision = stable;
    current.promotedAt = stable.promotedAt;
    current.controllerRevision = stable.controllerRevision;
    ctx.change(new Change.SaveStableRevision(current.hash, stable.controllerRevision));
    ctx.notice(new Notice.PromotionCounted());
    String message = "promoted " + describe(current) + " to stable " + why;
    ctx.history(HistoryEntry.Type.Promoted, current.hash, message);
    ctx.normal("Promoted", message);
    ctx.notify(NotificationKind.Promoted, message, current, previous, null, null, null);
    return PostPromotionHandler.start(
        ctx, previous, Transition.to(Stage.Stable, "Promoted", message));
  }

  static void scheduleNext(DecisionContext ctx, AnalysisStatus analysis) {
    Instant due = since(ctx).plus(ctx.settings().initialDelay());
    if (analysis.lastMeasuredAt != null) {
      Instant next = analysis.lastMeasuredAt.plus(ctx.settings().interval());
      due = next.isAfter(due) ? next : due;
    }
    if (baselineDue(ctx, analysis)) {
      Instant when = analysis.baselineAttemptedAt == null ? ctx.now : due;
      ctx.measure(
          new MeasurementRequest(
              Purpose.BASELINE,
              analysis.revision,
              when,
              Optional.of(since(ctx).minus(BASELINE_LOOKBACK))));
      return;
    }
    ctx.measure(new MeasurementRequest(Purpose.ANALYSIS, analysis.revision, due, Optional.empty()));
  }

  /**
   * The baseline is queried once at the deploy; when a guard with maxIncrease still lacks it
   * (Prometheus did not answer), it is queried again before each later measurement, since
   * Prometheus keeps the past and may answer now.
   */
  private static boolean baselineDue(DecisionContext ctx, AnalysisStatus analysis) {
    if (analysis.baselineAttemptedAt == null) {
      return true;
    }
    boolean missing =
        ctx.spec.guards.stream()
            .anyMatch(
                spec -> {
                  GuardStatus guard = GuardRound.find(analysis, spec.name);
                  return spec.maxIncrease != null && guard != null && guard.baseline == null;
                });
    return missing
        && analysis.lastMeasuredAt != null
        && analysis.lastMeasuredAt.isAfter(analysis.baselineAttemptedAt);
  }

  private static Instant since(DecisionContext ctx) {
    return ctx.status.currentRevision.since;
  }

  /**
   * When the whole rollout began: the deploy, or with a canary the resume after its last step. The
   * progress deadline and the bake time count from then.
   */
  private static Instant fullRolloutAt(DecisionContext ctx) {
    Instant resumed = ctx.status.analysis == null ? null : ctx.status.analysis.fullRolloutAt;
    return resumed != null ? resumed : since(ctx);
  }
}
