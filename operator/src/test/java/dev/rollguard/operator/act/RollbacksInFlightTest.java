package dev.rollguard.operator.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RollbacksInFlightTest {

  private final RollbacksInFlight rollbacks = new RollbacksInFlight();

  @Test
  void nothingInFlightMeansNoWait() throws InterruptedException {
    long started = System.nanoTime();
    rollbacks.awaitNone(started + TimeUnit.MINUTES.toNanos(1));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aWaiterGoesOnWhenTheLastRollbackEnds() {
    RollbacksInFlight.Scope first = rollbacks.scope();
    RollbacksInFlight.Scope second = rollbacks.scope();
    first.enter();
    second.enter();
    CompletableFuture<Void> waiter = waitFor(System.nanoTime() + TimeUnit.MINUTES.toNanos(5));

    first.close();
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !waiter.isDone());
    second.close();

    await().atMost(Duration.ofSeconds(10)).until(waiter::isDone);
    assertThat(rollbacks.inFlight()).isZero();
  }

  @Test
  void aWaiterGoesOnAtItsDeadlineWhileRollbacksContinue() {
    RollbacksInFlight.Scope scope = rollbacks.scope();
    scope.enter();
    long started = System.nanoTime();

    CompletableFuture<Void> waiter = waitFor(started + TimeUnit.MILLISECONDS.toNanos(200));

    await().atMost(Duration.ofSeconds(10)).until(waiter::isDone);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(200));
    assertThat(rollbacks.inFlight()).isOne();
  }

  @Test
  void aScopeCountsOnceHoweverOftenItIsEnteredAndNothingUnlessEntered() {
    RollbacksInFlight.Scope entered = rollbacks.scope();
    entered.enter();
    entered.enter();
    RollbacksInFlight.Scope idle = rollbacks.scope();
    assertThat(rollbacks.inFlight()).isOne();

    idle.close();
    assertThat(rollbacks.inFlight()).isOne();
    entered.close();
    entered.close();
    assertThat(rollbacks.inFlight()).isZero();
  }

  private CompletableFuture<Void> waitFor(long deadlineNanos) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            rollbacks.awaitNone(deadlineNanos);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }
}
