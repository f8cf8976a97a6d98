package dev.rollguard.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.measure.RoundKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoundsFirstExecutorTest {

  private final RoundsFirstExecutor executor = new RoundsFirstExecutor(1, Thread::new);
  private final List<String> ran = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() throws InterruptedException {
    release.countDown();
    executor.shutdown();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  /** Shaped like the operator SDK's reconcile task: it names its Rollout in a field. */
  private final class Reconcile implements Runnable {
    private final ResourceID resourceID;

    Reconcile(String name) {
      this.resourceID = new ResourceID(name, "apps");
    }

    @Override
    public void run() {
      ran.add(resourceID.getName());
    }
  }

  private void occupyTheOnlyThread() {
    CountDownLatch started = new CountDownLatch(1);
    executor.execute(holdUntil(started, release));
    await().atMost(Duration.ofSeconds(10)).until(() -> started.getCount() == 0);
  }

  /** A task that counts itself started, then holds its thread until {@code finish}. */
  private static Runnable holdUntil(CountDownLatch started, CountDownLatch finish) {
    return () -> {
      started.countDown();
      try {
        finish.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  private void runQueuedWork() {
    release.countDown();
  }

  @Test
  void aRolloutWhoseRoundFinishedIsReconciledBeforeRoutineWorkQueuedEarlier() {
    occupyTheOnlyThread();
    executor.execute(new Reconcile("routine-1"));
    executor.execute(new Reconcile("routine-2"));
    executor.roundFinished(new ResourceID("breaching", "apps"), RoundKind.MAY_DECIDE);
    executor.execute(new Reconcile("breaching"));
    executor.execute(new Reconcile("routine-3"));

    runQueuedWork();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(ran)
                    .containsExactly("breaching", "routine-1", "routine-2", "routine-3"));
  }

  @Test
  void aRoutineTaskAlreadyQueuedMovesAheadWhenItsRolloutsRoundFinishes() {
    occupyTheOnlyThread();
    executor.execute(new Reconcile("routine-1"));
    executor.execute(new Reconcile("analysing"));
    executor.execute(new Reconcile("routine-2"));
    assertThat(executor.getQueue().size()).isEqualTo(3);

    // The SDK sends no second task while one is queued for the Rollout: the queued one moves.
    executor.roundFinished(new ResourceID("analysing", "apps"), RoundKind.MAY_DECIDE);
    assertThat(executor.getQueue().size()).isEqualTo(3);

    runQueuedWork();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(ran).containsExactly("analysing", "routine-1", "routine-2"));
  }

  @Test
  void roundsRankFirstOnlyUntilTheirReconcileStarts() {
    executor.roundFinished(new ResourceID("analysing", "apps"), RoundKind.MAY_DECIDE);
    executor.execute(new Reconcile("analysing"));
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains("analysing"));

    occupyTheOnlyThread();
    executor.execute(new Reconcile("routine-1"));
    // The Deployment changed, no new round: this reconcile is routine again.
    executor.execute(new Reconcile("analysing"));

    runQueuedWork();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(ran).containsExactly("analysing", "routine-1", "analysing"));
  }

  @Test
  void aQuietRoundGoesAheadOfRoutineWorkButBehindARoundThatMayDecide() {
    occupyTheOnlyThread();
    executor.execute(new Reconcile("routine-1"));
    executor.roundFinished(new ResourceID("passing", "apps"), RoundKind.QUIET);
    executor.execute(new Reconcile("passing"));
    executor.roundFinished(new ResourceID("breaching", "apps"), RoundKind.MAY_DECIDE);
    executor.execute(new Reconcile("breaching"));
    executor.execute(new Reconcile("routine-2"));

    runQueuedWork();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(ran).containsExactly("breaching", "passing", "routine-1", "routine-2"));
  }

  @Test
  void aBreachingRoundGoesAheadOfRoundsThatMayDecideSomethingElse() {
    occupyTheOnlyThread();
    executor.roundFinished(new ResourceID("baseline-1", "apps"), RoundKind.MAY_DECIDE);
    executor.execute(new Reconcile("baseline-1"));
    executor.roundFinished(new ResourceID("passing", "apps"), RoundKind.QUIET);
    executor.execute(new Reconcile("passing"));
    executor.roundFinished(new ResourceID("breaching", "apps"), RoundKind.MAY_ROLL_BACK);
    executor.execute(new Reconcile("breaching"));
    executor.roundFinished(new ResourceID("baseline-2", "apps"), RoundKind.MAY_DECIDE);
    executor.execute(new Reconcile("baseline-2"));

    runQueuedWork();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(ran)
                    .containsExactly("breaching", "baseline-1", "baseline-2", "passing"));
  }

  @Test
  void aQueuedRoundMovesUpWhenABreachingRoundFinishesForItsRollout() {
    occupyTheOnlyThread();
    executor.roundFinished(new ResourceID("baseline", "apps"), RoundKind.MAY_DECIDE);
    executor.execute(new Reconcile("baseline"));
    executor.roundFinished(new ResourceID("analysing", "apps"), RoundKind.MAY_DECIDE);
    executor.execute(new Reconcile("analysing"));

    executor.roundFinished(new ResourceID("analysing", "apps"), RoundKind.MAY_ROLL_BACK);
    assertThat(executor.getQueue().size()).isEqualTo(2);

    runQueuedWork();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(ran).containsExactly("analysing", "baseline"));
  }

  @Test
  void aQueuedQuietRoundMovesUpWhenARoundThatMayDecideFinishesForItsRollout() {
    occupyTheOnlyThread();
    executor.roundFinished(new ResourceID("early", "apps"), RoundKind.QUIET);
    executor.execute(new Reconcile("early"));
    executor.roundFinished(new ResourceID("analysing", "apps"), RoundKind.QUIET);
    executor.execute(new Reconcile("analysing"));
    executor.execute(new Reconcile("routine-1"));

    executor.roundFinished(new ResourceID("analysing", "apps"), RoundKind.MAY_DECIDE);
    // A quiet round after a decisive one does not lower its rank.
    executor.roundFinished(new ResourceID("analysing", "apps"), RoundKind.QUIET);
    assertThat(executor.getQueue().size()).isEqualTo(3);

    runQueuedWork();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(ran).containsExactly("analysing", "early", "routine-1"));
  }

  @Test
  void tasksThatNameNoRolloutRunInArrivalOrder() {
    occupyTheOnlyThread();
    executor.execute(() -> ran.add("first"));
    executor.execute(() -> ran.add("second"));

    runQueuedWork();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(ran).containsExactly("first", "second"));
  }

  @Test
  void theSdksReconcileTaskNamesItsRolloutInAField() throws ClassNotFoundException {
    // The rank depends on it; an SDK upgrade that drops the field fails here, not silently.
    Class<?> task =
        Class.forName(
            "io.javaoperatorsdk.operator.processing.event.EventProcessor$ReconcilerExecutor");
    assertThat(task.getDeclaredFields())
        .filteredOn(field -> field.getType() == ResourceID.class)
        .hasSize(1);
  }

  @Test
  void idleThreadsStop() {
    assertThat(executor.allowsCoreThreadTimeOut()).isTrue();
    assertThat(executor.getKeepAliveTime(TimeUnit.SECONDS)).isEqualTo(10);
  }

  @Test
  void aThreadStartsOnlyWhenEveryRunningThreadIsBusyAndStopsWhenIdle() throws Exception {
    RoundsFirstExecutor pool = new RoundsFirstExecutor(4, Thread::new, Duration.ofMillis(200));
    try {
      // One after the other: the one thread takes them all.
      for (int i = 0; i < 20; i++) {
        pool.submit(() -> {}).get(10, TimeUnit.SECONDS);
        // A task's result is out a moment before its thread is idle again.
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.getActiveCount() == 0);
      }
      assertThat(pool.getLargestPoolSize()).isEqualTo(1);

      // Three at once: three threads.
      CountDownLatch running = new CountDownLatch(3);
      CountDownLatch finish = new CountDownLatch(1);
      for (int i = 0; i < 3; i++) {
        pool.execute(holdUntil(running, finish));
      }
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(pool.getPoolSize()).isEqualTo(3);

      // More than the maximum: the rest wait in the queue and still run.
      CountDownLatch queuedRan = new CountDownLatch(5);
      for (int i = 0; i < 5; i++) {
        pool.execute(queuedRan::countDown);
      }
      finish.countDown();
      assertThat(queuedRan.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(pool.getLargestPoolSize()).isEqualTo(4);

      await().atMost(Duration.ofSeconds(10)).until(() -> pool.getPoolSize() == 0);
      // And work after every thread stopped still runs.
      pool.submit(() -> {}).get(10, TimeUnit.SECONDS);
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aRolloutMovedUpAfterEveryThreadStoppedStillRuns() throws Exception {
    RoundsFirstExecutor pool = new RoundsFirstExecutor(2, Thread::new, Duration.ofMillis(200));
    try {
      pool.roundFinished(new ResourceID("analysing", "apps"), RoundKind.MAY_DECIDE);
      pool.execute(new Reconcile("analysing"));
      await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains("analysing"));
      await().atMost(Duration.ofSeconds(10)).until(() -> pool.getPoolSize() == 0);
      pool.execute(new Reconcile("again"));
      await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains("again"));
    } finally {
      pool.shutdown();
    }
  }
}
