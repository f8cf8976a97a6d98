package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(
    value = "self.apiVersion == 'apps/v1' && self.kind == 'Deployment'",
    message = "workloadRef must be an apps/v1 Deployment",
    fieldPath = ".kind")
public class WorkloadRef {

  @Default("apps/v1")
  @Size(max = 64)
  @JsonPropertyDescription("API version of the workload: apps/v1.")
  public String apiVersion = "apps/v1";

  @Required
  @Size(max = 64)
  @JsonPropertyDescription("Kind of the workload: Deployment.")
  public String kind;

  @Required
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the Deployment in the Rollout's namespace.")
  public String name;

  public WorkloadRef() {}

  public WorkloadRef(String kind, String name) {
    this.kind = kind;
    this.name = name;
  }
}
