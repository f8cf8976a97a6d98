package dev.rollguard.operator.reconcile;

import dev.rollguard.operator.api.RolloutStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What to do after one observation: the new status, side effects (carried out before the
 * status is written), the next measurement, and when to look again even if nothing happens.
 */
public record Decision(RolloutStatus status, List<Action> actions, Optional<MeasurementRequest> measurement,
    Optional<Duration> recheckAfter) {}
