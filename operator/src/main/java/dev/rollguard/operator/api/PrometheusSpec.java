package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PrometheusSpec {

  @Size(max = 2048)
  @Pattern("^https?://.+")
  @JsonPropertyDescription(
      "Base URL of the Prometheus HTTP API, e.g. http://prometheus.monitoring.svc:9090.")
  public String address;

  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = Durations.RANGE_RULE, message = Durations.RANGE_MESSAGE)
  @ValidationRule(value = Durations.POSITIVE_RULE, message = Durations.POSITIVE_MESSAGE)
  @JsonPropertyDescription("Time limit of one query, e.g. 5s. Default 5s.")
  public String timeout;

  @JsonPropertyDescription(
      "A Secret key in the Rollout's namespace holding a bearer token for Prometheus.")
  public SecretKeyRef bearerTokenSecretRef;
}
