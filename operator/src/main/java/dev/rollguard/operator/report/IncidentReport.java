package dev.rollguard.operator.report;

import dev.rollguard.operator.api.Durations;
import dev.rollguard.operator.api.FailedRevision;
import dev.rollguard.operator.api.GuardStatus;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.Revision;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.decide.guard.Numbers;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The record of a rollback as a postmortem timeline, in Markdown: what was deployed, when it first
 * breached, each breaching measurement, the rollback and the recovery, with values and thresholds.
 * Built from the Rollout's status history and its events; a pure function.
 */
public final class IncidentReport {

  private IncidentReport() {}

  public static String render(Rollout rollout, List<Event> events) {
    RolloutStatus status = rollout.getStatus() == null ? new RolloutStatus() : rollout.getStatus();
    String name = rollout.getMetadata().getNamespace() + "/" + rollout.getMetadata().getName();
    StringBuilder md = new StringBuilder();
    Optional<FailedRevision> failed =
        status.failedRevisions.isEmpty()
            ? Optional.empty()
            : Optional.of(status.failedRevisions.get(status.failedRevisions.size() - 1));
    md.append("# ")
        .append(failed.isPresent() ? "Incident: " : "Rollout ")
        .append(name)
        .append(failed.map(f -> " rolled back " + f.hash).orElse(" (no rollback recorded)"))
        .append("\n\n");
    summary(md, rollout, status, failed);
    timeline(md, status, events);
    guards(md, status);
    return md.toString();
  }

  private static void summary(
      StringBuilder md, Rollout rollout, RolloutStatus status, Optional<FailedRevision> failed) {
    md.append("| | |\n|---|---|\n");
    row(md, "Deployment", rollout.getSpec().workloadRef.name);
    row(
        md,
        "Phase",
        String.valueOf(status.phase) + (status.message != null ? ": " + status.message : ""));
    if (failed.isPresent()) {
      FailedRevision f = failed.get();
      row(md, "Failed revision", f.hash + " (" + String.join(", ", f.images) + ")");
      row(md, "Failed at", String.valueOf(f.failedAt));
      row(
          md,
          "Why",
          f.reason
              + (f.guard != null ? ": guard " + f.guard : "")
              + (f.value != null ? " = " + Numbers.format(f.value) : "")
              + (f.threshold != null ? ", bounds " + f.threshold : ""));
      deployTime(status, f.hash)
          .ifPresent(
              deployed ->
                  row(
                      md,
                      "Detected and rolled back",
                      seconds(Duration.between(deployed, f.failedAt)) + " after the deploy"));
    }
    Revision stable = status.stableRevision;
    if (stable != null) {
      row(md, "Stable revision", stable.hash + " (" + String.join(", ", stable.images) + ")");
    }
    md.append('\n');
  }

  private static void timeline(StringBuilder md, RolloutStatus status, List<Event> events) {
    md.append("## Timeline\n\n| time | what | revision | detail |\n|---|---|---|---|\n");
    List<HistoryEntry> history = new ArrayList<>(status.history);
    history.sort(Comparator.comparing(h -> h.at, Comparator.nullsFirst(Comparator.naturalOrder())));
    for (HistoryEntry entry : history) {
      md.append("| ")
          .append(entry.at)
          .append(" | ")
          .append(entry.type)
          .append(" | ")
          .append(entry.revision == null ? "" : entry.revision)
          .append(" | ")
          .append(cell(entry.message))
          .append(" |\n");
    }
    List<Event> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparing(e -> when(e, history)));
    if (!sorted.isEmpty()) {
      md.append("\n## Events\n\n| time | type | reason | message |\n|---|---|---|---|\n");
      for (Event event : sorted) {
        md.append("| ")
            .append(time(event))
            .append(" | ")
            .append(event.getType())
            .append(" | ")
            .append(event.getReason())
            .append(" | ")
            .append(cell(event.getMessage()))
            .append(" |\n");
      }
    }
    md.append('\n');
  }

  /**
   * When an event happened, as precisely as known: its microsecond {@code eventTime}; for an event
   * with only second-resolution timestamps, the millisecond time of the history entry with the same
   * message in that second (so a breach and the rollback of the same second keep their order).
   */
  static Instant when(Event event, List<HistoryEntry> history) {
    if (event.getEventTime() != null && event.getEventTime().getTime() != null) {
      return Instant.parse(event.getEventTime().getTime());
    }
    String coarse =
        event.getLastTimestamp() != null ? event.getLastTimestamp() : event.getFirstTimestamp();
    if (coarse == null) {
      return Instant.EPOCH;
    }
    Instant second = Instant.parse(coarse).truncatedTo(ChronoUnit.SECONDS);
    return history.stream()
        .filter(h -> h.at != null && h.at.truncatedTo(ChronoUnit.SECONDS).equals(second))
        .filter(h -> h.message != null && h.message.equals(event.getMessage()))
        .map(h -> h.at)
        .findFirst()
        .orElse(second);
  }

  private static String time(Event event) {
    if (event.getEventTime() != null && event.getEventTime().getTime() != null) {
      return event.getEventTime().getTime();
    }
    return event.getLastTimestamp() != null ? event.getLastTimestamp() : event.getFirstTimestamp();
  }

  private static void guards(StringBuilder md, RolloutStatus status) {
    if (status.analysis == null || status.analysis.guards.isEmpty()) {
      return;
    }
    md.append("## Guards at the last measurement (")
        .append(status.analysis.kind)
        .append(" of ")
        .append(status.analysis.revision)
        .append(")\n\n| guard | value | baseline | bounds | verdict | at |\n")
        .append("|---|---|---|---|---|---|\n");
    for (GuardStatus g : status.analysis.guards) {
      md.append("| ")
          .append(g.name)
          .append(" | ")
          .append(g.value == null ? "" : Numbers.format(g.value))
          .append(" | ")
          .append(g.baseline == null ? "" : Numbers.format(g.baseline))
          .append(" | ")
          .append(cell(g.threshold))
          .append(" | ")
          .append(g.verdict)
          .append(" | ")
          .append(g.at == null ? "" : g.at)
          .append(" |\n");
    }
  }

  private static Optional<Instant> deployTime(RolloutStatus status, String hash) {
    return status.history.stream()
        .filter(h -> h.type == HistoryEntry.Type.Deployed && hash.equals(h.revision))
        .reduce((first, second) -> second)
        .map(h -> h.at);
  }

  private static void row(StringBuilder md, String key, String value) {
    md.append("| ").append(key).append(" | ").append(cell(value)).append(" |\n");
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
  }

  private static String seconds(Duration duration) {
    return Durations.words(Duration.ofSeconds(Math.max(0, duration.toSeconds())));
  }
}
