package dev.rollguard.e2e.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.testing.LocalPlatform;
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
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The incident Rollguard exists for, end to end: the operator as its own process, the demo
 * service as real processes with a real connection pool against PostgreSQL, postgres_exporter
 * and Prometheus. A release that leaks connections is rolled back and the database recovers.
 */
@LocalPlatform(cluster = true, prometheus = true, postgres = true, maxConnections = 120)
class IncidentReplayTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String CONNECTIONS = "sum(pg_stat_activity_count{datname=\"postgres\"})";

  @Test
  void aReleaseThatLeaksConnectionsIsRolledBackAndTheDatabaseRecovers(Platform platform) throws Exception {
    Path repo = Path.of(System.getProperty("rollguard.repo.dir", ".."));
    platform.kubectl("apply", "-f", repo.resolve("crds/rollouts.rollguard.dev-v1.yml").toString()).orThrow();
    platform.kubectl("wait", "--for=condition=Established", "crd/rollouts.rollguard.dev", "--timeout=30s").orThrow();
    platform.kubectl("create", "namespace", "shop").orThrow();
    deploy(platform, "shop/checkout:1.4.1");
    int metricsPort = freePort();
    Process operator = new ProcessBuilder(java(), "-jar", repo.resolve("operator/target/rollguard-operator.jar").toString(),
        "--kubeconfig", platform.kubeconfig().toString(), "--namespaces", "shop",
        "--prometheus-url", platform.prometheusUrl().toString(),
        "--metrics-port", String.valueOf(metricsPort), "--health-port", String.valueOf(freePort()))
        .redirectErrorStream(true).redirectOutput(platform.logsDir().resolve("operator.log").toFile()).start();
    try (ServiceFollower service = new ServiceFollower(platform, "shop", "checkout",
        repo.resolve("e2e/demo-service/target/rollguard-demo-service.jar"), 10)) {
      await().atMost(TIMEOUT).until(() -> service.runningImages().equals(List.of("shop/checkout:1.4.1",
          "shop/checkout:1.4.1")));
      await().atMost(TIMEOUT).until(() -> present(platform, "sum(hikaricp_connections{app=\"checkout\"})"));
      double baseline = value(platform, CONNECTIONS);
      platform.kubectlWithInput("""
          apiVersion: rollguard.dev/v1alpha1
          kind: Rollout
          metadata: {name: checkout, namespace: shop}
          spec:
            workloadRef: {kind: Deployment, name: checkout}
            analysis: {initialDelay: 5s, interval: 5s, bakeTime: 2m, failureLimit: 2, progressDeadline: 2m}
            guards:
            - name: db-connections
              query: %s
              maxIncrease: "+20"
            - name: pool-leak
              query: sum(hikaricp_connections_active{app="checkout"})
              exhaustion: {limit: 60, within: 2m, window: 30s}
          """.formatted("'" + CONNECTIONS + "'"), "apply", "-f", "-").orThrow();
      await().atMost(TIMEOUT).until(() -> "Healthy".equals(phase(platform)));

      deploy(platform, "shop/checkout:1.4.2-leak");
      await().atMost(TIMEOUT).until(() -> service.runningImages().contains("shop/checkout:1.4.2-leak"));
      await().atMost(TIMEOUT).until(() -> "RolledBack".equals(phase(platform)));

      assertThat(platform.kubectl("get", "deployment", "checkout", "-n", "shop", "-o",
          "jsonpath={.spec.template.spec.containers[0].image}").orThrow().stdout()).isEqualTo("shop/checkout:1.4.1");
      await().atMost(TIMEOUT).until(() -> service.runningImages().equals(List.of("shop/checkout:1.4.1",
          "shop/checkout:1.4.1")));
      await().atMost(TIMEOUT).until(() -> value(platform, CONNECTIONS) <= baseline + 5);
      await().atMost(TIMEOUT).until(() -> events(platform).stream().anyMatch(e -> "Recovered".equals(e.getReason())));
      assertThat(platform.kubectl("get", "rollout", "checkout", "-n", "shop", "-o",
          "jsonpath={.status.failedRevisions[0].images[0]}").orThrow().stdout()).isEqualTo("shop/checkout:1.4.2-leak");
      assertThat(events(platform)).extracting(Event::getReason).contains("Deployed", "GuardBreached", "RolledBack");
      assertThat(operatorMetric(metricsPort, "rollguard_rollbacks_total")).hasValue(1);
    } finally {
      operator.destroy();
      operator.waitFor();
    }
  }

  private static void deploy(Platform platform, String image) {
    platform.kubectlWithInput("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: checkout, namespace: shop}
        spec:
          replicas: 2
          selector: {matchLabels: {app: checkout}}
          template:
            metadata: {labels: {app: checkout}}
            spec:
              containers: [{name: checkout, image: "%s"}]
        """.formatted(image), "apply", "-f", "-").orThrow();
  }

  private static String phase(Platform platform) {
    return platform.kubectl("get", "rollout", "checkout", "-n", "shop", "-o", "jsonpath={.status.phase}").stdout();
  }

  private static List<Event> events(Platform platform) {
    return platform.client().v1().events().inNamespace("shop").list().getItems().stream()
        .filter(e -> "Rollout".equals(e.getInvolvedObject().getKind())).toList();
  }

  private static boolean present(Platform platform, String query) {
    return PrometheusQuery.instant(platform.prometheusUrl(), query).isPresent();
  }

  private static double value(Platform platform, String query) {
    return PrometheusQuery.instant(platform.prometheusUrl(), query).orElse(Double.NaN);
  }

  private static OptionalDouble operatorMetric(int port, String name) throws IOException, InterruptedException {
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    return body.lines().filter(l -> l.startsWith(name + "{")).mapToDouble(l -> Double.parseDouble(
        l.substring(l.lastIndexOf(' ') + 1))).reduce(Double::sum);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
