package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * A canary on the Deployment itself: its own rolling update is paused ({@code spec.paused}) when
 * the new revision reaches each step's share of pods, and resumed when the step's analysis passes.
 * Rollguard never creates ReplicaSets and never edits the strategy.
 */
public class CanarySpec {

  @Required
  @Size(min = 1, max = 10)
  @ValidationRule(
      value =
          "self.all(s, s.pause.until != 'firstBatch' || s == self[0])"
              + " && self.map(s, s.pause.until.matches('^[0-9]{1,3}%$')"
              + " ? int(s.pause.until.replace('%', '')) : 0).isSorted()",
      message = "steps must grow: firstBatch only as the first step, then increasing percentages")
  @JsonPropertyDescription(
      "Pauses of the rollout, in order; after the last one the rollout completes and the normal"
          + " bake follows.")
  public List<CanaryStep> steps = new ArrayList<>();

  public static class CanaryStep {
    @Required
    @JsonPropertyDescription("Pause the rollout at a share of pods and analyse the new ones.")
    public Pause pause;
  }

  public static class Pause {

    public static final String FIRST_BATCH = "firstBatch";

    @Required
    @Size(max = 10)
    @ValidationRule(
        value = "self.matches('^(firstBatch|([1-9][0-9]?|100)%)$')",
        message = "must be firstBatch or a percentage of the replicas from 1% to 100%")
    @JsonPropertyDescription(
        "firstBatch: the pods the Deployment's strategy creates first (maxSurge); or \"N%\": at"
            + " least N% of the replicas (rounded up) run the new revision. A step may overshoot"
            + " by one batch, and by more when new pods become available faster than Rollguard"
            + " pauses (about 0.1 to 0.5 s): then set minReadySeconds.")
    public String until;

    @Required
    @Size(max = Durations.MAX_LENGTH)
    @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
    @ValidationRule(value = Durations.RANGE_RULE, message = Durations.RANGE_MESSAGE)
    @ValidationRule(value = Durations.POSITIVE_RULE, message = Durations.POSITIVE_MESSAGE)
    @JsonPropertyDescription(
        "How long the paused step is analysed before the rollout resumes, e.g. 2m.")
    public String analysis;

    public Pause() {}

    public Pause(String until, String analysis) {
      this.until = until;
      this.analysis = analysis;
    }
  }
}
