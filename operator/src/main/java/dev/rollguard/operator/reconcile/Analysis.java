package dev.rollguard.operator.reconcile;

import static dev.rollguard.operator.reconcile.RolloutDecider.controllerRevisionName;
import static dev.rollguard.operator.reconcile.RolloutDecider.copyOf;
import static dev.rollguard.operator.reconcile.RolloutDecider.describe;
import static dev.rollguard.operator.reconcile.StatusBook.ANALYSING;
import static dev.rollguard.operator.reconcile.StatusBook.METRICS_AVAILABLE;
import static dev.rollguard.operator.reconcile.StatusBook.RECOVERED;
import static dev.rollguard.operator.reconcile.StatusBook.ROLLED_BACK;

import dev.rollguard.operator.api.AnalysisSpec.InconclusivePolicy;
import dev.rollguard.operator.api.AnalysisStatus;
import dev.rollguard.operator.api.GuardStatus;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.Revision;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.operator.reconcile.MeasurementRound.Purpose;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Analysis of a new revision: baseline, measurements, breaches, deadline and promotion. */
final class Analysis {

  /** The baseline is evaluated this long before the deploy was seen. */
  static final Duration BASELINE_LOOKBACK = Duration.ofSeconds(1);

  private final DecisionContext ctx;
  private final Rollbacks rollbacks;

  Analysis(DecisionContext ctx, Rollbacks rollbacks) {
    this.ctx = ctx;
    this.rollbacks = rollbacks;
  }

  /** A new revision is running: record the deploy and start judging it. */
  void begin() {
    WorkloadState workload = ctx.workload();
    Revision revision = new Revision(workload.hash(), workload.images());
    revision.since = ctx.book.now();
    ctx.status.currentRevision = revision;
    ctx.status.previousStableRevision = null;
    AnalysisStatus analysis = new AnalysisStatus();
    analysis.kind = AnalysisStatus.Kind.Analysis;
    analysis.revision = revision.hash;
    analysis.startedAt = revision.since;
    GuardRound.sync(analysis, ctx.spec.guards);
    ctx.status.analysis = analysis;
    String message = "analysing " + describe(revision) + ": first measurement after "
        + Times.words(ctx.settings.initialDelay()) + ", then every " + Times.words(ctx.settings.interval())
        + "; promoted after " + Times.words(ctx.settings.bakeTime()) + " without breach";
    ctx.book.phase(Phase.Analysing, message);
    ctx.book.history(HistoryEntry.Type.Deployed, revision.hash, "new revision " + describe(revision));
    ctx.book.normal("Deployed", "new revision " + describe(revision) + " of Deployment " + ctx.workloadName()
        + "; " + message);
    ctx.book.condition(ANALYSING, "True", "NewRevision", message);
    ctx.book.condition(METRICS_AVAILABLE, "Unknown", "NotMeasuredYet", "no measurement of " + revision.hash + " yet");
    ctx.book.removeCondition(ROLLED_BACK);
    ctx.book.removeCondition(RECOVERED);
    RolloutDecider.ready(ctx, "False", "Analysing", message);
    ctx.measure(new MeasurementRequest(Purpose.BASELINE, revision.hash, ctx.now,
        Optional.of(ctx.now.minus(BASELINE_LOOKBACK))));
  }

  void step() {
    AnalysisStatus analysis = ctx.status.analysis;
    if (analysis == null || analysis.kind != AnalysisStatus.Kind.Analysis
        || !analysis.revision.equals(ctx.status.currentRevision.hash)) {
      begin();
      return;
    }
    GuardRound.sync(analysis, ctx.spec.guards);
    if (consumeRounds(analysis) || deadlinePassed()) {
      return;
    }
    if (bakedAndClean(analysis)) {
      promote("after " + Times.words(ctx.settings.bakeTime()) + " without breach");
      return;
    }
    scheduleNext(analysis);
  }

  /** Applies new measurement rounds; returns true when one of them decided a rollback. */
  boolean consumeRounds(AnalysisStatus analysis) {
    List<MeasurementRound> rounds = ctx.observation.rounds().stream()
        .filter(r -> r.revision().equals(analysis.revision))
        .sorted(Comparator.comparing(MeasurementRound::at))
        .toList();
    for (MeasurementRound round : rounds) {
      if (round.purpose() == Purpose.BASELINE) {
        GuardRound.applyBaseline(analysis, round, ctx.book.now());
      } else if (round.purpose() == Purpose.ANALYSIS && isNew(analysis, round)) {
        GuardRound.apply(analysis, ctx.spec.guards, round);
        reportRound(analysis);
        if (breachLimitReached(analysis) || inconclusiveLimitReached(analysis)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isNew(AnalysisStatus analysis, MeasurementRound round) {
    return analysis.lastMeasuredAt == null || round.at().isAfter(Times.parse(analysis.lastMeasuredAt));
  }

  private void reportRound(AnalysisStatus analysis) {
    String revision = analysis.revision;
    for (GuardStatus guard : analysis.guards) {
      if (guard.verdict == Verdict.Breach && guard.at.equals(analysis.lastMeasuredAt)) {
        String message = guard.reason + " (breach " + guard.consecutiveBreaches + " of "
            + ctx.settings.failureLimit() + ")";
        ctx.book.history(HistoryEntry.Type.Breached, revision, message);
        ctx.book.warning("GuardBreached", message, false);
      }
      if (guard.verdict == Verdict.Inconclusive && guard.consecutiveInconclusive == ctx.settings.inconclusiveLimit()) {
        String message = "no usable data for guard " + guard.name + " in " + guard.consecutiveInconclusive
            + " consecutive measurements: " + guard.reason + (ctx.settings.onInconclusive() == InconclusivePolicy.Hold
                ? "; holding the revision in analysis (onInconclusive: Hold), nothing is rolled back" : "");
        ctx.book.history(HistoryEntry.Type.Inconclusive, revision, message);
        ctx.book.warning("MetricsUnavailable", message, false);
      }
    }
    metricsCondition(ctx, analysis);
  }

  static void metricsCondition(DecisionContext ctx, AnalysisStatus analysis) {
    String missing = analysis.guards.stream().filter(g -> g.verdict == Verdict.Inconclusive)
        .map(g -> g.name + ": " + g.reason).collect(Collectors.joining("; "));
    if (missing.isEmpty()) {
      ctx.book.condition(METRICS_AVAILABLE, "True", "Measured", "every guard was measured at " + analysis.lastMeasuredAt);
    } else {
      ctx.book.condition(METRICS_AVAILABLE, "False", "Inconclusive", missing);
    }
  }

  private boolean breachLimitReached(AnalysisStatus analysis) {
    for (GuardStatus guard : analysis.guards) {
      if (guard.verdict == Verdict.Breach && guard.consecutiveBreaches >= ctx.settings.failureLimit()) {
        rollbacks.decide("GuardBreached", guard.name, guard.value, guard.threshold,
            guard.reason + " in " + guard.consecutiveBreaches + " consecutive measurements");
        return true;
      }
    }
    return false;
  }

  private boolean inconclusiveLimitReached(AnalysisStatus analysis) {
    if (ctx.settings.onInconclusive() != InconclusivePolicy.Rollback) {
      return false;
    }
    for (GuardStatus guard : analysis.guards) {
      if (guard.verdict == Verdict.Inconclusive && guard.consecutiveInconclusive >= ctx.settings.inconclusiveLimit()) {
        rollbacks.decide("MetricsUnavailable", guard.name, null, guard.threshold,
            "no usable data for " + guard.name + " in " + guard.consecutiveInconclusive
                + " consecutive measurements (onInconclusive: Rollback): " + guard.reason);
        return true;
      }
    }
    return false;
  }

  private boolean deadlinePassed() {
    WorkloadState workload = ctx.workload();
    Instant deadline = since().plus(ctx.settings.progressDeadline());
    if (workload.available()) {
      return false;
    }
    if (ctx.now.isBefore(deadline)) {
      ctx.recheckAt(deadline);
      return false;
    }
    rollbacks.decide("ProgressDeadlineExceeded", null, null, null, "not available "
        + Times.words(ctx.settings.progressDeadline()) + " after the deploy (" + workload.availability() + ")");
    return true;
  }

  private boolean bakedAndClean(AnalysisStatus analysis) {
    Instant bakeEnd = since().plus(ctx.settings.bakeTime());
    if (ctx.now.isBefore(bakeEnd)) {
      ctx.recheckAt(bakeEnd);
      return false;
    }
    return ctx.workload().available() && !analysis.guards.isEmpty()
        && analysis.guards.stream().allMatch(g -> g.verdict == Verdict.Pass);
  }

  void promote(String why) {
    Revision current = ctx.status.currentRevision;
    Revision previous = ctx.status.stableRevision;
    Revision stable = copyOf(current);
    stable.promotedAt = ctx.book.now();
    stable.controllerRevision = controllerRevisionName(ctx, current.hash);
    ctx.status.stableRevision = stable;
    ctx.status.currentRevision.promotedAt = stable.promotedAt;
    ctx.status.currentRevision.controllerRevision = stable.controllerRevision;
    ctx.book.act(new Action.SaveStableRevision(current.hash, stable.controllerRevision));
    ctx.book.act(new Action.CountPromotion());
    String message = "promoted " + describe(current) + " to stable " + why;
    ctx.book.phase(Phase.Healthy, message);
    ctx.book.history(HistoryEntry.Type.Promoted, current.hash, message);
    ctx.book.normal("Promoted", message);
    ctx.book.condition(ANALYSING, "False", "Promoted", message);
    RolloutDecider.ready(ctx, "True", "Stable", "running the stable revision " + current.hash);
    new PostPromotion(ctx, rollbacks).start(previous);
  }

  private void scheduleNext(AnalysisStatus analysis) {
    Instant due = since().plus(ctx.settings.initialDelay());
    if (analysis.lastMeasuredAt != null) {
      Instant next = Times.parse(analysis.lastMeasuredAt).plus(ctx.settings.interval());
      due = next.isAfter(due) ? next : due;
    }
    if (baselineDue(analysis)) {
      Instant when = analysis.baselineAttemptedAt == null ? ctx.now : due;
      ctx.measure(new MeasurementRequest(Purpose.BASELINE, analysis.revision, when,
          Optional.of(since().minus(BASELINE_LOOKBACK))));
      return;
    }
    ctx.measure(new MeasurementRequest(Purpose.ANALYSIS, analysis.revision, due, Optional.empty()));
  }

  /**
   * The baseline is queried once at the deploy; when a guard with maxIncrease still lacks it
   * (Prometheus did not answer), it is queried again before each later measurement, since
   * Prometheus keeps the past and may answer now.
   */
  private boolean baselineDue(AnalysisStatus analysis) {
    if (analysis.baselineAttemptedAt == null) {
      return true;
    }
    boolean missing = ctx.spec.guards.stream().anyMatch(spec -> spec.maxIncrease != null
        && GuardRound.find(analysis, spec.name) != null && GuardRound.find(analysis, spec.name).baseline == null);
    return missing && analysis.lastMeasuredAt != null
        && Times.parse(analysis.lastMeasuredAt).isAfter(Times.parse(analysis.baselineAttemptedAt));
  }

  private Instant since() {
    return Times.parse(ctx.status.currentRevision.since);
  }
}
