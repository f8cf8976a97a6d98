package dev.rollguard.operator.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.Rollout;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.MovableClock;
import dev.rollguard.testing.Platform;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Events recorded within one second keep the order they were recorded in, as the real kubectl shows
 * them: {@code describe}, {@code events} and {@code get events --sort-by=.eventTime}. With
 * second-resolution timestamps alone, kubectl lists the events of one second in any order.
 */
@LocalPlatform(apiServer = true)
class EventOrderIT {

  private static final String NAMESPACE = "event-order";

  /** More than 12 events: kubectl sorts longer lists with another algorithm than short ones. */
  private static final List<String> STORY = story();

  private static List<String> story() {
    List<String> story = new ArrayList<>();
    story.add("Deployed|new revision 5f7c9d0a1e (ghcr.io/shop/checkout:1.4.2)");
    for (int breach = 1; breach <= 10; breach++) {
      story.add(
          "GuardBreached|db-connections = %d > 30 (baseline 20 + 50%%), breach %d of 10"
              .formatted(90 + breach, breach));
    }
    story.add("RolledBack|rolled back 5f7c9d0a1e to 3b1e2a7c44 12s after the deploy");
    story.add("HeldAfterRollback|Deployment checkout paused until a new revision or a retry");
    story.add("Recovered|guards back within bounds 0s after the rollback");
    return List.copyOf(story);
  }

  private static Instant clockStart;

  @BeforeAll
  static void recordOneSecondOfEvents(Platform platform) {
    Rollout rollout = AppliedRollouts.inNewNamespace(platform, NAMESPACE, "checkout", "");

    // Every event in the same second, 50 ms apart, the last two at the same instant.
    clockStart = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    MovableClock clock = new MovableClock(clockStart);
    try (EventRecorder recorder = new EventRecorder(platform.client(), clock, "event-order-it")) {
      for (String event : STORY) {
        String reason = event.substring(0, event.indexOf('|'));
        String message = event.substring(event.indexOf('|') + 1);
        recorder.record(rollout, reason.equals("GuardBreached"), reason, message);
        if (!reason.equals("HeldAfterRollback")) {
          clock.advance(Duration.ofMillis(50));
        }
      }
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                platform.client().v1().events().inNamespace(NAMESPACE).list().getItems().size()
                    == STORY.size());
  }

  @Test
  void describeListsTheEventsOfOneSecondInTheOrderTheyWereRecorded(Platform platform) {
    String described =
        platform.kubectl("describe", "rollout", "checkout", "-n", NAMESPACE).orThrow().stdout();

    assertThat(described).contains("Events:");
    assertThat(
            platform
                .kubectl(
                    "get", "events", "-n", NAMESPACE, "-o", "jsonpath={.items[*].lastTimestamp}")
                .orThrow()
                .stdout()
                .split(" "))
        .as("one second, the resolution of lastTimestamp")
        .hasSize(STORY.size())
        .containsOnly(clockStart.toString());
    assertInStoryOrder(described.substring(described.indexOf("Events:")));
  }

  @Test
  void kubectlEventsListsThemInTheOrderTheyWereRecorded(Platform platform) {
    assertInStoryOrder(platform.kubectl("events", "-n", NAMESPACE).orThrow().stdout());
  }

  @Test
  void getEventsSortedByEventTimeListsThemInTheOrderTheyWereRecorded(Platform platform) {
    String listed =
        platform
            .kubectl(
                "get",
                "events",
                "-n",
                NAMESPACE,
                "--sort-by=.eventTime",
                "-o",
                "custom-columns=TIME:.eventTime,REASON:.reason,MESSAGE:.message")
            .orThrow()
            .stdout();

    assertInStoryOrder(listed);
    assertThat(listed.lines().skip(1).map(line -> line.substring(0, line.indexOf(' '))).toList())
        .hasSize(STORY.size())
        .allSatisfy(time -> assertThat(time).matches("\\d{4}-\\d\\d-\\d\\dT[\\d:]{8}\\.\\d{6}Z"))
        .doesNotHaveDuplicates();
  }

  private static void assertInStoryOrder(String output) {
    int previous = -1;
    for (String event : STORY) {
      String message = event.substring(event.indexOf('|') + 1);
      int at = output.indexOf(message);
      assertThat(at)
          .as("'%s' listed after the event before it, in%n%s", message, output)
          .isGreaterThan(previous);
      previous = at;
    }
  }
}
