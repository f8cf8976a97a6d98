package dev.rollguard.operator.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.Rollout;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Events make way for rollbacks in flight: an event recorded while a rollback is between its
 * decision and its restore reaches the API server when that rollback is done, keeping the time it
 * was recorded at; with rollbacks going on without a pause it goes out after the hold limit.
 */
@LocalPlatform(apiServer = true)
class EventsMakeWayIT {

  private static final String NAMESPACE = "events-make-way";
  private static Rollout rollout;

  @BeforeAll
  static void rollout(Platform platform) {
    rollout = AppliedRollouts.inNewNamespace(platform, NAMESPACE, "checkout", "");
  }

  @Test
  void anEventWaitsForTheRollbackInFlightThenKeepsItsTime(Platform platform) {
    RollbacksInFlight rollbacks = new RollbacksInFlight();
    Clock clock = Clock.systemUTC();
    try (EventRecorder recorder = new EventRecorder(platform.client(), clock, "it", rollbacks);
        RollbacksInFlight.Scope rollback = rollbacks.scope()) {
      rollback.enter();
      String recordedAt = clock.instant().toString().substring(0, 19);
      recorder.record(rollout, true, "Waited", "recorded during a rollback");

      await()
          .during(Duration.ofMillis(1500))
          .atMost(Duration.ofSeconds(4))
          .until(() -> events(platform, "Waited").isEmpty());
      rollback.close();

      await().atMost(Duration.ofSeconds(30)).until(() -> events(platform, "Waited").size() == 1);
      assertThat(events(platform, "Waited").get(0).getLastTimestamp()).startsWith(recordedAt);
    }
  }

  @Test
  void anEventGoesOutAfterTheHoldLimitWhileRollbacksContinue(Platform platform) {
    RollbacksInFlight rollbacks = new RollbacksInFlight();
    try (EventRecorder recorder =
            new EventRecorder(platform.client(), Clock.systemUTC(), "it", rollbacks);
        RollbacksInFlight.Scope rollback = rollbacks.scope()) {
      rollback.enter();
      recorder.record(rollout, false, "NotForever", "recorded while rollbacks go on");

      await()
          .atMost(Duration.ofNanos(EventRecorder.HOLD_LIMIT_NANOS).plusSeconds(30))
          .until(() -> events(platform, "NotForever").size() == 1);
      assertThat(rollbacks.inFlight()).isOne();
    }
  }

  @Test
  void withoutRollbacksAnEventGoesOutAtOnce(Platform platform) {
    try (EventRecorder recorder =
        new EventRecorder(platform.client(), Clock.systemUTC(), "it", new RollbacksInFlight())) {
      recorder.record(rollout, false, "AtOnce", "no rollback in flight");

      // Well inside the hold limit: the event did not wait for it.
      await()
          .atMost(Duration.ofNanos(EventRecorder.HOLD_LIMIT_NANOS).minusSeconds(1))
          .until(() -> events(platform, "AtOnce").size() == 1);
    }
  }

  private static List<Event> events(Platform platform, String reason) {
    return platform.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }
}
