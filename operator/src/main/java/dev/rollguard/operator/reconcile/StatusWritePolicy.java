package dev.rollguard.operator.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollguard.operator.api.ConditionType;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.StatusJson;
import dev.rollguard.operator.decide.Decision;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether a decided status must be written now. A passing measurement round that changes nothing
 * but the guards' latest values and times (every guard passed before and passes again, no counter,
 * verdict, stage, condition or history moved) is written at most once per {@code refresh}: during a
 * deploy wave those writes were most of the operator's API requests. Everything else is written at
 * once, as before: breaches, verdict changes, baselines, decisions, transitions.
 *
 * <p>Why this keeps every guarantee: a round that is not written stays in the Rollout's measurement
 * inbox (it is acknowledged only by a write), so the next reconcile, which starts from the stored
 * status, applies it again and reaches the same state. A passing round after a passing round
 * changes no counter, so applying only the latest of several such rounds gives the same status as
 * applying all of them. A restart loses at most the values of rounds not written; the next round is
 * then due at once, measured again. The live values are always in the operator's metrics.
 */
final class StatusWritePolicy {

  private static final ObjectMapper JSON = StatusJson.MAPPER;

  /** Fields of a passing guard that each passing round refreshes. */
  private static final String[] ROUTINE_GUARD_FIELDS = {
    "value", "compared", "at", "reason", "threshold"
  };

  private final Duration refresh;

  /**
   * @param refresh the longest a passing round's values wait for a write; zero writes every round
   */
  StatusWritePolicy(Duration refresh) {
    this.refresh = refresh;
  }

  /** What to do with the decided status. */
  enum Write {
    /** Nothing changed: no write, the rounds it saw are recorded already. */
    UNCHANGED,
    /** Only routine values of passing rounds changed, and recently written: wait. */
    DEFERRED,
    /** Write now. */
    NOW
  }

  Write decide(RolloutStatus stored, Decision decision) {
    if (stored == null) {
      return Write.NOW;
    }
    JsonNode before = JSON.valueToTree(stored);
    JsonNode after = JSON.valueToTree(decision.status());
    if (before.equals(after)) {
      return Write.UNCHANGED;
    }
    if (refresh.isZero() || !decision.changes().isEmpty() || !decision.notices().isEmpty()) {
      return Write.NOW;
    }
    Instant writtenAt = stored.analysis == null ? null : stored.analysis.lastMeasuredAt;
    Instant measuredAt =
        decision.status().analysis == null ? null : decision.status().analysis.lastMeasuredAt;
    if (writtenAt == null
        || measuredAt == null
        || Duration.between(writtenAt, measuredAt).compareTo(refresh) >= 0) {
      return Write.NOW;
    }
    return withoutRoutine(before, after).equals(withoutRoutine(after, before))
        ? Write.DEFERRED
        : Write.NOW;
  }

  /**
   * {@code status} without what a passing round refreshes; {@code other} is the status it is
   * compared with, since a field is routine only when the guard passes in both.
   */
  private static JsonNode withoutRoutine(JsonNode status, JsonNode other) {
    ObjectNode copy = status.deepCopy();
    JsonNode analysis = copy.path("analysis");
    if (analysis instanceof ObjectNode node) {
      node.remove("lastMeasuredAt");
      JsonNode guards = node.path("guards");
      JsonNode otherGuards = other.path("analysis").path("guards");
      for (int i = 0; i < guards.size(); i++) {
        JsonNode guard = guards.get(i);
        JsonNode counterpart = otherGuards.path(i);
        if (passes(guard)
            && passes(counterpart)
            && guard.path("name").equals(counterpart.path("name"))
            && guard instanceof ObjectNode guardNode) {
          guardNode.remove(java.util.List.of(ROUTINE_GUARD_FIELDS));
        }
      }
    }
    // "every guard was measured at <time>": the time is the round's.
    for (JsonNode condition : copy.path("conditions")) {
      if (ConditionType.MetricsAvailable.name().equals(condition.path("type").asText())
          && "Measured".equals(condition.path("reason").asText())
          && condition instanceof ObjectNode conditionNode) {
        conditionNode.remove("message");
      }
    }
    return copy;
  }

  private static boolean passes(JsonNode guard) {
    return "Pass".equals(guard.path("verdict").asText());
  }
}
