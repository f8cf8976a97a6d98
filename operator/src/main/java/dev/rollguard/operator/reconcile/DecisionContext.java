package dev.rollguard.operator.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollguard.operator.analysis.AnalysisSettings;
import dev.rollguard.operator.api.RollbackSpec;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutSpec;
import dev.rollguard.operator.api.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One decision in the making: the inputs, the status being written, and what to do next. */
final class DecisionContext {

  private static final ObjectMapper JSON = new ObjectMapper();

  final Rollout rollout;
  final RolloutSpec spec;
  final AnalysisSettings settings;
  final Observation observation;
  final Instant now;
  final StatusBook book;
  final RolloutStatus status;
  MeasurementRequest measurement;
  final List<Duration> rechecks = new ArrayList<>();

  DecisionContext(Observation observation, Instant now) {
    this.observation = observation;
    this.rollout = observation.rollout();
    this.spec = rollout.getSpec();
    this.settings = AnalysisSettings.of(spec);
    this.now = now;
    this.status = copy(rollout.getStatus());
    Long generation = rollout.getMetadata().getGeneration();
    this.book = new StatusBook(status, now, generation == null ? 0 : generation);
    status.observedGeneration = generation;
  }

  boolean dryRun() {
    return spec.rollback != null && spec.rollback.mode == RollbackSpec.Mode.DryRun;
  }

  String mode() {
    return dryRun() ? "DryRun" : "Automatic";
  }

  String name() {
    return rollout.getMetadata().getName();
  }

  String workloadName() {
    return spec.workloadRef.name;
  }

  WorkloadState workload() {
    return observation.workload().orElseThrow();
  }

  /** Look again after {@code delay}, even if no event arrives. */
  void recheckAt(Instant when) {
    Duration delay = Duration.between(now, when);
    rechecks.add(delay.isNegative() ? Duration.ZERO : delay);
  }

  void measure(MeasurementRequest request) {
    this.measurement = request;
  }

  Decision decision() {
    Optional<Duration> recheck = rechecks.stream().min(Duration::compareTo);
    return new Decision(status, List.copyOf(book.actions()), Optional.ofNullable(measurement), recheck);
  }

  private static RolloutStatus copy(RolloutStatus status) {
    if (status == null) {
      return new RolloutStatus();
    }
    RolloutStatus copy = JSON.convertValue(status, RolloutStatus.class);
    if (copy.conditions == null) {
      copy.conditions = new ArrayList<>();
    }
    if (copy.history == null) {
      copy.history = new ArrayList<>();
    }
    if (copy.failedRevisions == null) {
      copy.failedRevisions = new ArrayList<>();
    }
    return copy;
  }
}
