package dev.rollguard.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.LastDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one line of {@code kubectl rollguard get} says about a Rollout. {@code get} reads it from
 * the table the API server prints for {@code kubectl get rollouts -o wide} (the CRD's printer
 * columns), so neither kubectl nor the plugin parses whole Rollouts: at 100 Rollouts that is about
 * half of the time {@code get} takes. A watch reads it from the Rollouts it receives.
 */
record RolloutLine(
    String namespace,
    String name,
    String phase,
    String step,
    String current,
    String stable,
    String decision,
    String decisionAge,
    String decisionAt,
    String age) {

  static final List<String> HEADER =
      List.of("NAME", "PHASE", "STEP", "CURRENT", "STABLE", "LAST DECISION", "AGE");

  static List<String> header(boolean withNamespace) {
    return withNamespace ? prepend("NAMESPACE", HEADER) : HEADER;
  }

  /** From a server-printed table: its cells by column name ("" where the server said none). */
  static RolloutLine fromTable(java.util.Map<String, String> cells) {
    return new RolloutLine(
        cells.getOrDefault("NAMESPACE", ""),
        cells.getOrDefault("NAME", ""),
        cells.getOrDefault("PHASE", ""),
        cells.getOrDefault("STEP", ""),
        cells.getOrDefault("CURRENT", ""),
        cells.getOrDefault("STABLE", ""),
        cells.getOrDefault("DECISION", ""),
        cells.getOrDefault("DECIDED", ""),
        "",
        cells.getOrDefault("AGE", ""));
  }

  /** From a Rollout as JSON, with ages as kubectl prints them. */
  static RolloutLine fromJson(JsonNode rollout, Instant now) {
    JsonNode status = rollout.path("status");
    JsonNode decision = status.path("lastDecision");
    String decisionAt = decision.path("at").asText("");
    return new RolloutLine(
        rollout.path("metadata").path("namespace").asText(""),
        rollout.path("metadata").path("name").asText(""),
        status.path("phase").asText(""),
        status.path("canary").path("step").asText(""),
        status.path("currentRevision").path("images").path(0).asText(""),
        status.path("stableRevision").path("images").path(0).asText(""),
        decision.path("type").asText(""),
        decisionAt.isEmpty() ? "" : Ages.since(instant(decisionAt), now),
        decisionAt,
        Ages.since(instant(rollout.path("metadata").path("creationTimestamp").asText("")), now));
  }

  List<String> row(boolean withNamespace) {
    List<String> row =
        List.of(
            name,
            phase.isEmpty() ? "<none>" : phase,
            dash(step),
            dash(current),
            dash(stable),
            decision.isEmpty() ? "-" : decision + " " + decisionAge + " ago",
            age);
    return withNamespace ? prepend(namespace, row) : row;
  }

  /** What the line says, apart from ages: when it changes, a watch prints the line again. */
  String identity() {
    return String.join("|", phase, step, current, stable, decision, decisionAt);
  }

  String key() {
    return namespace + "/" + name;
  }

  /** Whether a history entry's type is one the LAST DECISION column shows. */
  static boolean isDecision(String type) {
    try {
      return LastDecision.isDecision(HistoryEntry.Type.valueOf(type));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Instant instant(String text) {
    try {
      return text == null || text.isEmpty() ? null : Instant.parse(text);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String dash(String text) {
    return text.isEmpty() ? "-" : text;
  }

  private static List<String> prepend(String first, List<String> rest) {
    List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return List.copyOf(all);
  }
}
