package dev.rollguard.operator;

import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.testing.Platform;
import dev.rollguard.testing.PrometheusQuery;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** What a user does and sees, for the scenario tests: kubectl apply, status, events, metrics. */
final class ScenarioSupport {

  static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final Platform platform;
  final String namespace;

  ScenarioSupport(Platform platform, String namespace) {
    this.platform = platform;
    this.namespace = namespace;
  }

  static OperatorOptions options(Platform platform, String... namespaces) {
    return OperatorOptions.parse(
        "--kubeconfig",
        platform.kubeconfig().toString(),
        "--prometheus-url",
        platform.prometheusUrl().toString(),
        "--namespaces",
        String.join(",", namespaces),
        "--metrics-port",
        "0",
        "--health-port",
        "0");
  }

  void createNamespace() {
    platform.kubectl("create", "namespace", namespace).orThrow();
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

  /** A Rollout guarding Deployment web with fast test timings and the given guards and extras. */
  void guard(String guardsYaml, String extraSpec) {
    platform
        .kubectlWithInput(
            """
        apiVersion: rollguard.dev/v1alpha1
        kind: Rollout
        metadata: {name: web, namespace: %s}
        spec:
          workloadRef: {kind: Deployment, name: web}
          analysis: {initialDelay: 2s, interval: 2s, bakeTime: 12s, failureLimit: 2, progressDeadline: 60s}
          guards:
        %s
        %s
        """
                .formatted(namespace, guardsYaml.indent(2), extraSpec.indent(2)),
            "apply",
            "-f",
            "-")
        .orThrow();
  }

  Rollout rollout() {
    return platform.client().resources(Rollout.class).inNamespace(namespace).withName("web").get();
  }

  RolloutStatus status() {
    Rollout rollout = rollout();
    return rollout == null || rollout.getStatus() == null
        ? new RolloutStatus()
        : rollout.getStatus();
  }

  Optional<Condition> condition(String type) {
    return status().conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Waits for the phase; on timeout the failure shows the whole status, as kubectl would. */
  void awaitPhase(Phase phase) {
    try {
      await().atMost(TIMEOUT).until(() -> status().phase == phase);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "Rollout "
              + namespace
              + "/web did not reach phase "
              + phase
              + "; status:\n"
              + io.fabric8.kubernetes.client.utils.Serialization.asYaml(status()),
          e);
    }
  }

  Deployment deployment() {
    return platform.client().apps().deployments().inNamespace(namespace).withName("web").get();
  }

  String image() {
    return deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  /** Waits until every replica of the Deployment runs {@code image} and is available. */
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

  List<Event> events(String kind) {
    return platform.client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(
            e ->
                kind.equals(e.getInvolvedObject().getKind())
                    && "web".equals(e.getInvolvedObject().getName()))
        .toList();
  }

  List<String> eventReasons(String kind) {
    return events(kind).stream().map(Event::getReason).toList();
  }

  /** Waits until Prometheus itself returns {@code value} for the query (a scrape happened). */
  void awaitPrometheus(String query, double value) {
    await()
        .atMost(TIMEOUT)
        .until(
            () -> PrometheusQuery.instant(platform.prometheusUrl(), query),
            v -> v.isPresent() && v.getAsDouble() == value);
  }

  void awaitPrometheusAtLeast(String query, double value) {
    await()
        .atMost(TIMEOUT)
        .until(
            () -> PrometheusQuery.instant(platform.prometheusUrl(), query),
            v -> v.isPresent() && v.getAsDouble() >= value);
  }

  /** A sample of the operator's own /metrics, e.g. {@code rollguard_rollbacks_total{...}}. */
  static OptionalDouble operatorMetric(int port, String name, String labelFragment) {
    try {
      String body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      return body.lines()
          .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
          .filter(l -> l.contains(labelFragment))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .findFirst();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
