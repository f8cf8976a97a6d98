package dev.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.rollguard.testing.CommandResult;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import dev.rollguard.testing.PrometheusQuery;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the local platform behaves like a real Kubernetes cluster with real metrics and a real
 * database: everything later tests rely on.
 */
@LocalPlatform(cluster = true, prometheus = true, postgres = true)
class PlatformSmokeIT {

  private static final String NAMESPACE = "smoke";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @BeforeAll
  static void createNamespace(Platform platform) {
    platform.kubectl("create", "namespace", NAMESPACE).orThrow();
  }

  @Test
  void deploymentAppliedWithKubectlGetsReadyPodsAndAnImageChangeMakesRevisionTwo(
      Platform platform) {
    KubernetesClient client = platform.client();
    platform
        .kubectlWithInput(deployment("web", "example.com/web:1.0"), "apply", "-f", "-")
        .orThrow();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Deployment web =
                  client.apps().deployments().inNamespace(NAMESPACE).withName("web").get();
              assertThat(web.getStatus().getReadyReplicas())
                  .isEqualTo(web.getSpec().getReplicas())
                  .isEqualTo(3);
              assertThat(replicaSets(client)).hasSize(1);
            });
    assertThat(client.pods().inNamespace(NAMESPACE).withLabel("app", "web").list().getItems())
        .hasSize(3)
        .allSatisfy(pod -> assertThat(pod.getSpec().getNodeName()).startsWith("kwok-node-"));

    platform
        .kubectlWithInput(deployment("web", "example.com/web:1.1"), "apply", "-f", "-")
        .orThrow();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              List<ReplicaSet> sets = replicaSets(client);
              assertThat(sets).hasSize(2);
              ReplicaSet second =
                  sets.stream()
                      .filter(
                          rs ->
                              "2"
                                  .equals(
                                      rs.getMetadata()
                                          .getAnnotations()
                                          .get("deployment.kubernetes.io/revision")))
                      .findFirst()
                      .orElseThrow();
              assertThat(second.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                  .isEqualTo("example.com/web:1.1");
              assertThat(second.getStatus().getReadyReplicas()).isEqualTo(3);
              Deployment web =
                  client.apps().deployments().inNamespace(NAMESPACE).withName("web").get();
              assertThat(web.getStatus().getUpdatedReplicas()).isEqualTo(3);
              assertThat(web.getStatus().getReadyReplicas()).isEqualTo(3);
            });
  }

  @Test
  void crdAppliedWithKubectlIsServedAndRejectsSchemaViolationsWithTheApiServersMessage(
      Platform platform) {
    platform.kubectlWithInput(WIDGET_CRD, "apply", "-f", "-").orThrow();
    platform
        .kubectl(
            "wait",
            "--for=condition=Established",
            "crd/widgets.smoke.rollguard.dev",
            "--timeout=30s")
        .orThrow();

    CommandResult valid =
        platform.kubectlWithInput(
            widget("good", "size: 2\n    min: 1\n    max: 3"), "apply", "-f", "-");
    assertThat(valid.exitCode()).as(valid.stderr()).isZero();
    assertThat(platform.kubectl("get", "widgets", "-n", NAMESPACE, "-o", "name").orThrow().stdout())
        .contains("widget.smoke.rollguard.dev/good");

    CommandResult schema =
        platform.kubectlWithInput(widget("too-small", "size: 0"), "apply", "-f", "-");
    assertThat(schema.exitCode()).isNotZero();
    assertThat(schema.stderr())
        .contains(
            "spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1");

    CommandResult cel =
        platform.kubectlWithInput(
            widget("inverted", "size: 1\n    min: 5\n    max: 2"), "apply", "-f", "-");
    assertThat(cel.exitCode()).isNotZero();
    assertThat(cel.stderr()).contains("spec: Invalid value").contains("min must not exceed max");
    assertThat(platform.kubectl("get", "widgets", "-n", NAMESPACE, "-o", "name").orThrow().stdout())
        .doesNotContain("too-small")
        .doesNotContain("inverted");
  }

  @Test
  void serviceAccountWithoutRightsIsRefused(Platform platform) {
    platform.kubectl("create", "serviceaccount", "nobody", "-n", NAMESPACE).orThrow();
    String nobody = "system:serviceaccount:" + NAMESPACE + ":nobody";

    CommandResult canI =
        platform.kubectl("auth", "can-i", "list", "pods", "-n", NAMESPACE, "--as=" + nobody);
    assertThat(canI.stdout().strip()).isEqualTo("no");
    assertThat(canI.exitCode()).isNotZero();
    assertThat(platform.kubectl("auth", "can-i", "list", "pods", "-n", NAMESPACE).stdout().strip())
        .isEqualTo("yes");

    String token =
        platform.kubectl("create", "token", "nobody", "-n", NAMESPACE).orThrow().stdout().strip();
    Config admin = platform.client().getConfiguration();
    Config asNobody =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(admin.getMasterUrl())
            .withCaCertData(admin.getCaCertData())
            .withOauthToken(token)
            .build();
    try (KubernetesClient client = platform.clientFor(asNobody)) {
      assertThatThrownBy(() -> client.pods().inNamespace(NAMESPACE).list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(403);
                assertThat(e.getMessage())
                    .contains("User \"" + nobody + "\" cannot list resource \"pods\"");
              });
    }
  }

  @Test
  void prometheusReturnsTheValueOfATargetTheTestServes(Platform platform) throws IOException {
    AtomicInteger value = new AtomicInteger(42);
    HttpServer exporter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    exporter.createContext(
        "/metrics",
        exchange -> {
          byte[] body =
              ("# TYPE rollguard_smoke_value gauge\nrollguard_smoke_value " + value.get() + "\n")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    exporter.start();
    try {
      platform.addScrapeTarget(
          "smoke", "127.0.0.1:" + exporter.getAddress().getPort(), Map.of("job", "smoke"));
      String query = "rollguard_smoke_value{job=\"smoke\"}";
      await()
          .atMost(TIMEOUT)
          .until(
              () -> PrometheusQuery.instant(platform.prometheusUrl(), query),
              v -> v.isPresent() && v.getAsDouble() == 42);
      value.set(43);
      await()
          .atMost(TIMEOUT)
          .until(
              () -> PrometheusQuery.instant(platform.prometheusUrl(), query),
              v -> v.isPresent() && v.getAsDouble() == 43);
    } finally {
      platform.removeScrapeTarget("smoke");
      exporter.stop(0);
    }
  }

  @Test
  void postgresExporterReportsConnectionsRisingWhenTheTestOpensThem(Platform platform)
      throws SQLException {
    String total = "sum(pg_stat_activity_count)";
    double baseline =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> PrometheusQuery.instant(platform.prometheusUrl(), total),
                OptionalDouble::isPresent)
            .getAsDouble();

    List<Connection> connections = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        connections.add(DriverManager.getConnection(platform.jdbcUrl()));
      }
      await()
          .atMost(TIMEOUT)
          .until(
              () -> PrometheusQuery.instant(platform.prometheusUrl(), total),
              v -> v.isPresent() && v.getAsDouble() >= baseline + 10);
    } finally {
      for (Connection connection : connections) {
        connection.close();
      }
    }
    await()
        .atMost(TIMEOUT)
        .until(
            () -> PrometheusQuery.instant(platform.prometheusUrl(), total),
            v -> v.isPresent() && v.getAsDouble() < baseline + 10);
  }

  private static List<ReplicaSet> replicaSets(KubernetesClient client) {
    return client
        .apps()
        .replicaSets()
        .inNamespace(NAMESPACE)
        .withLabel("app", "web")
        .list()
        .getItems()
        .stream()
        .filter(Objects::nonNull)
        .toList();
  }

  private static String deployment(String name, String image) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %1$s, namespace: %3$s}
        spec:
          replicas: 3
          selector: {matchLabels: {app: %1$s}}
          template:
            metadata: {labels: {app: %1$s}}
            spec:
              containers:
              - {name: app, image: "%2$s"}
        """
        .formatted(name, image, NAMESPACE);
  }

  private static String widget(String name, String spec) {
    return """
        apiVersion: smoke.rollguard.dev/v1
        kind: Widget
        metadata: {name: %s, namespace: %s}
        spec:
            %s
        """
        .formatted(name, NAMESPACE, spec);
  }

  private static final String WIDGET_CRD =
      """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: widgets.smoke.rollguard.dev}
      spec:
        group: smoke.rollguard.dev
        scope: Namespaced
        names: {plural: widgets, singular: widget, kind: Widget}
        versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  required: [size]
                  x-kubernetes-validations:
                  - rule: "!has(self.min) || !has(self.max) || self.min <= self.max"
                    message: min must not exceed max
                  properties:
                    size: {type: integer, minimum: 1}
                    min: {type: integer}
                    max: {type: integer}
      """;
}
