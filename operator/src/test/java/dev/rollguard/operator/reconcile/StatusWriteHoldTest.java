package dev.rollguard.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.act.RollbacksInFlight;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.decide.Change;
import dev.rollguard.operator.decide.Decision;
import dev.rollguard.operator.reconcile.StatusWriteHold.Hold;
import dev.rollguard.operator.reconcile.StatusWriteHold.Write;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatusWriteHoldTest {

  private static final Duration LIMIT = Duration.ofSeconds(5);
  private static final ResourceID CHECKOUT = new ResourceID("checkout", "shop");
  private static final ResourceID CART = new ResourceID("cart", "shop");

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final RollbacksInFlight rollbacks = new RollbacksInFlight();
  private final RollbacksInFlight.Scope otherRollback = rollbacks.scope();
  private final StatusWriteHold holds = new StatusWriteHold(rollbacks, LIMIT, now::get);

  @AfterEach
  void endRollback() {
    otherRollback.close();
  }

  @Test
  void withoutRollbacksInFlightAWriteGoesOutAtOnce() {
    assertThat(holds.due(CHECKOUT, routine(), false)).isEqualTo(new Write(Duration.ZERO));
    assertThat(holds.holding(CHECKOUT)).isFalse();
  }

  @Test
  void aRoutineWriteWaitsWhileAnotherRolloutRollsBackAndCountsFromItsFirstHold() {
    otherRollback.enter();

    assertThat(holds.due(CHECKOUT, routine(), false)).isEqualTo(new Hold(LIMIT));
    advance(Duration.ofSeconds(2));
    assertThat(holds.due(CHECKOUT, routine(), false)).isEqualTo(new Hold(Duration.ofSeconds(3)));
    assertThat(holds.holding(CHECKOUT)).isTrue();

    otherRollback.close();
    advance(Duration.ofMillis(500));
    assertThat(holds.due(CHECKOUT, routine(), false)).isEqualTo(new Write(Duration.ofMillis(2500)));
    assertThat(holds.holding(CHECKOUT)).isFalse();
  }

  @Test
  void noWriteWaitsLongerThanTheLimitWhileRollbacksContinue() {
    otherRollback.enter();
    holds.due(CHECKOUT, routine(), false);

    advance(LIMIT.minusNanos(1));
    assertThat(holds.due(CHECKOUT, routine(), false)).isInstanceOf(Hold.class);
    advance(Duration.ofNanos(1));
    assertThat(holds.due(CHECKOUT, routine(), false)).isEqualTo(new Write(LIMIT));

    // A later hold counts afresh.
    advance(Duration.ofSeconds(30));
    assertThat(holds.due(CHECKOUT, routine(), false)).isEqualTo(new Hold(LIMIT));
  }

  @Test
  void aReconcileThatRollsBackIsNeverHeld() {
    otherRollback.enter();

    assertThat(holds.due(CHECKOUT, routine(), true)).isEqualTo(new Write(Duration.ZERO));
  }

  @Test
  void aDecisionThatChangesTheDeploymentIsNeverHeld() {
    otherRollback.enter();
    Decision pause =
        new Decision(
            new RolloutStatus(),
            List.of(new Change.PauseCanary("abc123", "20%")),
            List.of(),
            Optional.empty(),
            Optional.empty());

    assertThat(holds.due(CHECKOUT, pause, false)).isEqualTo(new Write(Duration.ZERO));
  }

  @Test
  void holdsArePerRolloutAndASettledRolloutIsNoLongerHeld() {
    otherRollback.enter();
    holds.due(CHECKOUT, routine(), false);
    advance(Duration.ofSeconds(1));
    holds.due(CART, routine(), false);
    assertThat(holds.holding(CHECKOUT)).isTrue();
    assertThat(holds.holding(CART)).isTrue();

    holds.settled(CHECKOUT);

    assertThat(holds.holding(CHECKOUT)).isFalse();
    assertThat(holds.holding(CART)).isTrue();
    assertThat(holds.due(CART, routine(), false)).isEqualTo(new Hold(LIMIT));
    assertThat(holds.due(CHECKOUT, routine(), false)).isEqualTo(new Hold(LIMIT));
  }

  private void advance(Duration duration) {
    now.addAndGet(duration.toNanos());
  }

  private static Decision routine() {
    return new Decision(
        new RolloutStatus(), List.of(), List.of(), Optional.empty(), Optional.empty());
  }
}
