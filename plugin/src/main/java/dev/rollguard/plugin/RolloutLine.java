package dev.rollguard.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What one line of {@code kubectl rollguard get} says about a Rollout. kubectl extracts the fields
 * with a Go template ({@link #TEMPLATE}), so the plugin reads a few bytes per Rollout instead of
 * parsing its whole JSON: at 100 Rollouts that halves the time {@code get} takes.
 */
record RolloutLine(
    String namespace,
    String name,
    String created,
    String phase,
    String stage,
    String step,
    String current,
    String stable,
    String lastDecision,
    String lastDecisionAt) {

  static final List<String> HEADER =
      List.of("NAME", "PHASE", "STEP", "CURRENT", "STABLE", "LAST DECISION", "AGE");

  /** History entries that are decisions (not measurements along the way). */
  static final Set<String> DECISIONS =
      Set.of(
          "Adopted",
          "Promoted",
          "RollbackDecided",
          "RolledBack",
          "Recovered",
          "NotRecovered",
          "Held",
          "Retried");

  private static final String MISSING = "<no value>";

  /**
   * One tab-separated line per Rollout: namespace, name, creation time, phase, stage, canary step,
   * current images, stable images, then the history as "type at" pairs separated by ';'. Works on a
   * List and on a single object (kubectl get NAME).
   */
  static final String TEMPLATE =
      "{{define \"r\"}}{{.metadata.namespace}}\t{{.metadata.name}}\t{{.metadata.creationTimestamp}}"
          + "\t{{with .status}}{{.phase}}\t{{.stage}}\t{{with .canary}}{{.step}}{{end}}"
          + "\t{{with .currentRevision}}{{range $i, $v := .images}}{{if $i}},{{end}}{{$v}}{{end}}{{end}}"
          + "\t{{with .stableRevision}}{{range $i, $v := .images}}{{if $i}},{{end}}{{$v}}{{end}}{{end}}"
          + "\t{{range .history}}{{.type}} {{.at}};{{end}}{{else}}\t\t\t\t\t{{end}}\n{{end}}"
          + "{{if eq .kind \"List\"}}{{range .items}}{{template \"r\" .}}{{end}}"
          + "{{else}}{{template \"r\" .}}{{end}}";

  static List<RolloutLine> fromTemplateOutput(String output) {
    List<RolloutLine> lines = new ArrayList<>();
    for (String text : output.split("\n")) {
      if (text.isBlank()) {
        continue;
      }
      String[] f = text.split("\t", -1);
      if (f.length < 9) {
        throw new IllegalStateException("kubectl printed an unexpected line: " + text);
      }
      String[] decision = lastDecision(f[8]);
      lines.add(
          new RolloutLine(
              f[0],
              f[1],
              f[2],
              value(f[3]),
              value(f[4]),
              value(f[5]),
              value(f[6]),
              value(f[7]),
              decision[0],
              decision[1]));
    }
    return lines;
  }

  static RolloutLine fromJson(JsonNode rollout) {
    JsonNode status = rollout.path("status");
    StringBuilder history = new StringBuilder();
    for (JsonNode entry : status.path("history")) {
      history.append(entry.path("type").asText()).append(' ').append(entry.path("at").asText());
      history.append(';');
    }
    String[] decision = lastDecision(history.toString());
    return new RolloutLine(
        rollout.path("metadata").path("namespace").asText(""),
        rollout.path("metadata").path("name").asText(""),
        rollout.path("metadata").path("creationTimestamp").asText(""),
        status.path("phase").asText(""),
        status.path("stage").asText(""),
        status.path("canary").path("step").asText(""),
        images(status.path("currentRevision")),
        images(status.path("stableRevision")),
        decision[0],
        decision[1]);
  }

  static String images(JsonNode revision) {
    List<String> images = new ArrayList<>();
    revision.path("images").forEach(image -> images.add(image.asText()));
    return String.join(",", images);
  }

  static List<String> header(boolean withNamespace) {
    return withNamespace ? prepend("NAMESPACE", HEADER) : HEADER;
  }

  List<String> row(Instant now, boolean withNamespace) {
    List<String> row =
        List.of(
            name,
            phase.isEmpty() ? "<none>" : phase,
            // The step is shown while the canary runs; status keeps the last one afterwards.
            stage.equals("Canary") && !step.isEmpty() ? step : "-",
            dash(current),
            dash(stable),
            lastDecision.isEmpty()
                ? "-"
                : lastDecision + " " + Ages.since(instant(lastDecisionAt), now) + " ago",
            Ages.since(instant(created), now));
    return withNamespace ? prepend(namespace, row) : row;
  }

  /** What the line says, apart from ages: when it changes, a watch prints the line again. */
  String identity() {
    return String.join("|", phase, stage, step, current, stable, lastDecision, lastDecisionAt);
  }

  String key() {
    return namespace + "/" + name;
  }

  private static String[] lastDecision(String history) {
    String[] entries = history.split(";");
    for (int i = entries.length - 1; i >= 0; i--) {
      String[] parts = entries[i].split(" ", 2);
      if (parts.length == 2 && DECISIONS.contains(parts[0])) {
        return parts;
      }
    }
    return new String[] {"", ""};
  }

  private static Instant instant(String text) {
    try {
      return text == null || text.isEmpty() ? null : Instant.parse(text);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String value(String field) {
    return field.equals(MISSING) ? "" : field;
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
