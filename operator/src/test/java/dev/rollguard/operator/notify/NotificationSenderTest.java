package dev.rollguard.operator.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollguard.operator.api.NotificationKind;
import dev.rollguard.operator.measure.TokenCache;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class NotificationSenderTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration SOON = Duration.ofSeconds(10);

  private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Receiver receiver = new Receiver();
  private NotificationSender sender;

  @BeforeEach
  void captureLogs() {
    logs.start();
    root().addAppender(logs);
  }

  @AfterEach
  void stop() {
    root().detachAppender(logs);
    if (sender != null) {
      sender.close();
    }
    receiver.close();
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private NotificationSender sender(int capacity, int attempts, Duration requestTimeout) {
    sender =
        new NotificationSender(
            new NotificationSender.Settings(
                capacity, attempts, Duration.ofMillis(10), Duration.ofSeconds(2), requestTimeout),
            ref -> {
              String value = secrets.get(ref.name() + "/" + ref.key());
              return value == null
                  ? new TokenCache.Failure("Secret " + ref.name() + " not found")
                  : new TokenCache.Token(value);
            },
            (target, outcome) ->
                outcomes
                    .computeIfAbsent(target + "/" + outcome, k -> new AtomicInteger())
                    .incrementAndGet(),
            Clock.systemUTC());
    return sender;
  }

  private int count(String target, String outcome) {
    AtomicInteger n = outcomes.get(target + "/" + outcome);
    return n == null ? 0 : n.get();
  }

  private Target target(String name, Target.Format format, boolean token) {
    secrets.put(name + "/url", receiver.url("/hooks/" + name));
    if (token) {
      secrets.put(name + "/token", "s3cr3t-token");
    }
    return new Target(
        name,
        format,
        new Target.SecretRef(name, "url"),
        token ? new Target.SecretRef(name, "token") : null,
        Set.of(NotificationKind.RolledBack),
        false);
  }

  @Test
  void sendsTheCloudEventWithItsContentTypeAndTheBearerToken() throws Exception {
    sender(10, 5, Duration.ofSeconds(5))
        .offer(target("events", Target.Format.CLOUDEVENTS, true), PayloadsTest.ROLLED_BACK, "id-1");

    await().atMost(SOON).until(() -> count("events", "sent") == 1);
    Receiver.Request request = receiver.requests.get(0);
    assertThat(request.path()).isEqualTo("/hooks/events");
    assertThat(request.header("Content-Type")).isEqualTo("application/cloudevents+json");
    assertThat(request.header("Authorization")).isEqualTo("Bearer s3cr3t-token");
    assertThat(JSON.readTree(request.body()).get("id").asText()).isEqualTo("id-1");
    assertThat(sender.pending()).isZero();
  }

  @Test
  void aReceiverAnswering500ThreeTimesGetsTheMessageOnceWithTheSameId() throws Exception {
    receiver.answering(500, 500, 500);
    sender(10, 5, Duration.ofSeconds(5))
        .offer(target("flaky", Target.Format.CLOUDEVENTS, false), PayloadsTest.ROLLED_BACK, "id-7");

    await().atMost(SOON).until(() -> count("flaky", "sent") == 1);
    assertThat(receiver.requests).hasSize(4);
    assertThat(receiver.requests)
        .extracting(r -> JSON.readTree(r.body()).get("id").asText())
        .containsOnly("id-7");
    assertThat(count("flaky", "retried")).isEqualTo(3);
    assertThat(count("flaky", "failed")).isZero();
    assertThat(sender.pending()).isZero();
  }

  @Test
  void tooManyRequestsIsRetriedAndOther4xxAreNot() {
    receiver.answering(429, 404);
    sender(10, 5, Duration.ofSeconds(5))
        .offer(target("gone", Target.Format.SLACK, false), PayloadsTest.ROLLED_BACK, "id");

    await().atMost(SOON).until(() -> count("gone", "failed") == 1);
    assertThat(receiver.requests).hasSize(2);
    assertThat(count("gone", "retried")).isEqualTo(1);
    assertThat(count("gone", "sent")).isZero();
  }

  @Test
  void givesUpAfterTheLastAttempt() {
    receiver.answering(503, 503, 503, 503);
    sender(10, 3, Duration.ofSeconds(5))
        .offer(target("down", Target.Format.SLACK, false), PayloadsTest.ROLLED_BACK, "id");

    await().atMost(SOON).until(() -> count("down", "failed") == 1);
    assertThat(receiver.requests).hasSize(3);
    assertThat(count("down", "retried")).isEqualTo(2);
    assertThat(sender.pending()).isZero();
  }

  @Test
  void aHangingReceiverTimesOutAndIsRetriedWhileOfferReturnsAtOnce() {
    receiver.hanging();
    NotificationSender sender = sender(10, 2, Duration.ofMillis(300));
    Target target = target("hangs", Target.Format.SLACK, false);

    assertThat(sender.offer(target, PayloadsTest.ROLLED_BACK, "id")).isTrue();
    assertThat(sender.pending()).as("queued, not sent on the caller's thread").isEqualTo(1);

    await().atMost(SOON).until(() -> count("hangs", "failed") == 1);
    assertThat(count("hangs", "retried")).isEqualTo(1);
    assertThat(receiver.requests).hasSize(2);
    assertThat(logs.list)
        .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("no answer within"));
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfWaiting() {
    receiver.hanging();
    NotificationSender sender = sender(2, 5, Duration.ofSeconds(30));
    Target target = target("slow", Target.Format.SLACK, false);

    assertThat(sender.offer(target, PayloadsTest.ROLLED_BACK, "1")).isTrue();
    assertThat(sender.offer(target, PayloadsTest.ROLLED_BACK, "2")).isTrue();
    assertThat(sender.offer(target, PayloadsTest.ROLLED_BACK, "3")).isFalse();
    assertThat(sender.offer(target, PayloadsTest.ROLLED_BACK, "4")).isFalse();

    assertThat(count("slow", "dropped")).isEqualTo(2);
    assertThat(
            logs.list.stream()
                .filter(
                    e -> e.getFormattedMessage().contains("notifications to target slow dropped")))
        .as("logged once a minute, not per message")
        .hasSize(1);
    receiver.release();
    await().atMost(SOON).until(() -> count("slow", "sent") == 2);
    assertThat(sender.pending()).isZero();
    assertThat(sender.offer(target, PayloadsTest.ROLLED_BACK, "5")).isTrue();
  }

  @Test
  void theSecretUrlAndTokenNeverAppearInTheLog() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort + "/services/T0/B0/XOXB-SECRET-PATH-42";
    secrets.put("dead/url", url);
    secrets.put("dead/token", "TOKEN-SECRET-99");
    secrets.put("notaurl/url", "ftp://files.example/XOXB-SECRET-PATH-43");
    Target dead =
        new Target(
            "dead",
            Target.Format.SLACK,
            new Target.SecretRef("dead", "url"),
            new Target.SecretRef("dead", "token"),
            Set.of(NotificationKind.RolledBack),
            false);
    Target notAUrl =
        new Target(
            "notaurl",
            Target.Format.SLACK,
            new Target.SecretRef("notaurl", "url"),
            null,
            Set.of(NotificationKind.RolledBack),
            false);
    NotificationSender sender = sender(10, 3, Duration.ofSeconds(2));
    sender.offer(dead, PayloadsTest.ROLLED_BACK, "id");
    sender.offer(notAUrl, PayloadsTest.ROLLED_BACK, "id");

    await()
        .atMost(SOON)
        .until(() -> count("dead", "failed") == 1 && count("notaurl", "failed") == 1);
    assertThat(count("dead", "retried")).as("connection refused is retried").isEqualTo(2);
    List<String> lines =
        logs.list.stream()
            .map(
                e ->
                    e.getFormattedMessage()
                        + (e.getThrowableProxy() != null ? e.getThrowableProxy().getMessage() : ""))
            .toList();
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("target dead failed"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("target notaurl failed"));
    assertThat(String.join("\n", lines))
        .doesNotContain("XOXB-SECRET-PATH")
        .doesNotContain("TOKEN-SECRET-99")
        .doesNotContain(String.valueOf(closedPort));
  }

  @Test
  void aMissingSecretFailsNamingTheSecret() {
    Target target =
        new Target(
            "nosecret",
            Target.Format.SLACK,
            new Target.SecretRef("nowhere", "url"),
            null,
            Set.of(NotificationKind.RolledBack),
            false);
    sender(10, 5, Duration.ofSeconds(2)).offer(target, PayloadsTest.ROLLED_BACK, "id");

    await().atMost(SOON).until(() -> count("nosecret", "failed") == 1);
    assertThat(logs.list)
        .anySatisfy(
            e ->
                assertThat(e.getFormattedMessage())
                    .contains(
                        "target nosecret failed: its URL cannot be read: Secret nowhere not found"));
    assertThat(receiver.requests).isEmpty();
  }

  @Test
  void backoffDoublesFromTheFirstDelay() {
    NotificationSender sender =
        new NotificationSender(
            NotificationSender.Settings.DEFAULT,
            ref -> new TokenCache.Failure("unused"),
            (t, o) -> {},
            Clock.systemUTC());
    this.sender = sender;
    assertThat(List.of(sender.backoff(1), sender.backoff(2), sender.backoff(3), sender.backoff(4)))
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8));
  }
}
