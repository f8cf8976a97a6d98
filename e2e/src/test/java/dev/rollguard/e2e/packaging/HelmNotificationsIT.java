package dev.rollguard.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import dev.rollguard.testing.TestExporter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Notifications as the chart configures them: {@code helm install} with two webhook targets (their
 * URLs and token in Secrets), then the operator as its own process with nothing but a token of the
 * chart's ServiceAccount and the chart's environment. It reads the targets ConfigMap through the
 * chart's Role, which grants get, list and watch on that one ConfigMap by name (so list and watch
 * only work with a {@code metadata.name} field selector), reads the Secrets by name, and a
 * breaching revision's rollback reaches each receiver exactly once.
 */
@LocalPlatform(cluster = true, prometheus = true)
class HelmNotificationsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAMESPACE = "rollguard-system";
  private static final String CONFIG_MAP = "rollguard-notifications";

  /** In the secret URLs and the token: never in the operator's log. */
  private static final String SECRET = "T0SECRET-4d1c8a2e";

  @Test
  void withTheChartsAccountTheTargetsAreReadByNameAndARollbackReachesEachReceiverOnce(
      Platform platform) {
    try (TestExporter exporter = TestExporter.start();
        Receiver receiver = Receiver.start()) {
      platform.addScrapeTarget("app", exporter.address(), Map.of("job", "app"));
      HelmInstall install =
          HelmInstall.install(
              platform,
              "rollguard",
              NAMESPACE,
              "operator.prometheusUrl=" + platform.prometheusUrl(),
              "notifications.targets[0].name=shop-slack",
              "notifications.targets[0].format=slack",
              "notifications.targets[0].url.secretKeyRef.name=shop-slack-webhook",
              "notifications.targets[0].url.secretKeyRef.key=url",
              "notifications.targets[1].name=platform-events",
              "notifications.targets[1].format=cloudevents",
              "notifications.targets[1].url.secretKeyRef.name=platform-events",
              "notifications.targets[1].url.secretKeyRef.key=url",
              "notifications.targets[1].token.secretKeyRef.name=platform-events-token",
              "notifications.targets[1].token.secretKeyRef.key=token");
      Map<String, String> env = install.operatorEnvironment();
      assertThat(env)
          .containsEntry("ROLLGUARD_NOTIFICATION_TARGETS", NAMESPACE + "/" + CONFIG_MAP)
          .doesNotContainKey("ROLLGUARD_NAMESPACES");
      secret(platform, "shop-slack-webhook", "url", receiver.url("/services/" + SECRET + "/slack"));
      secret(platform, "platform-events", "url", receiver.url("/events/" + SECRET));
      secret(platform, "platform-events-token", "token", "tok-" + SECRET);
      secret(platform, "unrelated", "password", "hunter2");

      // The account reaches the ConfigMap and the Secrets by name only ...
      ServiceAccountIdentity account = install.serviceAccount();
      assertThat(account.canI("get", "configmaps/" + CONFIG_MAP, NAMESPACE)).isTrue();
      assertThat(account.canI("watch", "configmaps/" + CONFIG_MAP, NAMESPACE)).isTrue();
      assertThat(account.canI("list", "configmaps", NAMESPACE)).isFalse();
      assertThat(account.canI("get", "configmaps/other", NAMESPACE)).isFalse();
      assertThat(account.canI("get", "secrets/shop-slack-webhook", NAMESPACE)).isTrue();
      assertThat(account.canI("get", "secrets/platform-events", NAMESPACE)).isTrue();
      assertThat(account.canI("get", "secrets/platform-events-token", NAMESPACE)).isTrue();
      assertThat(account.canI("get", "secrets/unrelated", NAMESPACE)).isFalse();
      assertThat(account.canI("list", "secrets", NAMESPACE)).isFalse();
      assertThat(account.canI("watch", "secrets", NAMESPACE)).isFalse();
      try (KubernetesClient client = account.client()) {
        // ... so listing the ConfigMaps is refused, and only a list narrowed to the one name by a
        // field selector (what the operator's watch sends) is answered.
        assertForbidden(() -> client.configMaps().inNamespace(NAMESPACE).list());
        assertThat(
                client
                    .configMaps()
                    .inNamespace(NAMESPACE)
                    .withField("metadata.name", CONFIG_MAP)
                    .list()
                    .getItems())
            .extracting(c -> c.getMetadata().getName())
            .containsExactly(CONFIG_MAP);
        assertForbidden(() -> client.secrets().inNamespace(NAMESPACE).withName("unrelated").get());
      }

      GuardedDeploy shop = new GuardedDeploy(platform, exporter, "shop");
      platform.kubectl("create", "namespace", "shop").orThrow();
      shop.connections(40);
      shop.awaitHistory();
      shop.deploy("shop/web:1");
      shop.awaitRunning("shop/web:1");

      try (OperatorProcess operator =
          OperatorProcess.start("rollguard-0", account.kubeconfig, platform.logsDir(), env)) {
        // The ConfigMap was listed (by name) and both targets parsed ...
        await()
            .atMost(GuardedDeploy.TIMEOUT)
            .until(() -> targetsLoaded(operator) == 1 && operator.readyz() == 200);
        assertThat(operator.logText())
            .contains(
                "notification targets from "
                    + NAMESPACE
                    + "/"
                    + CONFIG_MAP
                    + ": shop-slack (slack), platform-events (cloudevents)");
        // ... and it is watched: a change to it reaches the operator.
        platform
            .kubectl(
                "annotate",
                "configmap",
                CONFIG_MAP,
                "-n",
                NAMESPACE,
                "rollguard.dev/touched=" + System.nanoTime())
            .orThrow();
        await().atMost(GuardedDeploy.TIMEOUT).until(() -> targetsLoaded(operator) == 2);

        shop.guard(null, "{targets: [shop-slack, platform-events]}");
        shop.awaitPhase(Phase.Healthy);
        shop.deploy("shop/web:2");
        shop.awaitMeasured();
        shop.connections(180);
        shop.awaitPhase(Phase.RolledBack);
        shop.awaitRunning("shop/web:1");

        // Exactly one message per receiver, the rollback (the default `when` leaves out
        // promotions), and no more arrive.
        await()
            .atMost(GuardedDeploy.TIMEOUT)
            .until(
                () -> receiver.to("/services/").size() >= 1 && receiver.to("/events/").size() >= 1);
        await()
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(10))
            .until(() -> receiver.requests.size() == 2);

        Request slack = receiver.to("/services/").get(0);
        assertThat(slack.path()).isEqualTo("/services/" + SECRET + "/slack");
        assertThat(slack.contentType()).isEqualTo("application/json");
        assertThat(json(slack).get("text").asText())
            .startsWith(":rotating_light: Rolled back shop/web");

        Request cloudEvent = receiver.to("/events/").get(0);
        assertThat(cloudEvent.contentType()).isEqualTo("application/cloudevents+json");
        assertThat(cloudEvent.authorization()).isEqualTo("Bearer tok-" + SECRET);
        JsonNode event = json(cloudEvent);
        assertThat(event.get("type").asText()).isEqualTo("dev.rollguard.rollout.rolledback");
        assertThat(event.get("source").asText())
            .isEqualTo("/apis/rollguard.dev/v1alpha1/namespaces/shop/rollouts/web");
        assertThat(event.get("data").get("revision").get("images").get(0).asText())
            .isEqualTo("shop/web:2");
        assertThat(event.get("data").get("stableRevision").get("images").get(0).asText())
            .isEqualTo("shop/web:1");

        assertThat(shop.eventReasons("Rollout"))
            .containsOnlyOnce("RolledBack")
            .doesNotContain("NotificationTargetUnknown");
        String log = operator.logText();
        assertThat(log)
            .contains("sent to target shop-slack", "sent to target platform-events")
            .doesNotContainIgnoringCase("forbidden")
            .doesNotContain("(403)")
            .doesNotContain("cannot watch the notification targets ConfigMap")
            .doesNotContain(SECRET);
        assertThat(operator.metric("rollguard_reconcile_total{outcome=\"error\"")).isZero();
      }
    }
  }

  /** How often the operator logged that it (re)read the targets ConfigMap. */
  private static long targetsLoaded(OperatorProcess operator) {
    return operator
        .logText()
        .lines()
        .filter(l -> l.contains("notification targets from " + NAMESPACE + "/" + CONFIG_MAP + ":"))
        .count();
  }

  private static void secret(Platform platform, String name, String key, String value) {
    platform
        .kubectl(
            "create",
            "secret",
            "generic",
            name,
            "-n",
            NAMESPACE,
            "--from-literal=" + key + "=" + value)
        .orThrow();
  }

  private static JsonNode json(Request request) {
    try {
      return JSON.readTree(request.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertForbidden(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403));
  }

  record Request(String path, String contentType, String authorization, String body) {}

  /** A webhook receiver on 127.0.0.1 in this JVM: answers 200 to every POST and keeps it. */
  static final class Receiver implements AutoCloseable {

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    private Receiver(HttpServer server) {
      this.server = server;
    }

    static Receiver start() {
      try {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Receiver receiver = new Receiver(server);
        server.createContext(
            "/",
            exchange -> {
              try (InputStream in = exchange.getRequestBody()) {
                receiver.requests.add(
                    new Request(
                        exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        new String(in.readAllBytes(), StandardCharsets.UTF_8)));
              }
              exchange.sendResponseHeaders(200, -1);
              exchange.close();
            });
        server.start();
        return receiver;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Request> to(String pathPrefix) {
      return requests.stream().filter(r -> r.path().startsWith(pathPrefix)).toList();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
