package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * Written only by the operator. Every decision Rollguard takes is derived from, and recorded in,
 * this.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutStatus {

  public Long observedGeneration;

  @JsonPropertyDescription(
      "Pending | Analysing | Healthy | RollingBack | RolledBack | Holding | Error")
  public Phase phase;

  @JsonPropertyDescription(
      "The decision core's stage: Adopting | Analysing | RollingBack | VerifyingRecovery | RolledBack | NotRecovered | Canary | GuardingAfterPromotion | Stable | Holding | Conflict | WorkloadMissing | InvalidSpec")
  public Stage stage;

  @JsonPropertyDescription("The last decision, in one line.")
  public String message;

  @JsonPropertyDescription("The revision the Deployment runs now.")
  public Revision currentRevision;

  @JsonPropertyDescription("The last revision that proved stable; rollbacks restore it.")
  public Revision stableRevision;

  @JsonPropertyDescription(
      "The stable revision before the last promotion, kept while the post-promotion window runs.")
  public Revision previousStableRevision;

  @JsonPropertyDescription(
      "Analysis of the current revision, or the recovery check after a rollback.")
  public AnalysisStatus analysis;

  @JsonPropertyDescription("The canary of the current revision, while its steps run.")
  public CanaryStatus canary;

  @JsonPropertyDescription(
      "A rollback that was decided and not yet completed (decided first, then acted on).")
  public PendingRollback pendingRollback;

  @JsonPropertyDescription(
      "A failed revision applied again and held back (the Deployment is paused), if any.")
  public String heldRevision;

  @JsonPropertyDescription("Revisions that breached a guard and were rolled back.")
  public List<FailedRevision> failedRevisions = new ArrayList<>();

  @JsonPropertyDescription("The latest decisions, newest last (bounded).")
  public List<HistoryEntry> history = new ArrayList<>();

  @JsonPropertyDescription("The latest decision of the history: kubectl get -o wide shows it.")
  public LastDecision lastDecision;

  public List<Condition> conditions = new ArrayList<>();

  public enum Phase {
    Pending,
    Analysing,
    Healthy,
    RollingBack,
    RolledBack,
    Holding,
    Error
  }
}
