package dev.rollguard.operator.reconcile;

import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a Rollout status by Kubernetes conventions and collects the events that go with it:
 * conditions keep their lastTransitionTime unless their status flips, history is bounded.
 */
final class StatusBook {

  static final int HISTORY_LIMIT = 30;
  static final int FAILED_REVISIONS_LIMIT = 10;

  static final String READY = "Ready";
  static final String ANALYSING = "Analysing";
  static final String ROLLED_BACK = "RolledBack";
  static final String METRICS_AVAILABLE = "MetricsAvailable";
  static final String WORKLOAD_FOUND = "WorkloadFound";
  static final String RECOVERED = "Recovered";

  private final RolloutStatus status;
  private final Instant now;
  private final long generation;
  private final List<Action> actions = new ArrayList<>();

  StatusBook(RolloutStatus status, Instant now, long generation) {
    this.status = status;
    this.now = now;
    this.generation = generation;
  }

  RolloutStatus status() {
    return status;
  }

  List<Action> actions() {
    return actions;
  }

  String now() {
    return Times.format(now);
  }

  void phase(Phase phase, String message) {
    status.phase = phase;
    status.message = message;
  }

  void condition(String type, String conditionStatus, String reason, String message) {
    Condition existing = find(type);
    String transition = existing != null && conditionStatus.equals(existing.getStatus())
        ? existing.getLastTransitionTime() : now();
    Condition updated = new ConditionBuilder().withType(type).withStatus(conditionStatus).withReason(reason)
        .withMessage(message).withLastTransitionTime(transition).withObservedGeneration(generation).build();
    if (existing != null) {
      status.conditions.set(status.conditions.indexOf(existing), updated);
    } else {
      status.conditions.add(updated);
    }
  }

  Condition find(String type) {
    return status.conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  boolean conditionIs(String type, String conditionStatus, String reason) {
    Condition c = find(type);
    return c != null && conditionStatus.equals(c.getStatus()) && reason.equals(c.getReason());
  }

  void removeCondition(String type) {
    status.conditions.removeIf(c -> type.equals(c.getType()));
  }

  void history(HistoryEntry.Type type, String revision, String message) {
    status.history.add(new HistoryEntry(now(), type, revision, message));
    while (status.history.size() > HISTORY_LIMIT) {
      status.history.remove(0);
    }
  }

  void normal(String reason, String message) {
    actions.add(new Action.Emit(false, reason, message, false));
  }

  void warning(String reason, String message, boolean alsoOnWorkload) {
    actions.add(new Action.Emit(true, reason, message, alsoOnWorkload));
  }

  void act(Action action) {
    actions.add(action);
  }
}
