package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class GuardStatus {

  public String name;

  @JsonPropertyDescription("The latest measured value.")
  public Double value;

  @JsonPropertyDescription("The value just before the deploy, for maxIncrease.")
  public Double baseline;

  @JsonPropertyDescription("Why the baseline could not be measured, if it could not.")
  public String baselineError;

  @JsonPropertyDescription(
      "The compare baseline query's value measured at the same instant (compare guards).")
  public Double compared;

  @JsonPropertyDescription("The bounds in force, e.g. \"<= 150, <= baseline+50% (120)\".")
  public String threshold;

  public Verdict verdict;

  public Integer consecutiveBreaches = 0;

  public Integer consecutiveInconclusive = 0;

  @JsonPropertyDescription("Why the latest measurement was inconclusive or breached.")
  public String reason;

  @JsonPropertyDescription("Evaluation time of the latest measurement.")
  public Instant at;

  public enum Verdict {
    Pending,
    Pass,
    Breach,
    Inconclusive
  }
}
