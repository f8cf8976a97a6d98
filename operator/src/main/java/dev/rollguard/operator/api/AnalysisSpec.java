package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Defaults are applied by the API server (CRD defaults) and again here for objects built in code.
 */
public class AnalysisSpec {

  @Default("30s")
  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = Durations.RANGE_RULE, message = Durations.RANGE_MESSAGE)
  @JsonPropertyDescription(
      "Wait after a new revision starts before the first measurement. Default 30s.")
  public String initialDelay = "30s";

  @Default("15s")
  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = Durations.RANGE_RULE, message = Durations.RANGE_MESSAGE)
  @ValidationRule(value = Durations.POSITIVE_RULE, message = Durations.POSITIVE_MESSAGE)
  @JsonPropertyDescription("Time between measurements. Default 15s.")
  public String interval = "15s";

  @Default("10m")
  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = Durations.RANGE_RULE, message = Durations.RANGE_MESSAGE)
  @ValidationRule(value = Durations.POSITIVE_RULE, message = Durations.POSITIVE_MESSAGE)
  @JsonPropertyDescription(
      "Breach-free time after which an available revision is promoted to stable. Default 10m.")
  public String bakeTime = "10m";

  @Default("2")
  @Min(1)
  @JsonPropertyDescription(
      "Consecutive breaching measurements of one guard that trigger a rollback. Default 2.")
  public Integer failureLimit = 2;

  @Default("4")
  @Min(1)
  @JsonPropertyDescription(
      "Consecutive measurements without data after which it is reported (and, with onInconclusive: Rollback, rolled back). Default 4.")
  public Integer inconclusiveLimit = 4;

  @Default("Hold")
  @JsonPropertyDescription(
      "Hold: never roll back on missing data, keep analysing. Rollback: roll back after inconclusiveLimit. Default Hold.")
  public InconclusivePolicy onInconclusive = InconclusivePolicy.Hold;

  @Default("10m")
  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = Durations.RANGE_RULE, message = Durations.RANGE_MESSAGE)
  @ValidationRule(value = Durations.POSITIVE_RULE, message = Durations.POSITIVE_MESSAGE)
  @JsonPropertyDescription("A revision not available by then is rolled back. Default 10m.")
  public String progressDeadline = "10m";

  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = Durations.RANGE_RULE, message = Durations.RANGE_MESSAGE)
  @JsonPropertyDescription(
      "Keep guarding a promoted revision this long; a breach in the window rolls back to the previous stable revision. Default: not guarded after promotion.")
  public String postPromotionWindow;

  public enum InconclusivePolicy {
    Hold,
    Rollback
  }
}
