package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A comparison bound: the guard's value (typically over the new revision's pods) against the value
 * of {@code baseline} (typically the same query over the stable revision's pods) measured at the
 * same instant, so that traffic changing during a release does not look like a regression.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.maxIncrease) || has(self.maxRatio)",
    message = "compare needs maxIncrease or maxRatio")
public class CompareSpec {

  @Required
  @Size(min = 1, max = 4096)
  @ValidationRule(value = "self.trim() != ''", message = "baseline must not be blank")
  @ValidationRule(value = QueryVariables.RULE, message = QueryVariables.MESSAGE)
  @JsonPropertyDescription(
      "PromQL for the value to compare with, measured at the same instant, e.g. the guard's query"
          + " over the stable pods (pod_template_hash=\"{{stableRevision}}\").")
  public String baseline;

  @Size(max = 32)
  @Pattern("^([0-9]+(\\.[0-9]+)?%|\\+[0-9]+(\\.[0-9]+)?)$")
  @JsonPropertyDescription(
      "Breach when the value exceeds the baseline's by more than this: \"30%\" or \"+5\".")
  public String maxIncrease;

  @ValidationRule(value = "self > 0.0", message = "maxRatio must be greater than 0")
  @JsonPropertyDescription("Breach when the value is more than this many times the baseline's.")
  public Double maxRatio;

  /** The key under which a guard's compare baseline is measured in the same round as the guard. */
  public static String measuredAs(String guard) {
    return guard + "/compared";
  }
}
