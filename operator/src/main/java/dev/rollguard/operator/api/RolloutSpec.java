package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutSpec {

  @Required
  @JsonPropertyDescription(
      "The Deployment to guard, in the Rollout's namespace. Rollguard never owns or replaces it.")
  public WorkloadRef workloadRef;

  @JsonPropertyDescription("Where to query metrics. Defaults to the operator's --prometheus-url.")
  public PrometheusSpec prometheus;

  @JsonPropertyDescription("Timing and limits of the analysis that follows every new revision.")
  public AnalysisSpec analysis;

  @Required
  @Size(min = 1, max = 20)
  @ValidationRule(
      value = "self.all(g, self.exists_one(h, h.name == g.name))",
      message = "guard names must be unique")
  @JsonPropertyDescription("Metrics that must stay within bounds after a deploy; at least one.")
  public List<GuardSpec> guards = new ArrayList<>();

  @JsonPropertyDescription(
      "Roll the new revision out in steps, pausing the Deployment at each step while the new pods"
          + " are analysed. Default: no canary, the whole rollout is analysed.")
  public CanarySpec canary;

  @JsonPropertyDescription("What to do when a guard is breached.")
  public RollbackSpec rollback;

  @JsonPropertyDescription(
      "Send this Rollout's rollbacks, holds and other decisions to notification targets the"
          + " platform team defines (Slack, CloudEvents webhooks). Default: only the targets"
          + " defined for all Rollouts.")
  public NotificationsSpec notifications;
}
