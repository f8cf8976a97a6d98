package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.measure.MeasurementRound;
import java.util.List;
import java.util.Optional;

/**
 * Everything the decider may base a decision on, gathered by the reconciler.
 *
 * @param workload the guarded Deployment, empty when it does not exist
 * @param rounds measurement rounds completed since they were last recorded
 * @param guardedBy another Rollout that already guards the same Deployment, if any
 */
public record Observation(
    Rollout rollout,
    Optional<WorkloadState> workload,
    List<MeasurementRound> rounds,
    Requests requests,
    Optional<String> guardedBy) {}
