package dev.rollguard.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollguard.operator.api.Durations;
import dev.rollguard.operator.decide.guard.Numbers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code kubectl rollguard status NAME}: one Rollout in full, as a person reads it. */
final class StatusView {

  private final JsonNode rollout;
  private final JsonNode status;
  private final Instant now;
  private final StringBuilder out = new StringBuilder();

  private StatusView(JsonNode rollout, Instant now) {
    this.rollout = rollout;
    this.status = rollout.path("status");
    this.now = now;
  }

  static String render(JsonNode rollout, Health health, Instant now) {
    return new StatusView(rollout, now).render(health);
  }

  private String render(Health health) {
    field("Name", text(rollout.path("metadata").path("name")));
    field("Namespace", text(rollout.path("metadata").path("namespace")));
    field("Deployment", text(rollout.path("spec").path("workloadRef").path("name")));
    String phase = status.path("phase").asText("");
    String stage = status.path("stage").asText("");
    boolean stageSaysMore = !stage.isEmpty() && !stage.equals(phase);
    field("Phase", phase.isEmpty() ? "<none>" : phase + (stageSaysMore ? " (" + stage + ")" : ""));
    field("Message", status.path("message").asText(""));
    field("Verdict", verdict(health, phase));
    revisions();
    canary();
    guards();
    conditions();
    lastIncident();
    return out.toString();
  }

  /** The verdict, with its reason when the phase alone does not give it. */
  private static String verdict(Health health, String phase) {
    String verdict = health.word() + " (exit " + health.exitCode() + ")";
    return phase.isEmpty() || !health.summary().startsWith(phase + ":")
        ? verdict + ": " + health.summary()
        : verdict;
  }

  private void revisions() {
    List<List<String>> rows = new ArrayList<>();
    revision(rows, "current", status.path("currentRevision"), "deployed", "since");
    revision(rows, "stable", status.path("stableRevision"), "promoted", "promotedAt");
    String held = status.path("heldRevision").asText("");
    if (!held.isEmpty()) {
      rows.add(
          List.of(
              "held",
              held,
              images(failedRevision(held)),
              "Deployment paused until a new revision or a retry"));
    }
    for (JsonNode failed : status.path("failedRevisions")) {
      rows.add(
          List.of(
              "failed",
              text(failed.path("hash")),
              images(failed),
              "failed " + ago(failed.path("failedAt")) + describe(failed)));
    }
    section("Revisions", List.of("ROLE", "REVISION", "IMAGES", "WHEN"), rows);
  }

  private void revision(
      List<List<String>> rows, String role, JsonNode revision, String verb, String timeField) {
    if (revision.isMissingNode() || revision.isNull()) {
      return;
    }
    JsonNode at = revision.path(timeField);
    rows.add(
        List.of(
            role,
            text(revision.path("hash")),
            images(revision),
            at.isMissingNode() ? "" : verb + " " + ago(at)));
  }

  private void canary() {
    JsonNode canary = status.path("canary");
    String step = canary.path("step").asText("");
    if (step.isEmpty() || !status.path("stage").asText("").equals("Canary")) {
      return;
    }
    StringBuilder text = new StringBuilder("step ").append(step);
    text.append(", ").append(canary.path("state").asText("-").toLowerCase());
    if (canary.has("since")) {
      text.append(" for ").append(words(canary.path("since")));
    }
    if (canary.has("pods") && canary.has("replicas")) {
      text.append(", ")
          .append(canary.path("pods").asInt())
          .append(" of ")
          .append(canary.path("replicas").asInt())
          .append(" pods on the new revision");
    }
    if (canary.has("targetPods")) {
      text.append(" (step's share: ").append(canary.path("targetPods").asInt()).append(')');
    }
    out.append('\n');
    field("Canary", text.toString());
  }

  private void guards() {
    JsonNode analysis = status.path("analysis");
    if (analysis.path("guards").isEmpty()) {
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode guard : analysis.path("guards")) {
      rows.add(
          List.of(
              text(guard.path("name")),
              number(guard.path("value")),
              guard.has("baseline")
                  ? number(guard.path("baseline"))
                  : text(guard.path("baselineError")),
              text(guard.path("threshold")),
              text(guard.path("verdict")),
              String.valueOf(guard.path("consecutiveBreaches").asInt(0)),
              text(guard.path("reason"))));
    }
    String kind = analysis.path("kind").asText("analysis").toLowerCase();
    String title =
        "Guards ("
            + kind
            + " of "
            + text(analysis.path("revision"))
            + (analysis.has("startedAt") ? ", started " + ago(analysis.path("startedAt")) : "")
            + (analysis.has("lastMeasuredAt")
                ? ", last measured " + ago(analysis.path("lastMeasuredAt"))
                : ", not measured yet")
            + ")";
    section(
        title,
        List.of("GUARD", "VALUE", "BASELINE", "BOUNDS", "VERDICT", "BREACHES", "REASON"),
        rows);
  }

  private void conditions() {
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode condition : status.path("conditions")) {
      JsonNode since = condition.path("lastTransitionTime");
      rows.add(
          List.of(
              text(condition.path("type")),
              text(condition.path("status")),
              text(condition.path("reason")),
              since.isMissingNode() ? "-" : Ages.since(Instant.parse(since.asText()), now),
              text(condition.path("message"))));
    }
    section("Conditions", List.of("TYPE", "STATUS", "REASON", "SINCE", "MESSAGE"), rows);
  }

  /** The last rollback (or failed recovery), and the hold that followed it, if any. */
  private void lastIncident() {
    JsonNode incident = null;
    JsonNode held = null;
    for (JsonNode entry : status.path("history")) {
      String type = entry.path("type").asText();
      if (type.equals("RolledBack") || type.equals("NotRecovered")) {
        incident = entry;
        held = null;
      } else if (type.equals("Held")) {
        held = entry;
      }
    }
    out.append('\n');
    if (incident == null && held == null) {
      field("Last incident", "none recorded");
      return;
    }
    if (incident != null) {
      field("Last incident", entry(incident));
    }
    if (held != null) {
      field(incident == null ? "Last incident" : "", entry(held));
    }
    field(
        "",
        "the whole record: kubectl rollguard report "
            + text(rollout.path("metadata").path("name"))
            + " -n "
            + text(rollout.path("metadata").path("namespace")));
  }

  private String entry(JsonNode entry) {
    String revision = entry.path("revision").asText("");
    return entry.path("type").asText()
        + " "
        + ago(entry.path("at"))
        + (revision.isEmpty() ? "" : " (revision " + revision + ")")
        + ": "
        + entry.path("message").asText("");
  }

  private JsonNode failedRevision(String hash) {
    for (JsonNode failed : status.path("failedRevisions")) {
      if (hash.equals(failed.path("hash").asText())) {
        return failed;
      }
    }
    return rollout.path("-none-");
  }

  private void section(String title, List<String> header, List<List<String>> rows) {
    if (rows.isEmpty()) {
      return;
    }
    out.append('\n').append(title).append(":\n");
    for (String line : Table.render(header, rows).split("\n")) {
      out.append("  ").append(line).append('\n');
    }
  }

  private void field(String name, String value) {
    if (value == null || value.isEmpty()) {
      return;
    }
    out.append(String.format("%-16s%s%n", name.isEmpty() ? "" : name + ":", value));
  }

  private String ago(JsonNode at) {
    return at.isMissingNode() || at.isNull() ? "-" : words(at) + " ago";
  }

  /** The time since {@code at} in the operator's duration style, to the second. */
  private String words(JsonNode at) {
    Duration elapsed = Duration.between(Instant.parse(at.asText()), now);
    return Durations.words(Duration.ofSeconds(Math.max(0, elapsed.getSeconds())));
  }

  private static String describe(JsonNode failed) {
    if (!failed.has("guard")) {
      return failed.has("reason") ? ": " + failed.path("reason").asText() : "";
    }
    return ": "
        + failed.path("guard").asText()
        + (failed.has("value") ? " = " + number(failed.path("value")) : "")
        + (failed.has("threshold") ? ", bounds " + failed.path("threshold").asText() : "");
  }

  private static String number(JsonNode value) {
    return value.isNumber() ? Numbers.format(value.asDouble()) : "-";
  }

  private static String text(JsonNode node) {
    String text = node.asText("");
    return text.isEmpty() ? "-" : text;
  }

  /** Images of a revision, comma-separated. */
  private static String images(JsonNode revision) {
    List<String> images = new ArrayList<>();
    revision.path("images").forEach(image -> images.add(image.asText()));
    return images.isEmpty() ? "-" : String.join(",", images);
  }
}
