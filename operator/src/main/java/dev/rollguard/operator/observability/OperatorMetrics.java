package dev.rollguard.operator.observability;

import dev.rollguard.operator.api.RollbackSpec;
import dev.rollguard.operator.api.RolloutStatus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.StatefulMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The operator's own metrics: what it decided (rollbacks, promotions, phases), what it saw (guard
 * values) and how it performs (query and reconcile latency).
 *
 * <p>Every per-Rollout series carries {@code namespace} and {@code rollout} as its first two
 * labels, so {@link #forget} can drop them all when a Rollout is deleted.
 */
public final class OperatorMetrics {

  // Deploy -> rollback decision: a fast breach is caught in seconds, a slow one near the end of
  // a 30-minute analysis window.
  private static final double[] DETECTION_BUCKETS = {
    5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 450, 600, 900, 1200, 1800
  };
  // Prometheus queries and reconciles: milliseconds normally, up to the client timeouts.
  private static final double[] LATENCY_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  // Tick lag: a millisecond or two when keeping up; seconds when the scheduler falls behind.
  private static final double[] DELAY_BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  private final Counter rollbacks;
  private final Counter promotions;
  private final Gauge guardValues;
  private final Histogram detection;
  private final Histogram queryDuration;
  private final Gauge phases;
  private final Counter reconciles;
  private final Histogram reconcileDuration;
  private final Histogram measurementDelay;
  private final Histogram reconcileSteps;
  private final Counter kubernetesRequests;
  private final Counter notifications;
  private final List<StatefulMetric<?, ?>> perRollout;

  public OperatorMetrics(PrometheusRegistry registry) {
    rollbacks =
        Counter.builder()
            .name("rollguard_rollbacks_total")
            .withoutExemplars()
            .help("Rollbacks decided after a guard breach (mode DryRun: reported, not performed).")
            .labelNames("namespace", "rollout", "guard", "mode")
            .register(registry);
    promotions =
        Counter.builder()
            .name("rollguard_promotions_total")
            .withoutExemplars()
            .help("Revisions that passed analysis and became the stable revision.")
            .labelNames("namespace", "rollout")
            .register(registry);
    guardValues =
        Gauge.builder()
            .name("rollguard_guard_value")
            .withoutExemplars()
            .help("Last value measured for a guard.")
            .labelNames("namespace", "rollout", "guard")
            .register(registry);
    detection =
        seconds(
                "rollguard_detection_seconds",
                "Time from a deploy to the rollback decision.",
                DETECTION_BUCKETS)
            .register(registry);
    queryDuration =
        seconds(
                "rollguard_query_duration_seconds",
                "Duration of Prometheus guard queries.",
                LATENCY_BUCKETS)
            .labelNames("outcome")
            .register(registry);
    phases =
        Gauge.builder()
            .name("rollguard_rollout_phase")
            .withoutExemplars()
            .help("1 for the Rollout's current phase, 0 for the others.")
            .labelNames("namespace", "rollout", "phase")
            .register(registry);
    reconciles =
        Counter.builder()
            .name("rollguard_reconcile_total")
            .withoutExemplars()
            .help("Reconciliations of Rollouts, by outcome (success or error).")
            .labelNames("outcome")
            .register(registry);
    reconcileDuration =
        seconds(
                "rollguard_reconcile_duration_seconds",
                "Duration of Rollout reconciliations.",
                LATENCY_BUCKETS)
            .register(registry);
    measurementDelay =
        seconds(
                "rollguard_measurement_delay_seconds",
                "How late measurement rounds start after their due time (tick lag).",
                DELAY_BUCKETS)
            .register(registry);
    reconcileSteps =
        seconds(
                "rollguard_reconcile_step_seconds",
                "Where a reconcile's time goes, by step: queued_breaching (a finished measurement"
                    + " round in which a guard breaches waiting for its reconcile to start), queued"
                    + " (the same for a round that may decide something else), queued_quiet (the"
                    + " same for a round in which every guard passed again), changes (the"
                    + " Deployment changes a decision makes, e.g. a rollback's restore),"
                    + " status_write (the Rollout status update).",
                DELAY_BUCKETS)
            .labelNames("step")
            .register(registry);
    kubernetesRequests =
        Counter.builder()
            .name("rollguard_kubernetes_requests_total")
            .withoutExemplars()
            .help(
                "Requests sent to the Kubernetes API server, by verb (watch counts each watch opened).")
            .labelNames("verb")
            .register(registry);
    notifications =
        Counter.builder()
            .name("rollguard_notifications_total")
            .withoutExemplars()
            .help(
                "Notifications to webhook targets, by target and outcome: sent, retried (an"
                    + " attempt failed and is retried), failed (given up), dropped (queue full).")
            .labelNames("target", "outcome")
            .register(registry);
    perRollout = List.of(rollbacks, promotions, guardValues, phases);
  }

  // Classic buckets only: native histograms cost memory per series and the text format that
  // most scrapers use cannot carry them anyway. No exemplars anywhere: there are no traces to
  // link to, and per-Rollout series would each carry an exemplar sampler (tens of thousands at
  // scale).
  private static Histogram.Builder seconds(String name, String help, double[] buckets) {
    return Histogram.builder()
        .name(name)
        .withoutExemplars()
        .help(help)
        .unit(Unit.SECONDS)
        .classicOnly()
        .classicUpperBounds(buckets);
  }

  /** Registers the standard JVM metrics (memory, GC, threads, ...); called once by main. */
  public static void registerJvmMetrics(PrometheusRegistry registry) {
    JvmMetrics.builder().register(registry);
  }

  /**
   * A guard breach led to a rollback decision.
   *
   * @param detection time from the deploy to the decision; null when the deploy time is unknown
   */
  public void rollbackPerformed(
      String namespace, String rollout, String guard, RollbackSpec.Mode mode, Duration detection) {
    rollbacks.labelValues(label(namespace), label(rollout), label(guard), mode.name()).inc();
    if (detection != null) {
      this.detection.observe(seconds(detection));
    }
  }

  /** A revision passed analysis and became stable. */
  public void promoted(String namespace, String rollout) {
    promotions.labelValues(label(namespace), label(rollout)).inc();
  }

  /**
   * The latest measured value of a guard; NaN (no value) removes the series rather than export it.
   */
  public void guardValue(String namespace, String rollout, String guard, double value) {
    if (Double.isNaN(value)) {
      guardValues.remove(label(namespace), label(rollout), label(guard));
    } else {
      guardValues.labelValues(label(namespace), label(rollout), label(guard)).set(value);
    }
  }

  /** The Rollout's current phase: 1 for it, 0 for every other; null removes the phase series. */
  public void phase(String namespace, String rollout, RolloutStatus.Phase phase) {
    for (RolloutStatus.Phase each : RolloutStatus.Phase.values()) {
      if (phase == null) {
        phases.remove(label(namespace), label(rollout), each.name());
      } else {
        phases
            .labelValues(label(namespace), label(rollout), each.name())
            .set(each == phase ? 1 : 0);
      }
    }
  }

  /**
   * A Prometheus query finished.
   *
   * @param outcome a small fixed set, e.g. success, error, timeout, empty (it becomes a label)
   */
  public void queryCompleted(Duration duration, String outcome) {
    queryDuration.labelValues(label(outcome)).observe(seconds(duration));
  }

  /** A reconciliation finished. */
  public void reconciled(Duration duration, boolean success) {
    reconciles.labelValues(success ? "success" : "error").inc();
    reconcileDuration.observe(seconds(duration));
  }

  /**
   * One step of a reconcile took {@code duration}: queued_breaching, queued, queued_quiet, changes,
   * status_write.
   */
  public void reconcileStep(String step, Duration duration) {
    reconcileSteps.labelValues(step).observe(duration.toNanos() / 1e9);
  }

  /** A measurement round started this long after its due time. */
  public void measurementStarted(Duration lateness) {
    measurementDelay.observe(seconds(lateness));
  }

  /** A request to the Kubernetes API server is about to be sent. */
  public void kubernetesRequest(String verb) {
    kubernetesRequests.labelValues(label(verb)).inc();
  }

  /** A notification to {@code target} ended an attempt with {@code outcome}. */
  public void notification(String target, String outcome) {
    notifications.labelValues(label(target), label(outcome)).inc();
  }

  /** Exports zero for each outcome of a target, so that rates and alerts see it from the start. */
  public void notificationTarget(String target, List<String> outcomes) {
    outcomes.forEach(outcome -> notifications.labelValues(label(target), label(outcome)));
  }

  /** Drops every series of a deleted Rollout, so memory stays flat as Rollouts come and go. */
  public void forget(String namespace, String rollout) {
    for (StatefulMetric<?, ?> metric : perRollout) {
      metric.removeIf(values -> values.get(0).equals(namespace) && values.get(1).equals(rollout));
    }
  }

  private static String label(String value) {
    return Objects.requireNonNull(value, "metric label value");
  }

  // Clock skew between the API server and this process can make a duration negative.
  private static double seconds(Duration duration) {
    return Math.max(0, duration.toNanos() / 1e9);
  }
}
