package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

public class SecretKeyRef {

  @Required
  @JsonPropertyDescription("Name of the Secret, in the Rollout's namespace.")
  public String name;

  @Required
  @JsonPropertyDescription("Key within the Secret.")
  public String key;
}
