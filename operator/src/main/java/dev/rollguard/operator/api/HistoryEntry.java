package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class HistoryEntry {
  public String at;
  public Type type;
  public String revision;
  public String message;

  public HistoryEntry() {}

  public HistoryEntry(String at, Type type, String revision, String message) {
    this.at = at;
    this.type = type;
    this.revision = revision;
    this.message = message;
  }

  public enum Type {
    Adopted,
    Deployed,
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
