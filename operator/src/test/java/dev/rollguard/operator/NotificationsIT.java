package dev.rollguard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollguard.operator.api.CrdFiles;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.operator.notify.Receiver;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import dev.rollguard.testing.TestExporter;
import io.fabric8.kubernetes.api.model.Event;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * Notifications end to end: a real API server, Prometheus and the operator in this JVM, sending to
 * webhook receivers on local ports. One message per rollback in both formats, with the guard, its
 * value and bounds, both revisions and their images; a receiver failing three times gets it once; a
 * receiver that never answers does not delay a rollback; the secret URLs appear in no log line and
 * no event.
 */
@LocalPlatform(cluster = true, prometheus = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotificationsIT {

  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(NotificationsIT.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONFIG_NAMESPACE = "rollguard-system";
  private static final String CONFIG = CONFIG_NAMESPACE + "/rollguard-notifications";

  /** In every secret URL's path: it must never show up in a log line or an event. */
  private static final String SECRET = "T0SECRET-b7e3f1c9";

  private static final Receiver slack = new Receiver();
  private static final Receiver events = new Receiver();
  private static final Receiver flaky = new Receiver().answering(500, 500, 500);
  private static final Receiver hangs = new Receiver().hanging();
  private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private static final List<String> figures = new ArrayList<>();
  private static TestExporter exporter;
  private static RollguardOperator operator;

  @BeforeAll
  static void start(Platform platform) {
    logs.start();
    root().addAppender(logs);
    exporter = TestExporter.start();
    platform.addScrapeTarget("app", exporter.address(), Map.of("job", "app"));
    CrdFiles.install(platform);
    platform.kubectl("create", "namespace", CONFIG_NAMESPACE).orThrow();
    secret(platform, "slack-webhook", slack.url("/services/" + SECRET + "/slack"));
    secret(platform, "events-webhook", events.url("/events/" + SECRET));
    secret(platform, "flaky-webhook", flaky.url("/flaky/" + SECRET));
    secret(platform, "hangs-webhook", hangs.url("/hangs/" + SECRET));
    platform
        .kubectlWithInput(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: rollguard-notifications, namespace: rollguard-system}
            data:
              targets.yaml: |
                - name: team-slack
                  format: slack
                  url: {secretKeyRef: {name: slack-webhook, key: url}}
                - name: platform-events
                  format: cloudevents
                  url: {secretKeyRef: {name: events-webhook, key: url}}
                  token: {secretKeyRef: {name: events-webhook, key: token}}
                  when: [RolledBack, Promoted]
                - name: flaky
                  format: cloudevents
                  url: {secretKeyRef: {name: flaky-webhook, key: url}}
                - name: hangs
                  format: slack
                  url: {secretKeyRef: {name: hangs-webhook, key: url}}
                  when: [Promoted, RolledBack]
                - name: literal
                  format: slack
                  url: http://127.0.0.1:9/%s/literal
            """
                .formatted(SECRET),
            "apply",
            "-f",
            "-")
        .orThrow();
    operator =
        new RollguardOperator(
            OperatorOptions.parse(
                "--kubeconfig",
                platform.kubeconfig().toString(),
                "--prometheus-url",
                platform.prometheusUrl().toString(),
                "--namespaces",
                "notify,notify-hang",
                "--metrics-port",
                "0",
                "--health-port",
                "0",
                "--notification-targets",
                CONFIG));
    operator.start();
  }

  @AfterAll
  static void stop() {
    figures.forEach(LOG::info);
    Stream.of(slack, events, flaky, hangs).forEach(Receiver::close);
    if (operator != null) {
      operator.close();
    }
    if (exporter != null) {
      exporter.close();
    }
    root().detachAppender(logs);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private static void secret(Platform platform, String name, String url) {
    platform
        .kubectlWithInput(
            """
            apiVersion: v1
            kind: Secret
            metadata: {name: %s, namespace: rollguard-system}
            stringData: {url: "%s", token: "tok-%s"}
            """
                .formatted(name, url, SECRET),
            "apply",
            "-f",
            "-")
        .orThrow();
  }

  @Test
  @Order(1)
  void aRollbackIsSentOnceInBothFormatsAndOnceToAReceiverThatFailsThreeTimes(Platform platform)
      throws Exception {
    ScenarioSupport s = new ScenarioSupport(platform, "notify");
    Release release =
        promoteThenRollBack(
            s,
            "db_connections{scenario=\"notify\"}",
            "[team-slack, platform-events, flaky, nosuch]");
    figures.add(
        "breach to Deployment patch with responsive receivers: "
            + release.observed().toMillis()
            + " ms (exporter changed to Deployment restored, as the test saw it); rollback decided"
            + " to restored: "
            + release.decidedToRestored().toMillis()
            + " ms (operator's history)");
    RolloutStatus status = s.status();
    String failedHash = status.failedRevisions.get(0).hash;
    String stableHash = status.stableRevision.hash;

    // Slack: exactly one message, the rollback (its target is not told of promotions).
    await().atMost(ScenarioSupport.TIMEOUT).until(() -> slack.requests.size() >= 1);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> slack.requests.size() == 1);
    JsonNode message = JSON.readTree(slack.requests.get(0).body());
    assertThat(message.get("text").asText()).startsWith(":rotating_light: Rolled back notify/web");
    List<String> fields = message.get("blocks").get(2).get("fields").findValuesAsText("text");
    assertThat(fields)
        .containsExactly(
            "*Guard*\ndb",
            "*Value*\n200",
            "*Bounds*\n&lt;= 150",
            "*Baseline*\n40",
            "*Failed revision*\n" + failedHash + " (shop/web:3)",
            "*Stable revision*\n" + stableHash + " (shop/web:2)");
    assertThat(slack.requests.get(0).header("Content-Type")).isEqualTo("application/json");

    // CloudEvents: the promotion, then exactly one rollback.
    await().atMost(ScenarioSupport.TIMEOUT).until(() -> rolledBack(events).size() >= 1);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> rolledBack(events).size() == 1);
    assertThat(events.requests)
        .extracting(r -> JSON.readTree(r.body()).get("type").asText())
        .containsExactly("dev.rollguard.rollout.promoted", "dev.rollguard.rollout.rolledback");
    Receiver.Request request = rolledBack(events).get(0);
    assertThat(request.header("Content-Type")).isEqualTo("application/cloudevents+json");
    assertThat(request.header("Authorization")).isEqualTo("Bearer tok-" + SECRET);
    JsonNode event = JSON.readTree(request.body());
    assertThat(event.get("specversion").asText()).isEqualTo("1.0");
    assertThat(event.get("source").asText())
        .isEqualTo("/apis/rollguard.dev/v1alpha1/namespaces/notify/rollouts/web");
    assertThat(event.get("subject").asText()).isEqualTo("deployments/web");
    JsonNode data = event.get("data");
    assertThat(data.get("guard").get("name").asText()).isEqualTo("db");
    assertThat(data.get("guard").get("value").asDouble()).isEqualTo(200.0);
    assertThat(data.get("guard").get("bounds").asText()).isEqualTo("<= 150");
    assertThat(data.get("guard").get("baseline").asDouble())
        .as("measured just before the deploy")
        .isEqualTo(40.0);
    assertThat(data.get("revision").get("hash").asText()).isEqualTo(failedHash);
    assertThat(JSON.convertValue(data.get("revision").get("images"), List.class))
        .containsExactly("shop/web:3");
    assertThat(data.get("stableRevision").get("hash").asText()).isEqualTo(stableHash);
    assertThat(JSON.convertValue(data.get("stableRevision").get("images"), List.class))
        .containsExactly("shop/web:2");
    assertThat(data.get("message").asText()).isEqualTo(rolledBackEventMessage(s));

    // 500, 500, 500, then 200: four requests of the same message, delivered once.
    await().atMost(ScenarioSupport.TIMEOUT).until(() -> flaky.requests.size() == 4);
    assertThat(flaky.requests)
        .extracting(r -> JSON.readTree(r.body()).get("id").asText())
        .containsOnly(JSON.readTree(flaky.requests.get(0).body()).get("id").asText());
    await().atMost(ScenarioSupport.TIMEOUT).until(() -> metric("flaky", "sent") == 1.0);
    assertThat(metric("flaky", "retried")).isEqualTo(3.0);
    assertThat(metric("flaky", "failed")).isEqualTo(0.0);
    assertThat(metric("team-slack", "sent")).isEqualTo(1.0);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> flaky.requests.size() == 4);

    // The unknown target is reported once, naming the field; the Rollout guarded all along.
    List<Event> unknown =
        s.events("Rollout").stream()
            .filter(e -> "NotificationTargetUnknown".equals(e.getReason()))
            .toList();
    assertThat(unknown)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "spec.notifications.targets[3]: no notification target \"nosuch\" in "
                          + CONFIG);
            });
    assertThat(s.eventReasons("Rollout")).containsOnlyOnce("RolledBack");
  }

  @Test
  @Order(2)
  void aReceiverThatNeverAnswersDoesNotDelayTheRollback(Platform platform) throws Exception {
    ScenarioSupport s = new ScenarioSupport(platform, "notify-hang");
    Release release = promoteThenRollBack(s, "db_connections{scenario=\"hang\"}", "[hangs]", hangs);
    assertThat(release.hangingRequestsAtRestore())
        .as("the receiver held the promotion's message, unanswered, when the rollback was made")
        .isGreaterThanOrEqualTo(1);
    assertThat(release.answeredAtRestore()).isZero();
    figures.add(
        "breach to Deployment patch with a receiver that never answers: "
            + release.observed().toMillis()
            + " ms (exporter changed to Deployment restored, as the test saw it); rollback decided"
            + " to restored: "
            + release.decidedToRestored().toMillis()
            + " ms (operator's history)");
    // The rollback's own message is queued behind it and sent once the receiver answers.
    await()
        .atMost(ScenarioSupport.TIMEOUT)
        .until(() -> hangs.requests.stream().anyMatch(r -> r.body().contains("Rolled back")));
    hangs.release();
    await().atMost(ScenarioSupport.TIMEOUT).until(() -> metric("hangs", "sent") >= 2.0);
  }

  @Test
  @Order(3)
  void theSecretUrlsAppearInNoLogLineAndNoEvent(Platform platform) {
    List<String> lines = logs.list.stream().map(NotificationsIT::render).toList();
    assertThat(lines)
        .as("the operator logged its notifications")
        .anySatisfy(l -> assertThat(l).contains("sent to target team-slack"))
        .anySatisfy(l -> assertThat(l).contains("targets[4].url: must be a secretKeyRef"))
        .anySatisfy(
            l -> assertThat(l).contains("to target flaky: attempt 1 of 5 failed (HTTP 500)"));
    assertThat(lines).noneSatisfy(l -> assertThat(l).contains(SECRET));
    List<Event> all = platform.client().v1().events().inAnyNamespace().list().getItems();
    assertThat(all).isNotEmpty();
    assertThat(all).noneSatisfy(e -> assertThat(String.valueOf(e.getMessage())).contains(SECRET));
  }

  private record Release(
      Duration observed,
      Duration decidedToRestored,
      int hangingRequestsAtRestore,
      int answeredAtRestore) {}

  private static Release promoteThenRollBack(ScenarioSupport s, String series, String targets) {
    return promoteThenRollBack(s, series, targets, null);
  }

  /**
   * web:1 adopted, web:2 promoted, web:3 breaching and rolled back to web:2; the times from the
   * breach to the restored Deployment.
   */
  private static Release promoteThenRollBack(
      ScenarioSupport s, String series, String targets, Receiver watched) {
    exporter.set(series, 40);
    s.awaitPrometheusAtLeast("count_over_time(" + series + "[1m])", 3);
    s.createNamespace();
    s.deploy("shop/web:1");
    s.awaitRunning("shop/web:1");
    s.guard(
        "- {name: db, query: 'sum(" + series + ")', max: 150}",
        "notifications: {targets: " + targets + "}");
    s.awaitPhase(Phase.Healthy);
    s.deploy("shop/web:2");
    s.awaitPhase(Phase.Analysing);
    s.awaitPhase(Phase.Healthy);
    assertThat(s.status().stableRevision.images).containsExactly("shop/web:2");
    s.awaitRunning("shop/web:2");
    s.deploy("shop/web:3");
    s.awaitPhase(Phase.Analysing);

    Instant breach = Instant.now();
    exporter.set(series, 200);
    int[] atRestore = new int[2];
    await()
        .pollInterval(Duration.ofMillis(10))
        .atMost(ScenarioSupport.TIMEOUT)
        .until(
            () -> {
              boolean restored = "shop/web:2".equals(s.image());
              if (restored && watched != null) {
                atRestore[0] = watched.requests.size();
                atRestore[1] = watched.answered.get();
              }
              return restored;
            });
    Duration observed = Duration.between(breach, Instant.now());
    exporter.set(series, 40);
    s.awaitPhase(Phase.RolledBack);
    List<HistoryEntry> history = s.status().history;
    Instant decided = last(history, HistoryEntry.Type.RollbackDecided);
    Instant restored = last(history, HistoryEntry.Type.RolledBack);
    return new Release(observed, Duration.between(decided, restored), atRestore[0], atRestore[1]);
  }

  private static Instant last(List<HistoryEntry> history, HistoryEntry.Type type) {
    return history.stream()
        .filter(h -> h.type == type)
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no " + type + " in the history"))
        .at;
  }

  private static List<Receiver.Request> rolledBack(Receiver receiver) {
    return receiver.requests.stream()
        .filter(r -> r.body().contains("\"dev.rollguard.rollout.rolledback\""))
        .toList();
  }

  private static String rolledBackEventMessage(ScenarioSupport s) {
    return s.events("Rollout").stream()
        .filter(e -> "RolledBack".equals(e.getReason()))
        .map(Event::getMessage)
        .findFirst()
        .orElseThrow();
  }

  /** {@code rollguard_notifications_total{target,outcome}} from the operator's /metrics. */
  private static double metric(String target, String outcome) throws Exception {
    String body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + operator.metricsPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return body.lines()
        .filter(l -> l.startsWith("rollguard_notifications_total{"))
        .filter(l -> l.contains("target=\"" + target + "\""))
        .filter(l -> l.contains("outcome=\"" + outcome + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(Double.NaN);
  }

  private static String render(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(event.getFormattedMessage());
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
    }
    return line.toString();
  }
}
