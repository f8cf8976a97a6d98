package dev.rollguard.operator.reconcile;

import dev.rollguard.operator.metrics.Measurement;
import java.time.Instant;
import java.util.Map;

/** The results of measuring every guard of a Rollout once, for one purpose and revision. */
public record MeasurementRound(Purpose purpose, String revision, Instant at, Map<String, Measurement> results) {

  public enum Purpose {
    /** The guards' values just before a deploy, for maxIncrease. */
    BASELINE,
    /** A measurement of a new revision under analysis. */
    ANALYSIS,
    /** A measurement of the stable revision after a rollback. */
    RECOVERY
  }
}
