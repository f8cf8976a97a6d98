package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

public class RollbackSpec {

  @Default("Automatic")
  @JsonPropertyDescription(
      "Automatic: restore the stable revision. DryRun: report what would be done, never touch the workload. Default Automatic.")
  public Mode mode = Mode.Automatic;

  @Default("true")
  @JsonPropertyDescription(
      "After a rollback, a failed pod template that is applied again (a GitOps re-sync, a stale kubectl apply) never rolls out: the Deployment is paused, the stable pods keep serving, the Rollout reports Holding until a new revision arrives or the retry annotation is set. Default true.")
  public Boolean holdFailedRevisions = true;

  public enum Mode {
    Automatic,
    DryRun
  }
}
