package dev.rollguard.operator.decide;

import static dev.rollguard.operator.decide.DeciderFixture.NEXT;
import static dev.rollguard.operator.decide.DeciderFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.NotificationKind;
import dev.rollguard.operator.measure.MeasurementRound.Purpose;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decisions that reach notification targets, and what they carry. */
class NotificationNoticesTest {

  private final DeciderFixture f = new DeciderFixture();

  private List<Notification> notifications() {
    return f.allActions(Notice.Notify.class).stream().map(Notice.Notify::notification).toList();
  }

  private void rolledBack() {
    f.deployWithBaseline(80);
    f.measure(200);
    f.measure(210);
    f.step(NEXT);
  }

  @Test
  void aRollbackIsNotifiedOnceWithGuardValueBoundsRevisionsAndImages() {
    rolledBack();
    f.step(STABLE);

    assertThat(notifications())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.kind()).isEqualTo(NotificationKind.RolledBack);
              assertThat(n.namespace()).isEqualTo("shop");
              assertThat(n.rollout()).isEqualTo("web");
              assertThat(n.deployment()).isEqualTo("web");
              assertThat(n.mode()).isEqualTo("Automatic");
              assertThat(n.at()).isEqualTo(f.clock.instant());
              assertThat(n.breach())
                  .isEqualTo(
                      new Notification.Breach(
                          "db", 210.0, "<= 150, <= 120 (baseline 80 + 50%)", 80.0));
              assertThat(n.revision())
                  .isEqualTo(new Notification.RevisionRef(NEXT.hash(), List.of("shop/web:2")));
              assertThat(n.stableRevision())
                  .isEqualTo(new Notification.RevisionRef(STABLE.hash(), List.of("shop/web:1")));
              assertThat(n.message())
                  .isEqualTo(
                      f.allActions(Notice.Event.class).stream()
                          .filter(e -> e.reason().equals("RolledBack"))
                          .findFirst()
                          .orElseThrow()
                          .message());
            });
  }

  @Test
  void aDryRunRollbackIsNotifiedAsSuch() {
    f.dryRun();
    rolledBack();
    assertThat(notifications())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.kind()).isEqualTo(NotificationKind.RolledBack);
              assertThat(n.dryRun()).isTrue();
              assertThat(n.message()).startsWith("DryRun: would have rolled back");
            });
  }

  @Test
  void aReappliedFailedRevisionIsNotifiedAsHeldOnce() {
    rolledBack();
    f.step(STABLE);
    WorkloadState stablePaused =
        new WorkloadState(
            STABLE.hash(), STABLE.images(), true, "3/3", true, Optional.of(NEXT.hash()));
    WorkloadState failedPaused =
        new WorkloadState(NEXT.hash(), NEXT.images(), false, "0/3", true, Optional.of(NEXT.hash()));
    f.step(stablePaused);
    for (int i = 0; i < 5; i++) {
      f.step(failedPaused);
    }
    List<Notification> held =
        notifications().stream().filter(n -> n.kind() == NotificationKind.Held).toList();
    assertThat(held)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.revision().hash()).isEqualTo(NEXT.hash());
              assertThat(n.revision().images()).containsExactly("shop/web:2");
              assertThat(n.stableRevision().hash()).isEqualTo(STABLE.hash());
              assertThat(n.breach().guard()).isEqualTo("db");
              assertThat(n.breach().value()).isEqualTo(210.0);
              assertThat(n.message()).contains("held failed revision " + NEXT.hash());
            });
  }

  @Test
  void guardsStillOutOfBoundsAfterTheRollbackAreNotifiedAsNotRecovered() {
    rolledBack();
    f.step(STABLE);
    while (f.last.measurement().isPresent()) {
      f.advanceToMeasurement();
      f.step(STABLE, f.values(Purpose.RECOVERY, STABLE.hash(), 300));
    }
    assertThat(notifications().stream().filter(n -> n.kind() == NotificationKind.NotRecovered))
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.breach().guard()).isEqualTo("db");
              assertThat(n.breach().value()).isEqualTo(300.0);
              assertThat(n.breach().baseline()).isEqualTo(80.0);
              assertThat(n.revision().hash()).isEqualTo(NEXT.hash());
              assertThat(n.stableRevision().hash()).isEqualTo(STABLE.hash());
            });
  }

  @Test
  void aPromotionIsNotifiedWithThePreviousStableRevision() {
    f.deployWithBaseline(80);
    f.advance(Duration.ZERO);
    while (f.rollout.getStatus().stableRevision.hash.equals(STABLE.hash())) {
      f.measure(90);
    }
    assertThat(notifications())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.kind()).isEqualTo(NotificationKind.Promoted);
              assertThat(n.breach()).isNull();
              assertThat(n.revision().hash()).isEqualTo(NEXT.hash());
              assertThat(n.stableRevision().hash()).isEqualTo(STABLE.hash());
            });
  }

  @Test
  void aFailedRestoreIsToldFromThePendingRollbackInTheStatus() {
    f.deployWithBaseline(80);
    f.measure(200);
    f.measure(210);
    Notification n =
        Notification.rollbackFailed(
            f.rollout, "ControllerRevision web-aaaaaaaaaa is missing", f.clock.instant());
    assertThat(n.kind()).isEqualTo(NotificationKind.RollbackFailed);
    assertThat(n.message()).isEqualTo("ControllerRevision web-aaaaaaaaaa is missing");
    assertThat(n.breach())
        .isEqualTo(
            new Notification.Breach("db", 210.0, "<= 150, <= 120 (baseline 80 + 50%)", 80.0));
    assertThat(n.revision().hash()).isEqualTo(NEXT.hash());
    assertThat(n.stableRevision().hash()).isEqualTo(STABLE.hash());
  }
}
