package dev.rollguard.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutLineTest {

  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  /** As `kubectl get rollouts -o wide` prints it (the CRD's printer columns). */
  private static final String SERVER_TABLE =
      """
      NAME       TARGET     PHASE        STEP     CURRENT             STABLE              AGE    DECISION     DECIDED   MESSAGE
      checkout   checkout   Analysing    1/2      shop/checkout:1.5   shop/checkout:1.4   120m   Promoted     60m       step 1/2: 1 of 10 pods on 7c9d2e4f1a, paused
      cart       cart       <none>       <none>   <none>              <none>              30s    <none>       <none>    <none>
      """;

  @Test
  void readsTheServersTableByItsColumns() {
    List<Map<String, String>> rows = ServerTable.parse(SERVER_TABLE);
    assertThat(rows.get(0))
        .containsEntry("MESSAGE", "step 1/2: 1 of 10 pods on 7c9d2e4f1a, paused")
        .containsEntry("DECIDED", "60m");
    assertThat(RolloutLine.fromTable(rows.get(0)).row(false))
        .containsExactly(
            "checkout",
            "Analysing",
            "1/2",
            "shop/checkout:1.5",
            "shop/checkout:1.4",
            "Promoted 60m ago",
            "120m");
    assertThat(RolloutLine.fromTable(rows.get(1)).row(false))
        .containsExactly("cart", "<none>", "-", "-", "-", "-", "30s");
    assertThat(ServerTable.parse("")).isEmpty();
  }

  @Test
  void withEveryNamespaceTheNamespaceComesFirst() {
    String table =
        """
        NAMESPACE   NAME   TARGET   PHASE     STEP     CURRENT   STABLE   AGE   DECISION   DECIDED   MESSAGE
        shop        web    web      Healthy   <none>   app:2     app:2    5d    Promoted   4d        promoted
        """;
    assertThat(RolloutLine.fromTable(ServerTable.parse(table).get(0)).row(true))
        .containsExactly("shop", "web", "Healthy", "-", "app:2", "app:2", "Promoted 4d ago", "5d");
  }

  @Test
  void aWatchedObjectReadsAsTheSameLine() {
    var json =
        RolloutJson.tree(
            """
            {"metadata": {"namespace": "shop", "name": "checkout",
                          "creationTimestamp": "2026-11-30T10:00:00Z"},
             "status": {"phase": "RolledBack", "stage": "VerifyingRecovery",
                        "currentRevision": {"hash": "a", "images": ["app:1", "sidecar:3"]},
                        "stableRevision": {"hash": "a", "images": ["app:1", "sidecar:3"]},
                        "lastDecision": {"type": "RolledBack", "at": "2026-11-30T11:58:01Z"}}}
            """);
    RolloutLine line = RolloutLine.fromJson(json, NOW);
    assertThat(line.row(false))
        .containsExactly(
            "checkout", "RolledBack", "-", "app:1", "app:1", "RolledBack 119s ago", "120m");
    String table =
        """
        NAME       TARGET     PHASE        STEP     CURRENT   STABLE   AGE    DECISION     DECIDED   MESSAGE
        checkout   checkout   RolledBack   <none>   app:1     app:1    120m   RolledBack   119s      rolled back
        """;
    assertThat(RolloutLine.fromTable(ServerTable.parse(table).get(0)).row(false))
        .isEqualTo(line.row(false));
  }

  @Test
  void decisionsAreTheHistorysDecisions() {
    assertThat(RolloutLine.isDecision("RolledBack")).isTrue();
    assertThat(RolloutLine.isDecision("Breached")).isFalse();
    assertThat(RolloutLine.isDecision("SomethingNew")).isFalse();
  }

  @Test
  void tablesAlignLikeKubectl() {
    assertThat(Table.render(List.of("NAME", "AGE"), List.of(List.of("a-long-name", "5m"))))
        .isEqualTo("NAME          AGE\na-long-name   5m\n");
  }
}
