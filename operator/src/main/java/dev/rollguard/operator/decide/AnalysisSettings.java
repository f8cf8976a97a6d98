package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.AnalysisSpec;
import dev.rollguard.operator.api.AnalysisSpec.InconclusivePolicy;
import dev.rollguard.operator.api.Durations;
import dev.rollguard.operator.api.RolloutSpec;
import java.time.Duration;

/** A Rollout's analysis timing and limits, parsed, with the documented defaults. */
public record AnalysisSettings(
    Duration initialDelay,
    Duration interval,
    Duration bakeTime,
    int failureLimit,
    int inconclusiveLimit,
    InconclusivePolicy onInconclusive,
    Duration progressDeadline,
    Duration postPromotionWindow) {

  public static AnalysisSettings of(RolloutSpec spec) {
    AnalysisSpec analysis = spec.analysis != null ? spec.analysis : new AnalysisSpec();
    AnalysisSpec defaults = new AnalysisSpec();
    return new AnalysisSettings(
        duration(analysis.initialDelay, defaults.initialDelay),
        duration(analysis.interval, defaults.interval),
        duration(analysis.bakeTime, defaults.bakeTime),
        analysis.failureLimit != null ? analysis.failureLimit : defaults.failureLimit,
        analysis.inconclusiveLimit != null
            ? analysis.inconclusiveLimit
            : defaults.inconclusiveLimit,
        analysis.onInconclusive != null ? analysis.onInconclusive : defaults.onInconclusive,
        duration(analysis.progressDeadline, defaults.progressDeadline),
        analysis.postPromotionWindow == null
            ? Duration.ZERO
            : Durations.parse(analysis.postPromotionWindow));
  }

  private static Duration duration(String value, String fallback) {
    return Durations.parse(value != null ? value : fallback);
  }
}
