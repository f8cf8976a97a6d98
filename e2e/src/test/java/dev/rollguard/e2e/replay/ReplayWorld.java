package dev.rollguard.e2e.replay;

import static org.awaitility.Awaitility.await;

import dev.rollguard.testing.Platform;
import dev.rollguard.testing.PrometheusQuery;
import io.fabric8.kubernetes.api.model.Event;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;

/**
 * One scenario's world: a namespace with the checkout Deployment, its own database (so its
 * connection count is its own), the demo service following the Deployment, and what a user would
 * look at — the Rollout, its events, Prometheus and the operator's metrics.
 */
final class ReplayWorld implements AutoCloseable {

  static final Duration TIMEOUT = Duration.ofSeconds(120);
  static final Path REPO = Path.of(System.getProperty("rollguard.repo.dir", ".."));

  final Platform platform;
  final String namespace;
  final String connections;
  final int replicas;
  private final int requestsPerSecond;
  private final int minReadySeconds;
  private ServiceFollower service;

  ReplayWorld(Platform platform, String namespace) {
    this(platform, namespace, 2, 10, 0);
  }

  /**
   * With {@code replicas} pods, each served {@code requestsPerSecond} requests (the leaking release
   * leaks one connection every second request). {@code minReadySeconds} stands in for a real
   * service's start-up: kwok makes a pod Ready within a tenth of a second, so without it a rolling
   * update of a few pods is over in about a second.
   */
  ReplayWorld(
      Platform platform,
      String namespace,
      int replicas,
      int requestsPerSecond,
      int minReadySeconds) {
    this.platform = platform;
    this.namespace = namespace;
    this.replicas = replicas;
    this.requestsPerSecond = requestsPerSecond;
    this.minReadySeconds = minReadySeconds;
    this.connections = "sum(pg_stat_activity_count{datname=\"" + database() + "\"})";
    platform.kubectl("create", "namespace", namespace).orThrow();
    try (Connection admin = DriverManager.getConnection(platform.jdbcUrl())) {
      admin.createStatement().execute("create database " + database());
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  String database() {
    return namespace.replace('-', '_');
  }

  /** The checkout service runs {@code image}, with its "pods" running as local processes. */
  void start(String image) {
    deploy(image);
    String jdbc = platform.jdbcUrl().replace("/postgres?", "/" + database() + "?");
    service =
        new ServiceFollower(
            platform,
            namespace,
            "checkout",
            REPO.resolve("e2e/demo-service/target/rollguard-demo-service.jar"),
            requestsPerSecond,
            jdbc);
    await()
        .atMost(TIMEOUT)
        .until(() -> service.runningImages().equals(Collections.nCopies(replicas, image)));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                PrometheusQuery.instant(
                            platform.prometheusUrl(),
                            "count_over_time((" + connections + ")[1m:1s])")
                        .orElse(0)
                    >= 3);
  }

  ServiceFollower service() {
    return service;
  }

  void deploy(String image) {
    platform
        .kubectlWithInput(
            """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: checkout, namespace: %s}
        spec:
          replicas: %d
          minReadySeconds: %d
          strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
          selector: {matchLabels: {app: checkout}}
          template:
            metadata: {labels: {app: checkout}}
            spec:
              containers: [{name: checkout, image: "%s"}]
        """
                .formatted(namespace, replicas, minReadySeconds, image),
            "apply",
            "-f",
            "-")
        .orThrow();
  }

  /** The Rollout with the guards of the incident: connections, the pool leak, the error rate. */
  void guard() {
    rollout("", "");
  }

  /**
   * The Rollout with the guards of the incident, plus {@code moreGuards} (YAML list items) and
   * {@code more} (YAML at the level of {@code spec}, e.g. a canary); waits until it is Healthy.
   */
  void rollout(String more, String moreGuards) {
    platform
        .kubectlWithInput(
            """
        apiVersion: rollguard.dev/v1alpha1
        kind: Rollout
        metadata: {name: checkout, namespace: %s}
        spec:
          workloadRef: {kind: Deployment, name: checkout}
          analysis: {initialDelay: 5s, interval: 5s, bakeTime: 30s, failureLimit: 2, progressDeadline: 2m}
        %s
          guards:
          - name: db-connections
            query: '%s'
            maxIncrease: "+20"
          - name: pool-leak
            query: sum(hikaricp_connections_active{namespace="%s"})
            exhaustion: {limit: 60, within: 2m, window: 30s}
          - name: error-rate
            query: |
              (sum(rate(http_server_requests_seconds_count{namespace="%s",outcome="SERVER_ERROR"}[15s])) or vector(0))
                / sum(rate(http_server_requests_seconds_count{namespace="%s"}[15s]))
            max: 0.05
        %s
        """
                .formatted(
                    namespace,
                    more.indent(2).stripTrailing(),
                    connections,
                    namespace,
                    namespace,
                    namespace,
                    moreGuards.indent(2).stripTrailing()),
            "apply",
            "-f",
            "-")
        .orThrow();
    awaitPhase("Healthy");
  }

  String phase() {
    return field("{.status.phase}");
  }

  String field(String jsonPath) {
    return platform
        .kubectl("get", "rollout", "checkout", "-n", namespace, "-o", "jsonpath=" + jsonPath)
        .stdout();
  }

  void awaitPhase(String phase) {
    await().atMost(TIMEOUT).until(() -> phase.equals(phase()));
  }

  String image() {
    return platform
        .kubectl(
            "get",
            "deployment",
            "checkout",
            "-n",
            namespace,
            "-o",
            "jsonpath={.spec.template.spec.containers[0].image}")
        .orThrow()
        .stdout();
  }

  double value(String query) {
    return PrometheusQuery.instant(platform.prometheusUrl(), query).orElse(Double.NaN);
  }

  List<Event> events() {
    return platform.client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> "Rollout".equals(e.getInvolvedObject().getKind()))
        .toList();
  }

  List<String> eventReasons() {
    return events().stream().map(Event::getReason).toList();
  }

  static OptionalDouble operatorMetric(int port, String name, String namespace) {
    try {
      String body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      return body.lines()
          .filter(l -> l.startsWith(name + "{") && l.contains("namespace=\"" + namespace + "\""))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .reduce(Double::sum);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (service != null) {
      service.close();
    }
  }
}
