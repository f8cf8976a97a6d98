package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;

/** Where the canary of the current revision stands. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CanaryStatus {

  @JsonPropertyDescription("Hash of the revision this canary is for.")
  public String revision;

  @JsonPropertyDescription("The current step, 1-based.")
  public Integer index;

  @JsonPropertyDescription("The current step and the number of steps, e.g. 1/2.")
  public String step;

  @JsonPropertyDescription(
      "Progressing: the rollout runs towards the step's share. Paused: the Deployment is paused"
          + " at the step and the new pods are analysed.")
  public State state;

  @JsonPropertyDescription("When the current state began.")
  public Instant since;

  @JsonPropertyDescription("Pods the step asks for.")
  public Integer targetPods;

  @JsonPropertyDescription("Pods of the new revision when the step paused.")
  public Integer pods;

  @JsonPropertyDescription("The Deployment's desired replicas.")
  public Integer replicas;

  @JsonPropertyDescription(
      "The Deployment's generation once paused at this step: a higher one that is not paused was"
          + " resumed by someone else.")
  public Long generation;

  public enum State {
    Progressing,
    Paused
  }
}
