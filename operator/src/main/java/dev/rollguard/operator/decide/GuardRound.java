package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.AnalysisStatus;
import dev.rollguard.operator.api.CompareSpec;
import dev.rollguard.operator.api.GuardSpec;
import dev.rollguard.operator.api.GuardStatus;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.decide.guard.CompareBound;
import dev.rollguard.operator.decide.guard.ExhaustionBound;
import dev.rollguard.operator.decide.guard.GuardBounds;
import dev.rollguard.operator.decide.guard.GuardEvaluation;
import dev.rollguard.operator.measure.MeasurementRound;
import dev.rollguard.operator.measure.prometheus.Measurement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/** Applies measurements to the per-guard status: values, verdicts and consecutive counts. */
final class GuardRound {

  private GuardRound() {}

  /** Makes the guard statuses follow the spec's guards (added ones Pending, removed ones gone). */
  static void sync(AnalysisStatus analysis, List<GuardSpec> guards) {
    List<GuardStatus> synced = new ArrayList<>();
    for (GuardSpec spec : guards) {
      GuardStatus existing = find(analysis, spec.name);
      synced.add(existing != null ? existing : pending(spec.name));
    }
    analysis.guards = synced;
  }

  static GuardStatus pending(String name) {
    GuardStatus status = new GuardStatus();
    status.name = name;
    status.verdict = Verdict.Pending;
    return status;
  }

  static GuardStatus find(AnalysisStatus analysis, String name) {
    return analysis.guards.stream().filter(g -> name.equals(g.name)).findFirst().orElse(null);
  }

  /** Records the pre-deploy values of guards that do not have one yet. */
  static void applyBaseline(AnalysisStatus analysis, MeasurementRound round, Instant attemptedAt) {
    analysis.baselineAttemptedAt = attemptedAt;
    for (GuardStatus guard : analysis.guards) {
      Measurement m = round.results().get(guard.name);
      if (m == null || guard.baseline != null) {
        continue;
      }
      if (m instanceof Measurement.Value value) {
        guard.baseline = value.value();
        guard.baselineError = null;
      } else if (m instanceof Measurement.Inconclusive inconclusive) {
        guard.baselineError = inconclusive.reason();
      }
    }
  }

  /** Judges each guard's new value; returns the guards in the order of the spec. */
  static void apply(AnalysisStatus analysis, List<GuardSpec> specs, MeasurementRound round) {
    Map<String, Measurement> results = round.results();
    for (GuardSpec spec : specs) {
      GuardStatus guard = find(analysis, spec.name);
      Measurement m = results.get(spec.name);
      if (guard == null || m == null) {
        continue;
      }
      guard.at = Times.millis(round.at());
      if (m instanceof Measurement.Value value) {
        judge(
            guard,
            spec,
            value.value(),
            round.trends().get(spec.name),
            results.get(CompareSpec.measuredAs(spec.name)));
      } else if (m instanceof Measurement.Inconclusive inconclusive) {
        guard.value = null;
        guard.verdict = Verdict.Inconclusive;
        guard.reason = inconclusive.reason();
        guard.consecutiveInconclusive = count(guard.consecutiveInconclusive) + 1;
      }
    }
    analysis.lastMeasuredAt = Times.millis(round.at());
  }

  private static void judge(
      GuardStatus guard,
      GuardSpec spec,
      double value,
      MeasurementRound.TrendData trend,
      Measurement compared) {
    List<GuardEvaluation> parts = new ArrayList<>();
    boolean hasBounds = spec.max != null || spec.min != null || spec.maxIncrease != null;
    if (hasBounds) {
      OptionalDouble baseline =
          guard.baseline == null ? OptionalDouble.empty() : OptionalDouble.of(guard.baseline);
      parts.add(GuardBounds.of(spec).evaluate(value, baseline));
    }
    GuardEvaluation trendEvaluation = null;
    if (spec.exhaustion != null) {
      trendEvaluation =
          trend == null
              ? new GuardEvaluation(
                  Verdict.Inconclusive, "trend", spec.name + " trend: not measured")
              : ExhaustionBound.of(spec.name, spec.exhaustion)
                  .evaluate(trend.series(), trend.limit(), trend.limitError());
      parts.add(trendEvaluation);
    }
    guard.compared = null;
    if (spec.compare != null) {
      guard.compared = compared instanceof Measurement.Value v ? v.value() : null;
      parts.add(
          CompareBound.of(spec.name, spec.compare)
              .evaluate(
                  value,
                  guard.compared == null
                      ? OptionalDouble.empty()
                      : OptionalDouble.of(guard.compared),
                  compared instanceof Measurement.Inconclusive i
                      ? Optional.of(i.reason())
                      : Optional.empty()));
    }
    GuardEvaluation evaluation = combine(parts, trendEvaluation);
    guard.value = value;
    guard.threshold = evaluation.threshold();
    guard.verdict = evaluation.verdict();
    guard.reason = evaluation.reason().isEmpty() ? null : evaluation.reason();
    switch (evaluation.verdict()) {
      case Breach -> {
        guard.consecutiveBreaches = count(guard.consecutiveBreaches) + 1;
        guard.consecutiveInconclusive = 0;
      }
      case Pass -> {
        guard.consecutiveBreaches = 0;
        guard.consecutiveInconclusive = 0;
      }
      default -> guard.consecutiveInconclusive = count(guard.consecutiveInconclusive) + 1;
    }
  }

  /**
   * Every part must pass: any breaching part breaches; otherwise a part without data makes the
   * whole inconclusive.
   */
  private static GuardEvaluation combine(List<GuardEvaluation> parts, GuardEvaluation trend) {
    String threshold =
        parts.stream()
            .map(GuardEvaluation::threshold)
            .filter(t -> !t.isEmpty())
            .collect(Collectors.joining(", "));
    List<GuardEvaluation> breaches =
        parts.stream().filter(e -> e.verdict() == Verdict.Breach).toList();
    if (!breaches.isEmpty()) {
      return new GuardEvaluation(
          Verdict.Breach,
          threshold,
          breaches.stream().map(GuardEvaluation::reason).collect(Collectors.joining("; ")));
    }
    // A trend without data says the most about why, though it is listed after the bounds.
    if (trend != null && trend.verdict() == Verdict.Inconclusive) {
      return new GuardEvaluation(Verdict.Inconclusive, threshold, trend.reason());
    }
    return parts.stream()
        .filter(e -> e.verdict() == Verdict.Inconclusive)
        .findFirst()
        .map(e -> new GuardEvaluation(Verdict.Inconclusive, threshold, e.reason()))
        .orElse(new GuardEvaluation(Verdict.Pass, threshold, ""));
  }

  private static int count(Integer value) {
    return value == null ? 0 : value;
  }
}
