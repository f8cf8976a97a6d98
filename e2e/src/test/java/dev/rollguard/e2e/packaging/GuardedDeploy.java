package dev.rollguard.e2e.packaging;

import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.testing.Platform;
import dev.rollguard.testing.PrometheusQuery;
import dev.rollguard.testing.TestExporter;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A guarded deploy as a user drives it (kubectl apply of a Deployment and its Rollout, then a new
 * image) and sees it (the Rollout status, events, the Deployment), all through the admin
 * credentials: the operator under test acts with its own.
 */
final class GuardedDeploy {

  static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final Platform platform;
  private final TestExporter exporter;
  final String namespace;

  GuardedDeploy(Platform platform, TestExporter exporter, String namespace) {
    this.platform = platform;
    this.exporter = exporter;
    this.namespace = namespace;
  }

  private String series() {
    return "db_connections{scenario=\"" + namespace + "\"}";
  }

  /** The service reports this many database connections (Prometheus scrapes it within a second). */
  void connections(double value) {
    exporter.set(series(), value);
  }

  /** A few seconds of history, so that the baseline "just before the deploy" has data. */
  void awaitHistory() {
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                PrometheusQuery.instant(
                    platform.prometheusUrl(), "count_over_time(" + series() + "[1m])"),
            v -> v.isPresent() && v.getAsDouble() >= 3);
  }

  void deploy(String image) {
    platform
        .kubectlWithInput(
            """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: %s}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: "%s"}]
        """
                .formatted(namespace, image),
            "apply",
            "-f",
            "-")
        .orThrow();
  }

  /**
   * A Rollout guarding web: at most 150 connections, fast test timings, a bake time long enough
   * that nothing is promoted while a test looks; {@code prometheus} is its spec.prometheus (null:
   * none, the operator's default Prometheus).
   */
  void guard(String prometheus) {
    guard(prometheus, null);
  }

  /** The same Rollout, with {@code notifications} as its spec.notifications (null: none). */
  void guard(String prometheus, String notifications) {
    platform
        .kubectlWithInput(
            """
        apiVersion: rollguard.dev/v1alpha1
        kind: Rollout
        metadata: {name: web, namespace: %s}
        spec:
          workloadRef: {kind: Deployment, name: web}
          %s
          %s
          analysis: {initialDelay: 2s, interval: 2s, bakeTime: 10m, failureLimit: 2, progressDeadline: 90s}
          guards:
          - {name: db-connections, query: 'sum(%s)', max: 150}
        """
                .formatted(
                    namespace,
                    prometheus == null ? "" : "prometheus: " + prometheus,
                    notifications == null ? "" : "notifications: " + notifications,
                    series()),
            "apply",
            "-f",
            "-")
        .orThrow();
  }

  RolloutStatus status() {
    Rollout rollout =
        platform.client().resources(Rollout.class).inNamespace(namespace).withName("web").get();
    return rollout == null || rollout.getStatus() == null
        ? new RolloutStatus()
        : rollout.getStatus();
  }

  /** Waits for the phase; on timeout the failure shows the whole status. */
  void awaitPhase(Phase phase) {
    awaitPhase(phase, TIMEOUT);
  }

  /** Waits until the new revision is under analysis and has been measured at least once. */
  void awaitMeasured() {
    awaitPhase(Phase.Analysing);
    await().atMost(TIMEOUT).until(() -> status().analysis.lastMeasuredAt != null);
  }

  void awaitPhase(Phase phase, Duration timeout) {
    try {
      await().atMost(timeout).until(() -> status().phase == phase);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "Rollout "
              + namespace
              + "/web did not reach phase "
              + phase
              + " within "
              + timeout
              + "; status:\n"
              + Serialization.asYaml(status()),
          e);
    }
  }

  Deployment deployment() {
    return platform.client().apps().deployments().inNamespace(namespace).withName("web").get();
  }

  String image() {
    return deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  /** Waits until all three replicas run {@code image} and are available. */
  void awaitRunning(String image) {
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              Deployment d = deployment();
              return image.equals(image())
                  && d.getStatus() != null
                  && d.getStatus().getObservedGeneration() >= d.getMetadata().getGeneration()
                  && Integer.valueOf(3).equals(d.getStatus().getUpdatedReplicas())
                  && Integer.valueOf(3).equals(d.getStatus().getAvailableReplicas())
                  && Integer.valueOf(3).equals(d.getStatus().getReplicas());
            });
  }

  /** Events about web of the given kind (Rollout or Deployment) that Rollguard reported. */
  List<Event> events(String kind) {
    return platform.client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(
            e ->
                kind.equals(e.getInvolvedObject().getKind())
                    && "web".equals(e.getInvolvedObject().getName()))
        .filter(e -> "rollguard.dev/operator".equals(e.getReportingComponent()))
        .toList();
  }

  List<String> eventReasons(String kind) {
    return events(kind).stream().map(Event::getReason).toList();
  }

  /** Rollguard holds the Deployment: paused, with its held-revision annotation. */
  boolean held() {
    Deployment d = deployment();
    var annotations = d.getMetadata().getAnnotations();
    return Boolean.TRUE.equals(d.getSpec().getPaused())
        && annotations != null
        && annotations.containsKey("rollguard.dev/held-revision");
  }

  /** The ControllerRevisions Rollguard saved for the Rollout web (owned by it). */
  List<String> savedRevisions() {
    return platform
        .client()
        .apps()
        .controllerRevisions()
        .inNamespace(namespace)
        .list()
        .getItems()
        .stream()
        .filter(
            r ->
                r.getMetadata().getOwnerReferences().stream()
                    .anyMatch(o -> "Rollout".equals(o.getKind())))
        .map(r -> r.getMetadata().getName())
        .toList();
  }

  /** deployment.kubernetes.io/revision of each ReplicaSet of web, sorted. */
  List<String> replicaSetRevisions() {
    return platform.client().apps().replicaSets().inNamespace(namespace).list().getItems().stream()
        .map(rs -> rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"))
        .sorted()
        .toList();
  }
}
