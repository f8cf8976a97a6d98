package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.ConditionStatus;
import dev.rollguard.operator.api.ConditionType;
import dev.rollguard.operator.api.RolloutStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;

/**
 * Conditions by Kubernetes conventions: lastTransitionTime changes only when the status flips;
 * observedGeneration says which spec they describe.
 */
final class Conditions {

  private final RolloutStatus status;
  private final String now;
  private final long generation;

  Conditions(RolloutStatus status, Instant now, long generation) {
    this.status = status;
    this.now = Times.format(now);
    this.generation = generation;
  }

  void set(ConditionType type, ConditionStatus value, String reason, String message) {
    Condition existing = find(status, type);
    String transition =
        existing != null && value.name().equals(existing.getStatus())
            ? existing.getLastTransitionTime()
            : now;
    Condition updated =
        new ConditionBuilder()
            .withType(type.name())
            .withStatus(value.name())
            .withReason(reason)
            .withMessage(message)
            .withLastTransitionTime(transition)
            .withObservedGeneration(generation)
            .build();
    if (existing != null) {
      status.conditions.set(status.conditions.indexOf(existing), updated);
    } else {
      status.conditions.add(updated);
    }
  }

  void remove(ConditionType type) {
    status.conditions.removeIf(c -> type.name().equals(c.getType()));
  }

  static Condition find(RolloutStatus status, ConditionType type) {
    return status.conditions == null
        ? null
        : status.conditions.stream()
            .filter(c -> type.name().equals(c.getType()))
            .findFirst()
            .orElse(null);
  }

  static boolean is(
      RolloutStatus status, ConditionType type, ConditionStatus value, String reason) {
    Condition c = find(status, type);
    return c != null && value.name().equals(c.getStatus()) && reason.equals(c.getReason());
  }
}
