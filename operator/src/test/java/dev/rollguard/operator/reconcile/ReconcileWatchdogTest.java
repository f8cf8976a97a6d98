package dev.rollguard.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.measure.RoundKind;
import dev.rollguard.testing.MovableClock;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReconcileWatchdogTest {

  private final MovableClock clock = new MovableClock(Instant.parse("2026-11-30T10:00:00Z"));
  private final ReconcileWatchdog watchdog = new ReconcileWatchdog(clock, Duration.ofMinutes(5));
  private final ResourceID web = new ResourceID("web", "shop");

  @Test
  void aRolloutWokenAndNeverReconciledIsAStallOnceTheLimitHasPassed() {
    watchdog.woken(web);
    clock.advance(Duration.ofMinutes(5));
    assertThat(watchdog.stalled(id -> true)).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(watchdog.stalled(id -> true))
        .hasValueSatisfying(reason -> assertThat(reason).contains("shop/web").contains("301s"));
  }

  @Test
  void aReconcileAttemptEndsIt() {
    watchdog.woken(web);
    clock.advance(Duration.ofMinutes(3));
    watchdog.attempted(web);
    clock.advance(Duration.ofMinutes(3));
    assertThat(watchdog.stalled(id -> true)).isEmpty();
  }

  @Test
  void laterWakeUpsDoNotMoveTheFirstOneThatWentUnanswered() {
    watchdog.woken(web);
    clock.advance(Duration.ofMinutes(4));
    watchdog.woken(web);
    clock.advance(Duration.ofMinutes(2));
    assertThat(watchdog.stalled(id -> true)).isPresent();
  }

  @Test
  void aDeletedRolloutIsForgotten() {
    watchdog.woken(web);
    clock.advance(Duration.ofMinutes(10));
    assertThat(watchdog.stalled(id -> false)).isEmpty();
    assertThat(watchdog.stalled(id -> true)).as("forgotten, not just skipped").isEmpty();
  }

  @Test
  void aWaitCountsAsQuietOnlyWhileEveryWakeSinceTheLastAttemptWasQuiet() {
    watchdog.woken(web, true);
    clock.advance(Duration.ofSeconds(2));
    assertThat(watchdog.attempted(web))
        .contains(new ReconcileWatchdog.Waited(Duration.ofSeconds(2), true));

    watchdog.woken(web, true);
    clock.advance(Duration.ofSeconds(1));
    watchdog.woken(web, false);
    watchdog.woken(web, true);
    clock.advance(Duration.ofSeconds(1));
    assertThat(watchdog.attempted(web))
        .contains(new ReconcileWatchdog.Waited(Duration.ofSeconds(2), false));

    assertThat(watchdog.attempted(web)).isEmpty();
  }

  @Test
  void aWaitCountsAsBreachingWhenAnyWakeSinceTheLastAttemptWasARoundWithABreach() {
    watchdog.woken(web, RoundKind.QUIET);
    clock.advance(Duration.ofSeconds(1));
    watchdog.woken(web, RoundKind.MAY_ROLL_BACK);
    watchdog.woken(web, RoundKind.QUIET);
    clock.advance(Duration.ofSeconds(1));
    ReconcileWatchdog.Waited waited = watchdog.attempted(web).orElseThrow();

    assertThat(waited).isEqualTo(new ReconcileWatchdog.Waited(Duration.ofSeconds(2), false, true));
    assertThat(waited.step()).isEqualTo("queued_breaching");
    assertThat(new ReconcileWatchdog.Waited(Duration.ZERO, true).step()).isEqualTo("queued_quiet");
    assertThat(new ReconcileWatchdog.Waited(Duration.ZERO, false).step()).isEqualTo("queued");
  }
}
