package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A trend guard: fit the guard's values over {@code window} and breach when the trend reaches the
 * limit within {@code within} — before the pool or the database runs out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.limit) != has(self.limitQuery)",
    message = "exhaustion needs exactly one of limit or limitQuery")
public class ExhaustionSpec {

  @JsonPropertyDescription("The value that must not be reached, e.g. the pool size.")
  public Double limit;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("PromQL returning the limit, e.g. max(pg_settings_max_connections).")
  public String limitQuery;

  @Required
  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = Durations.RANGE_RULE, message = Durations.RANGE_MESSAGE)
  @ValidationRule(value = Durations.POSITIVE_RULE, message = Durations.POSITIVE_MESSAGE)
  @JsonPropertyDescription("Breach when the trend reaches the limit within this time, e.g. 30m.")
  public String within;

  @Default("5m")
  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = Durations.RANGE_RULE, message = Durations.RANGE_MESSAGE)
  @ValidationRule(value = Durations.POSITIVE_RULE, message = Durations.POSITIVE_MESSAGE)
  @JsonPropertyDescription("How far back the trend is fitted. Default 5m.")
  public String window = "5m";
}
