package dev.rollguard.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutLineTest {

  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  @Test
  void readsWhatTheTemplatePrints() {
    String output =
        "shop\tcheckout\t2026-11-30T10:00:00Z\tAnalysing\tCanary\t1/2\tshop/checkout:1.5"
            + "\tshop/checkout:1.4\tAdopted 2026-11-30T10:00:05Z;Deployed 2026-11-30T11:58:00Z;"
            + "Promoted 2026-11-30T11:00:00Z;CanaryStep 2026-11-30T11:59:00Z;\n"
            + "shop\tcart\t2026-11-30T11:59:30Z\t\t\t\t\t\t\n";
    List<RolloutLine> lines = RolloutLine.fromTemplateOutput(output);
    assertThat(lines.get(0).row(NOW, false))
        .containsExactly(
            "checkout",
            "Analysing",
            "1/2",
            "shop/checkout:1.5",
            "shop/checkout:1.4",
            "Promoted 60m ago",
            "120m");
    assertThat(lines.get(1).row(NOW, true))
        .containsExactly("shop", "cart", "<none>", "-", "-", "-", "-", "30s");
  }

  @Test
  void readsGoTemplatesMissingValuesAsEmpty() {
    String output =
        "shop\tcheckout\t2026-11-30T10:00:00Z\tHealthy\tStable\t<no value>\tapp:1\tapp:1\t\n";
    assertThat(RolloutLine.fromTemplateOutput(output).get(0).row(NOW, false))
        .containsExactly("checkout", "Healthy", "-", "app:1", "app:1", "-", "120m");
  }

  @Test
  void theStepShowsOnlyWhileTheCanaryRuns() {
    String output = "shop\tcheckout\t2026-11-30T10:00:00Z\tHealthy\tStable\t2/2\tapp:2\tapp:2\t\n";
    assertThat(RolloutLine.fromTemplateOutput(output).get(0).row(NOW, false).get(2)).isEqualTo("-");
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
                        "history": [{"type": "Deployed", "at": "2026-11-30T11:57:00Z"},
                                    {"type": "RollbackDecided", "at": "2026-11-30T11:58:00Z"},
                                    {"type": "RolledBack", "at": "2026-11-30T11:58:01Z"},
                                    {"type": "Inconclusive", "at": "2026-11-30T11:59:00Z"}]}}
            """);
    RolloutLine line = RolloutLine.fromJson(json);
    assertThat(line.row(NOW, false))
        .containsExactly(
            "checkout",
            "RolledBack",
            "-",
            "app:1,sidecar:3",
            "app:1,sidecar:3",
            "RolledBack 119s ago",
            "120m");
    String template =
        "shop\tcheckout\t2026-11-30T10:00:00Z\tRolledBack\tVerifyingRecovery\t\tapp:1,sidecar:3"
            + "\tapp:1,sidecar:3\tDeployed 2026-11-30T11:57:00Z;RollbackDecided"
            + " 2026-11-30T11:58:00Z;RolledBack 2026-11-30T11:58:01Z;Inconclusive"
            + " 2026-11-30T11:59:00Z;\n";
    assertThat(RolloutLine.fromTemplateOutput(template).get(0)).isEqualTo(line);
  }

  @Test
  void tablesAlignLikeKubectl() {
    assertThat(Table.render(List.of("NAME", "AGE"), List.of(List.of("a-long-name", "5m"))))
        .isEqualTo("NAME          AGE\na-long-name   5m\n");
  }
}
