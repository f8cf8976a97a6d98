package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;

/**
 * The latest decision in the history (adopted, promoted, rolled back, recovered, held, ...), kept
 * apart so that {@code kubectl get -o wide} and the plugin's table can show it without the history.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LastDecision {

  @JsonPropertyDescription("What was decided, as in the history.")
  public HistoryEntry.Type type;

  @JsonPropertyDescription("When.")
  public Instant at;

  @JsonPropertyDescription("The revision it was about.")
  public String revision;

  public LastDecision() {}

  public LastDecision(HistoryEntry.Type type, Instant at, String revision) {
    this.type = type;
    this.at = at;
    this.revision = revision;
  }

  /** History entries that are decisions, not steps along the way (deploys, measurements). */
  public static boolean isDecision(HistoryEntry.Type type) {
    return switch (type) {
      case Adopted, Promoted, RollbackDecided, RolledBack, Recovered, NotRecovered, Held, Retried ->
          true;
      case Deployed, CanaryStep, Breached, Inconclusive -> false;
    };
  }
}
