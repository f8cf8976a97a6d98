package dev.rollguard.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Whether a Rollout's Deployment can be trusted right now, as {@code status} reports it and exits:
 * healthy (0), not healthy (1) or undecided (3). Healthy needs the operator's word on the current
 * spec, and, when the Deployment could be read, on the revision the Deployment now runs: right
 * after {@code kubectl apply} the status still speaks of the previous revision.
 */
record Health(int exitCode, String summary) {

  static Health of(JsonNode rollout, Optional<String> deploymentRevision) {
    JsonNode status = rollout.path("status");
    String phase = status.path("phase").asText("");
    String message = status.path("message").asText("");
    if (phase.isEmpty()) {
      return undecided("the operator has not reported on this Rollout yet");
    }
    long generation = rollout.path("metadata").path("generation").asLong(0);
    if (status.path("observedGeneration").asLong(-1) < generation) {
      return undecided(
          "the operator has not reported on generation " + generation + " of the spec yet");
    }
    return switch (phase) {
      case "Healthy" -> healthyUnlessNewer(status, message, deploymentRevision);
      case "RolledBack", "Holding", "Error" ->
          new Health(ExitCodes.NOT_HEALTHY, phase + ": " + message);
      default -> undecided(phase + ": " + message);
    };
  }

  private static Health healthyUnlessNewer(
      JsonNode status, String message, Optional<String> deployed) {
    String current = status.path("currentRevision").path("hash").asText("");
    if (deployed.isPresent() && !current.isEmpty() && !deployed.get().equals(current)) {
      return undecided(
          "the Deployment runs revision "
              + deployed.get()
              + ", which the operator has not reported on yet (status speaks of "
              + current
              + ")");
    }
    return new Health(ExitCodes.OK, "Healthy: " + message);
  }

  boolean decided() {
    return exitCode != ExitCodes.UNDECIDED;
  }

  String word() {
    return switch (exitCode) {
      case ExitCodes.OK -> "healthy";
      case ExitCodes.NOT_HEALTHY -> "not healthy";
      default -> "undecided";
    };
  }

  private static Health undecided(String why) {
    return new Health(ExitCodes.UNDECIDED, why);
  }
}
