package dev.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The operator as users run it: {@code java -jar operator/target/rollguard-operator.jar}, against a
 * real API server, with health, readiness, metrics, JSON logs and a graceful stop on SIGTERM.
 */
@LocalPlatform(apiServer = true)
class OperatorProcessIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void theJarRunsServesHealthAndMetricsLogsJsonAndStopsGracefully(Platform platform)
      throws Exception {
    Path repo = Path.of(System.getProperty("rollguard.repo.dir", ".."));
    Path jar = repo.resolve("operator/target/rollguard-operator.jar");
    assertThat(jar).as("built by the operator module").exists();
    platform
        .kubectl("apply", "-f", repo.resolve("crds/rollouts.rollguard.dev-v1.yml").toString())
        .orThrow();
    platform
        .kubectl(
            "wait", "--for=condition=Established", "crd/rollouts.rollguard.dev", "--timeout=30s")
        .orThrow();
    platform.kubectl("create", "namespace", "shop").orThrow();
    int metricsPort = freePort();
    int healthPort = freePort();
    Path log = platform.logsDir().resolve("operator.log");

    Process operator =
        new ProcessBuilder(
                javaBinary(),
                "-jar",
                jar.toString(),
                "--kubeconfig",
                platform.kubeconfig().toString(),
                "--namespaces",
                "shop",
                "--metrics-port",
                String.valueOf(metricsPort),
                "--health-port",
                String.valueOf(healthPort),
                "--log-format",
                "json")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> status(healthPort, "/readyz") == 200);
      assertThat(status(healthPort, "/healthz")).isEqualTo(200);

      platform
          .kubectlWithInput(
              """
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web, namespace: shop}
          spec:
            replicas: 1
            selector: {matchLabels: {app: web}}
            template:
              metadata: {labels: {app: web}}
              spec: {containers: [{name: web, image: "shop/web:1"}]}
          ---
          apiVersion: rollguard.dev/v1alpha1
          kind: Rollout
          metadata: {name: web, namespace: shop}
          spec:
            workloadRef: {kind: Deployment, name: web}
            guards: [{name: db, query: 'sum(pg_stat_activity_count)', max: 150}]
          """,
              "apply",
              "-f",
              "-")
          .orThrow();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  platform
                      .kubectl(
                          "get", "rollout", "web", "-n", "shop", "-o", "jsonpath={.status.phase}")
                      .stdout()
                      .equals("Healthy"));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  body(metricsPort, "/metrics")
                      .contains(
                          "rollguard_rollout_phase{namespace=\"shop\",phase=\"Healthy\",rollout=\"web\"} 1.0"));
      assertThat(body(metricsPort, "/metrics"))
          .contains("rollguard_reconcile_total")
          .contains("jvm_memory_used_bytes");
    } finally {
      operator.destroy();
    }
    assertThat(operator.waitFor(30, TimeUnit.SECONDS))
        .as("stopped within 30 s of SIGTERM")
        .isTrue();

    List<String> lines = Files.readAllLines(log);
    ObjectMapper json = new ObjectMapper();
    assertThat(lines)
        .isNotEmpty()
        .allSatisfy(
            line ->
                assertThat(json.readTree(line).has("formattedMessage"))
                    .as("a JSON log line: %s", line)
                    .isTrue());
    assertThat(lines).anySatisfy(line -> assertThat(line).contains("Rollguard operator started"));
    assertThat(lines).anySatisfy(line -> assertThat(line).contains("Rollguard operator stopping"));
  }

  private static int status(int port, String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String body(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
