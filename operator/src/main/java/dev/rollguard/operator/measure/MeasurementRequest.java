package dev.rollguard.operator.measure;

import dev.rollguard.operator.measure.MeasurementRound.Purpose;
import java.time.Instant;
import java.util.Optional;

/**
 * A measurement round the decider wants: run at {@code due}, evaluating the queries at {@code
 * evaluateAt} when given (the baseline looks into the past), else at the time it runs.
 */
public record MeasurementRequest(
    Purpose purpose, String revision, Instant due, Optional<Instant> evaluateAt) {}
