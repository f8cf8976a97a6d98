package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.AnalysisSpec;
import dev.rollguard.operator.api.GuardSpec;
import dev.rollguard.operator.api.RollbackSpec;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutSpec;
import dev.rollguard.operator.api.WorkloadRef;
import dev.rollguard.operator.measure.MeasurementRequest;
import dev.rollguard.operator.measure.MeasurementRound;
import dev.rollguard.operator.measure.MeasurementRound.Purpose;
import dev.rollguard.operator.measure.prometheus.Measurement;
import dev.rollguard.testing.MovableClock;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A Rollout, a clock that tests move, and one decision step at a time, as the reconciler would. */
class DeciderFixture {

  static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
  static final WorkloadState STABLE =
      new WorkloadState("aaaaaaaaaa", List.of("shop/web:1"), true, "3/3 available");
  static final WorkloadState NEXT =
      new WorkloadState("bbbbbbbbbb", List.of("shop/web:2"), true, "3/3 available");

  final MovableClock clock = new MovableClock(START);
  final RolloutDecider decider = new RolloutDecider(clock);
  final Rollout rollout = new Rollout();
  Requests requests = Requests.NONE;
  Optional<String> guardedBy = Optional.empty();
  Decision last;
  final List<Object> allActions = new ArrayList<>();

  DeciderFixture() {
    rollout.setMetadata(
        new ObjectMetaBuilder().withName("web").withNamespace("shop").withGeneration(3L).build());
    RolloutSpec spec = new RolloutSpec();
    spec.workloadRef = new WorkloadRef("Deployment", "web");
    spec.analysis = new AnalysisSpec();
    spec.analysis.initialDelay = "30s";
    spec.analysis.interval = "15s";
    spec.analysis.bakeTime = "5m";
    spec.analysis.failureLimit = 2;
    spec.analysis.inconclusiveLimit = 3;
    spec.analysis.progressDeadline = "3m";
    GuardSpec db = new GuardSpec("db", "sum(pg_stat_activity_count)");
    db.max = 150.0;
    db.maxIncrease = "50%";
    spec.guards = new ArrayList<>(List.of(db));
    spec.rollback = new RollbackSpec();
    rollout.setSpec(spec);
  }

  DeciderFixture dryRun() {
    rollout.getSpec().rollback.mode = RollbackSpec.Mode.DryRun;
    return this;
  }

  Decision step(WorkloadState workload, MeasurementRound... rounds) {
    last =
        decider.decide(
            new Observation(
                rollout, Optional.ofNullable(workload), List.of(rounds), requests, guardedBy));
    rollout.setStatus(last.status());
    allActions.addAll(lastActions());
    requests = Requests.NONE;
    return last;
  }

  void advance(Duration duration) {
    clock.advance(duration);
  }

  /** Moves the clock to the decision's requested measurement time. */
  MeasurementRequest advanceToMeasurement() {
    MeasurementRequest request =
        last.measurement().orElseThrow(() -> new AssertionError("no measurement requested"));
    if (request.due().isAfter(clock.instant())) {
      clock.set(request.due());
    }
    return request;
  }

  MeasurementRound values(Purpose purpose, String revision, double value) {
    return round(purpose, revision, new Measurement.Value(clock.instant(), value));
  }

  MeasurementRound round(Purpose purpose, String revision, Measurement measurement) {
    Map<String, Measurement> results = new LinkedHashMap<>();
    results.put("db", measurement);
    return new MeasurementRound(purpose, revision, clock.instant(), results);
  }

  MeasurementRound noData(Purpose purpose, String revision) {
    return round(
        purpose,
        revision,
        new Measurement.Inconclusive(
            clock.instant(),
            Measurement.Cause.UNREACHABLE,
            "Prometheus at http://prom:9090 is unreachable: Connection refused"));
  }

  /** Adopts STABLE, deploys NEXT, and records a baseline of {@code baseline}. */
  void deployWithBaseline(double baseline) {
    step(STABLE);
    advance(Duration.ofMinutes(1));
    step(NEXT);
    step(NEXT, values(Purpose.BASELINE, NEXT.hash(), baseline));
  }

  /** Runs one analysis measurement at its due time. */
  Decision measure(double value) {
    advanceToMeasurement();
    return step(NEXT, values(Purpose.ANALYSIS, NEXT.hash(), value));
  }

  /** The last decision's changes and notices, in that order. */
  List<Object> lastActions() {
    List<Object> all = new ArrayList<>(last.changes());
    all.addAll(last.notices());
    return all;
  }

  <T> List<T> actions(Class<T> type) {
    return lastActions().stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T> List<T> allActions(Class<T> type) {
    return allActions.stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<String> eventReasons() {
    return actions(Notice.Event.class).stream().map(Notice.Event::reason).toList();
  }
}
