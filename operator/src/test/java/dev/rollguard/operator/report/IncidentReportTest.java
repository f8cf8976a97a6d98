package dev.rollguard.operator.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutSpec;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.WorkloadRef;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class IncidentReportTest {

  private static final String BREACH =
      "db-connections = 100 > 30 (baseline 20 + 50%), breach 2 of 2";
  private static final String DECIDED = "rollback decided: db-connections breached 2 times";
  private static final String ROLLED_BACK =
      "rolled back 5f7c9d0a1e to 3b1e2a7c44 12s after the deploy";

  @Test
  void timelineFollowsTheMillisecondsOfTheHistoryWithinOneSecond() {
    Rollout rollout =
        rollout(
            entry("2026-03-01T10:00:00.950Z", HistoryEntry.Type.RolledBack, ROLLED_BACK),
            entry("2026-03-01T10:00:00.120Z", HistoryEntry.Type.Breached, BREACH),
            entry("2026-03-01T10:00:00.480Z", HistoryEntry.Type.RollbackDecided, DECIDED));

    String report = IncidentReport.render(rollout, List.of());

    assertThat(report.indexOf(BREACH)).isPositive().isLessThan(report.indexOf(DECIDED));
    assertThat(report.indexOf(DECIDED)).isLessThan(report.indexOf(ROLLED_BACK));
  }

  @Test
  void eventsOfOneSecondAreListedInTheOrderTheyHappened() {
    Rollout rollout =
        rollout(
            entry("2026-03-01T10:00:00.120Z", HistoryEntry.Type.Breached, BREACH),
            entry("2026-03-01T10:00:00.950Z", HistoryEntry.Type.RolledBack, ROLLED_BACK));
    // Listed by the API server in name order, here the rollback first.
    List<Event> events =
        List.of(
            legacyEvent("a", "RolledBack", ROLLED_BACK, "2026-03-01T10:00:00Z"),
            legacyEvent("b", "GuardBreached", BREACH, "2026-03-01T10:00:00Z"),
            microEvent("c", "Recovered", "recovered", "2026-03-01T10:00:01.000002Z"),
            microEvent("d", "HeldAfterRollback", "held", "2026-03-01T10:00:01.000001Z"));

    String report = IncidentReport.render(rollout, events);
    String eventsSection = report.substring(report.indexOf("## Events"));

    assertThat(eventsSection.indexOf("GuardBreached"))
        .isPositive()
        .isLessThan(eventsSection.indexOf("| RolledBack |"));
    assertThat(eventsSection.indexOf("| RolledBack |"))
        .isLessThan(eventsSection.indexOf("HeldAfterRollback"));
    assertThat(eventsSection.indexOf("HeldAfterRollback"))
        .isLessThan(eventsSection.indexOf("Recovered"));
    assertThat(eventsSection)
        .contains("| 2026-03-01T10:00:01.000001Z | Normal | HeldAfterRollback");
  }

  private static Rollout rollout(HistoryEntry... history) {
    Rollout rollout = new Rollout();
    rollout.setMetadata(new ObjectMetaBuilder().withName("checkout").withNamespace("shop").build());
    RolloutSpec spec = new RolloutSpec();
    spec.workloadRef = new WorkloadRef();
    spec.workloadRef.name = "checkout";
    rollout.setSpec(spec);
    RolloutStatus status = new RolloutStatus();
    status.history.addAll(List.of(history));
    rollout.setStatus(status);
    return rollout;
  }

  private static HistoryEntry entry(String at, HistoryEntry.Type type, String message) {
    return new HistoryEntry(Instant.parse(at), type, "5f7c9d0a1e", message);
  }

  private static Event legacyEvent(String name, String reason, String message, String at) {
    return new EventBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withType("Warning")
        .withReason(reason)
        .withMessage(message)
        .withFirstTimestamp(at)
        .withLastTimestamp(at)
        .build();
  }

  private static Event microEvent(String name, String reason, String message, String at) {
    return new EventBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withType("Normal")
        .withReason(reason)
        .withMessage(message)
        .withEventTime(new MicroTime(at))
        .build();
  }
}
