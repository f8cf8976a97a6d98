package dev.rollguard.operator.measure;

import dev.rollguard.operator.measure.prometheus.Measurement;
import dev.rollguard.operator.measure.prometheus.Series;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The results of measuring every guard of a Rollout once, for one purpose and revision. */
public record MeasurementRound(
    Purpose purpose,
    String revision,
    Instant at,
    Map<String, Measurement> results,
    Map<String, TrendData> trends) {

  public MeasurementRound(
      Purpose purpose, String revision, Instant at, Map<String, Measurement> results) {
    this(purpose, revision, at, results, Map.of());
  }

  /** A trend guard's series over its window, and its limit (or why the limit is unknown). */
  public record TrendData(Series series, Optional<Double> limit, Optional<String> limitError) {}

  public enum Purpose {
    /** The guards' values just before a deploy, for maxIncrease. */
    BASELINE,
    /** A measurement of a new revision under analysis. */
    ANALYSIS,
    /** A measurement of the stable revision after a rollback. */
    RECOVERY
  }
}
