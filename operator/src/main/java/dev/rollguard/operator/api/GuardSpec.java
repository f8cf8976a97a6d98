package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "has(self.max) || has(self.min) || has(self.maxIncrease) || has(self.exhaustion)"
            + " || has(self.compare)",
    message = "a guard needs at least one bound: max, min, maxIncrease, exhaustion or compare")
@ValidationRule(
    value = "!has(self.min) || !has(self.max) || self.min <= self.max",
    message = "min must not be greater than max",
    fieldPath = ".min")
public class GuardSpec {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @Size(max = 63)
  @JsonPropertyDescription(
      "Name of the guard, unique in the Rollout; used in status, events and metrics.")
  public String name;

  @Required
  @Size(min = 1, max = 4096)
  @ValidationRule(value = "self.trim() != ''", message = "query must not be blank")
  @ValidationRule(value = QueryVariables.RULE, message = QueryVariables.MESSAGE)
  @JsonPropertyDescription(
      "PromQL expression returning one number (a scalar or a one-element vector). May use"
          + " {{namespace}}, {{deployment}}, {{rollout}}, {{revision}} and {{stableRevision}}"
          + " (the pod-template-hash of the new and of the stable ReplicaSet).")
  public String query;

  @JsonPropertyDescription("Breach when the value is above this.")
  public Double max;

  @JsonPropertyDescription("Breach when the value is below this.")
  public Double min;

  @Size(max = 32)
  @Pattern("^([0-9]+(\\.[0-9]+)?%|\\+[0-9]+(\\.[0-9]+)?)$")
  @JsonPropertyDescription(
      "Breach when the value exceeds the baseline measured just before the deploy by more than this: \"50%\" (relative) or \"+40\" (absolute).")
  public String maxIncrease;

  @JsonPropertyDescription(
      "Trend bound: breach when the values, fitted over window, are projected to reach the limit within the given time.")
  public ExhaustionSpec exhaustion;

  @JsonPropertyDescription(
      "Comparison bound: the value against another query's value measured at the same instant,"
          + " e.g. the new pods against the stable pods.")
  public CompareSpec compare;

  public GuardSpec() {}

  public GuardSpec(String name, String query) {
    this.name = name;
    this.query = query;
  }
}
