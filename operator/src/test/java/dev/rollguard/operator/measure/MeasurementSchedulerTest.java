package dev.rollguard.operator.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.measure.prometheus.Measurement;
import dev.rollguard.operator.measure.prometheus.MetricsSource;
import dev.rollguard.operator.measure.prometheus.QueryTarget;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MeasurementSchedulerTest {

  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final MetricsSource source =
      (target, promql, at) -> CompletableFuture.completedFuture(new Measurement.Value(at, 1));
  private final List<Duration> lateness = new CopyOnWriteArrayList<>();
  private final List<ResourceID> woken = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  @Test
  void aRoundDueInThePastRunsAtOnceAndReportsHowLateItStarted() {
    var scheduler = scheduler((rollout, decisive) -> woken.add(rollout));
    ResourceID rollout = new ResourceID("api", "shop");

    scheduler.schedule(rollout, job(NOW.minusMillis(2500)));

    await().atMost(Duration.ofSeconds(5)).until(() -> !scheduler.completed(rollout).isEmpty());
    assertThat(lateness).containsExactly(Duration.ofMillis(2500));
    assertThat(woken).containsExactly(rollout);
    assertThat(scheduler.completed(rollout).get(0).results()).containsKey("errors");
  }

  @Test
  void aRoundAlreadyScheduledOrDeliveredIsNotBuiltAgain() {
    var scheduler = scheduler((rollout, decisive) -> woken.add(rollout));
    ResourceID rollout = new ResourceID("api", "shop");
    MeasurementJob later = job(NOW.plusSeconds(60));
    List<String> built = new CopyOnWriteArrayList<>();

    scheduler.schedule(
        rollout,
        later.request(),
        () -> {
          built.add("scheduled");
          return later;
        });
    scheduler.schedule(
        rollout,
        later.request(),
        () -> {
          built.add("again");
          return later;
        });

    MeasurementJob now = job(NOW);
    scheduler.schedule(
        rollout,
        now.request(),
        () -> {
          built.add("replaced");
          return now;
        });
    await().atMost(Duration.ofSeconds(5)).until(() -> !scheduler.completed(rollout).isEmpty());
    scheduler.schedule(
        rollout,
        now.request(),
        () -> {
          built.add("delivered");
          return now;
        });

    assertThat(built).containsExactly("scheduled", "replaced");
  }

  @Test
  void aJobsTokenIsReadWhenItsRoundRunsOnTheTimerAndAnUnreadableOneMakesItInconclusive() {
    var scheduler =
        new MeasurementScheduler(source, timer, Clock.fixed(NOW, ZoneOffset.UTC), woken::add);
    ResourceID rollout = new ResourceID("api", "shop");
    List<Thread> readOn = new CopyOnWriteArrayList<>();
    MeasurementJob plain = job(NOW);
    MeasurementJob withToken =
        new MeasurementJob(
            plain.request(),
            plain.target(),
            plain.queries(),
            Optional.empty(),
            Map.of(),
            Optional.of(
                () -> {
                  readOn.add(Thread.currentThread());
                  return new TokenCache.Failure(
                      "spec.prometheus.bearerTokenSecretRef: Secret prom-token not found");
                }));

    scheduler.schedule(rollout, withToken.request(), () -> withToken);
    await().atMost(Duration.ofSeconds(5)).until(() -> !scheduler.completed(rollout).isEmpty());

    assertThat(readOn).hasSize(1).doesNotContain(Thread.currentThread());
    assertThat(scheduler.completed(rollout).get(0).results().get("errors"))
        .isEqualTo(
            new Measurement.Inconclusive(
                NOW,
                Measurement.Cause.UNREACHABLE,
                "spec.prometheus.bearerTokenSecretRef: Secret prom-token not found"));
  }

  @Test
  void
      aRoundIsDeliveredAsQuietOnlyWhenTheDecidersOutlookSaysSoAndAFailingOutlookCountsAsDecisive() {
    List<String> delivered = new CopyOnWriteArrayList<>();
    var scheduler =
        scheduler(
            (rollout, decisive) ->
                delivered.add(rollout.getName() + (decisive.decisive() ? " decisive" : " quiet")));
    MeasurementJob due = job(NOW);

    scheduler.schedule(
        new ResourceID("passing", "shop"),
        due.request(),
        () -> due,
        round -> round.results().get("errors") instanceof Measurement.Value v && v.value() < 5);
    scheduler.schedule(
        new ResourceID("breaching", "shop"),
        due.request(),
        () -> due,
        round -> round.results().get("errors") instanceof Measurement.Value v && v.value() < 0.5);
    scheduler.schedule(
        new ResourceID("unknown", "shop"),
        due.request(),
        () -> due,
        round -> {
          throw new IllegalStateException("outlook failed");
        });
    scheduler.schedule(new ResourceID("no-outlook", "shop"), due.request(), () -> due);

    await().atMost(Duration.ofSeconds(5)).until(() -> delivered.size() == 4);
    assertThat(delivered)
        .containsExactlyInAnyOrder(
            "passing quiet", "breaching decisive", "unknown decisive", "no-outlook decisive");
  }

  @Test
  void aRoundWithABreachIsDeliveredAsOneThatMayRollBackAndAFailingJudgeCountsAsMayDecide() {
    List<String> delivered = new CopyOnWriteArrayList<>();
    var scheduler = scheduler((rollout, kind) -> delivered.add(rollout.getName() + " " + kind));
    MeasurementJob due = job(NOW);
    java.util.function.Predicate<MeasurementRound> breaching =
        round -> round.results().get("errors") instanceof Measurement.Value v && v.value() >= 0.5;

    // The round's value is 1.0 (see job): it breaches, whatever the quiet outlook says.
    scheduler.schedule(
        new ResourceID("breaching", "shop"), due.request(), () -> due, r -> true, breaching);
    scheduler.schedule(
        new ResourceID("passing", "shop"),
        due.request(),
        () -> due,
        r -> false,
        round -> round.results().get("errors") instanceof Measurement.Value v && v.value() > 5);
    scheduler.schedule(
        new ResourceID("unknown", "shop"),
        due.request(),
        () -> due,
        r -> true,
        round -> {
          throw new IllegalStateException("outlook failed");
        });

    await().atMost(Duration.ofSeconds(5)).until(() -> delivered.size() == 3);
    assertThat(delivered)
        .containsExactlyInAnyOrder(
            "breaching MAY_ROLL_BACK", "passing MAY_DECIDE", "unknown MAY_DECIDE");
  }

  @Test
  void askingAgainForTheSameRoundReplacesItsOutlook() {
    List<Boolean> decisive = new CopyOnWriteArrayList<>();
    var scheduler = scheduler((rollout, d) -> decisive.add(d.decisive()));
    ResourceID rollout = new ResourceID("api", "shop");
    MeasurementJob later = job(NOW.plusMillis(300));

    scheduler.schedule(rollout, later.request(), () -> later, round -> true);
    scheduler.schedule(rollout, later.request(), () -> later, round -> false);

    await().atMost(Duration.ofSeconds(5)).until(() -> decisive.size() == 1);
    assertThat(decisive).containsExactly(true);
  }

  /** A scheduler on a fixed clock that records lateness and tells {@code delivery} of rounds. */
  private MeasurementScheduler scheduler(MeasurementScheduler.Delivery delivery) {
    return new MeasurementScheduler(
        source, timer, Clock.fixed(NOW, ZoneOffset.UTC), delivery, lateness::add);
  }

  private static MeasurementJob job(Instant due) {
    var request =
        new MeasurementRequest(MeasurementRound.Purpose.ANALYSIS, "abc123", due, Optional.empty());
    var target =
        new QueryTarget(
            URI.create("http://prometheus:9090"), Duration.ofSeconds(5), Optional.empty());
    return new MeasurementJob(
        request, Optional.of(target), Map.of("errors", "rate(errors[1m])"), Optional.empty());
  }
}
