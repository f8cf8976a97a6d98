package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class HistoryEntry {
  public Instant at;
  public Type type;
  public String revision;
  public String message;

  public HistoryEntry() {}

  public HistoryEntry(Instant at, Type type, String revision, String message) {
    this.at = at;
    this.type = type;
    this.revision = revision;
    this.message = message;
  }

  public enum Type {
    Adopted,
    Deployed,
    CanaryStep,
    Breached,
    Inconclusive,
    RollbackDecided,
    RolledBack,
    Recovered,
    NotRecovered,
    Promoted,
    Held,
    Retried
  }
}
