package dev.rollguard.operator.api;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;

/**
 * Conditions by Kubernetes conventions: lastTransitionTime changes only when the status flips;
 * observedGeneration says which spec they describe.
 */
public final class Conditions {

  private final RolloutStatus status;
  private final String now;
  private final long generation;

  /**
   * Writes into {@code status}'s conditions at time {@code now}, for spec generation {@code
   * generation}.
   */
  public Conditions(RolloutStatus status, Instant now, long generation) {
    if (status.conditions == null) {
      status.conditions = new ArrayList<>();
    }
    this.status = status;
    this.now = now.truncatedTo(ChronoUnit.MILLIS).toString();
    this.generation = generation;
  }

  public void set(ConditionType type, ConditionStatus value, String reason, String message) {
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

  public void remove(ConditionType type) {
    status.conditions.removeIf(c -> type.name().equals(c.getType()));
  }

  public static Condition find(RolloutStatus status, ConditionType type) {
    return status.conditions == null
        ? null
        : status.conditions.stream()
            .filter(c -> type.name().equals(c.getType()))
            .findFirst()
            .orElse(null);
  }

  public static boolean is(
      RolloutStatus status, ConditionType type, ConditionStatus value, String reason) {
    Condition c = find(status, type);
    return c != null && value.name().equals(c.getStatus()) && reason.equals(c.getReason());
  }
}
