package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

public class RollbackSpec {

  @Default("Automatic")
  @JsonPropertyDescription("Automatic: restore the stable revision. DryRun: report what would be done, never touch the workload. Default Automatic.")
  public Mode mode = Mode.Automatic;

  public enum Mode { Automatic, DryRun }
}
