package dev.rollguard.operator.decide;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollguard.operator.api.GuardStatus;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.LastDecision;
import dev.rollguard.operator.api.NotificationKind;
import dev.rollguard.operator.api.Revision;
import dev.rollguard.operator.api.RollbackSpec;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutSpec;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.StatusJson;
import dev.rollguard.operator.measure.MeasurementRequest;
import dev.rollguard.operator.measure.MeasurementRound;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One decision in the making: the inputs (observation and clock), the status being written (a
 * copy), and what the handlers asked for: changes, notices, the next measurement, rechecks.
 */
final class DecisionContext {

  static final int HISTORY_LIMIT = 30;
  private static final ObjectMapper JSON = StatusJson.MAPPER;

  final Rollout rollout;
  final RolloutSpec spec;
  final Observation observation;
  final Instant now;
  final RolloutStatus status;
  private AnalysisSettings settings;
  private final List<Change> changes = new ArrayList<>();
  private final List<Notice> notices = new ArrayList<>();
  private final List<Duration> rechecks = new ArrayList<>();
  private MeasurementRequest measurement;
  private RoundOutlook outlook;
  private BreachOutlook breachOutlook;

  /** A measurement round was applied: MetricsAvailable follows the guards' verdicts. */
  boolean measured;

  DecisionContext(Observation observation, Instant now) {
    this.observation = observation;
    this.rollout = observation.rollout();
    this.spec = rollout.getSpec();
    this.now = now;
    this.status = copy(rollout.getStatus());
  }

  /** Parsed timing and limits; only valid once the spec passed {@link SpecValidator}. */
  AnalysisSettings settings() {
    if (settings == null) {
      settings = AnalysisSettings.of(spec);
    }
    return settings;
  }

  long generation() {
    Long generation = rollout.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
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

  /** Now, as status records it: to the millisecond. */
  Instant nowMillis() {
    return Times.millis(now);
  }

  void change(Change change) {
    changes.add(change);
  }

  void normal(String reason, String message) {
    notices.add(new Notice.Event(false, reason, message, false));
  }

  void warning(String reason, String message, boolean alsoOnWorkload) {
    notices.add(new Notice.Event(true, reason, message, alsoOnWorkload));
  }

  void notice(Notice notice) {
    notices.add(notice);
  }

  /**
   * Tells the notification targets about this decision.
   *
   * @param revision the revision it is about (failed, held or promoted)
   * @param stable the stable revision (rolled back to, serving, or the one before a promotion)
   * @param guard the guard that decided it, or null
   */
  void notify(
      NotificationKind kind,
      String message,
      Revision revision,
      Revision stable,
      String guard,
      Double value,
      String threshold) {
    Notification.Breach breach = null;
    if (guard != null) {
      GuardStatus measured =
          status.analysis == null ? null : GuardRound.find(status.analysis, guard);
      breach =
          new Notification.Breach(
              guard, value, threshold, measured == null ? null : measured.baseline);
    }
    notices.add(
        new Notice.Notify(
            new Notification(
                kind,
                rollout.getMetadata().getNamespace(),
                name(),
                workloadName(),
                nowMillis(),
                message,
                mode(),
                breach,
                Notification.RevisionRef.of(revision),
                Notification.RevisionRef.of(stable))));
  }

  void history(HistoryEntry.Type type, String revision, String message) {
    status.history.add(new HistoryEntry(nowMillis(), type, revision, message));
    if (LastDecision.isDecision(type)) {
      status.lastDecision = new LastDecision(type, nowMillis(), revision);
    }
    while (status.history.size() > HISTORY_LIMIT) {
      status.history.remove(0);
    }
  }

  /** Look again at {@code when}, even if no event arrives. */
  void recheckAt(Instant when) {
    Duration delay = Duration.between(now, when);
    rechecks.add(delay.isNegative() ? Duration.ZERO : delay);
  }

  void measure(MeasurementRequest request) {
    this.measurement = request;
    this.outlook = null;
    this.breachOutlook =
        request.purpose() == MeasurementRound.Purpose.ANALYSIS
                && status.analysis != null
                && request.revision().equals(status.analysis.revision)
            ? BreachOutlook.of(spec.guards, status.analysis).orElse(null)
            : null;
  }

  /** Which results of the measurement just asked for would decide nothing. */
  void outlook(Optional<RoundOutlook> outlook) {
    this.outlook = outlook.orElse(null);
  }

  Decision decision() {
    Optional<Duration> recheck = rechecks.stream().min(Duration::compareTo);
    return new Decision(
        status,
        List.copyOf(changes),
        List.copyOf(notices),
        Optional.ofNullable(measurement),
        recheck,
        Optional.ofNullable(outlook),
        Optional.ofNullable(breachOutlook));
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
