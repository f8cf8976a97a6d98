package dev.rollguard.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code kubectl get rollouts} prints from the committed CRD, with the real kubectl: the
 * columns in the order people read them, a rolled-back Rollout on one line of at most 120
 * characters, the canary step visible, and the long message only with {@code -o wide}.
 */
@LocalPlatform(apiServer = true)
class PrinterColumnsIT {

  private static final String NAMESPACE = "printer-columns";
  private static final String MESSAGE =
      "rolled back 5f7c9d0a1e (ghcr.io/shop/checkout:1.4.2) to 3b1e2a7c44"
          + " (ghcr.io/shop/checkout:1.4.1) 42s after the deploy: db-connections = 100 > 30"
          + " (baseline 20 + 50%); held: Deployment checkout paused until a new revision or a retry";

  @BeforeAll
  static void rollouts(Platform platform) {
    CrdFiles.install(platform);
    platform.kubectl("create", "namespace", NAMESPACE).orThrow();

    RolloutStatus rolledBack = new RolloutStatus();
    rolledBack.phase = RolloutStatus.Phase.RolledBack;
    rolledBack.stage = Stage.RolledBack;
    rolledBack.message = MESSAGE;
    rolledBack.currentRevision = new Revision("3b1e2a7c44", List.of("ghcr.io/shop/checkout:1.4.1"));
    rolledBack.stableRevision = new Revision("3b1e2a7c44", List.of("ghcr.io/shop/checkout:1.4.1"));
    create(platform, "checkout", rolledBack);

    RolloutStatus inCanary = new RolloutStatus();
    inCanary.phase = RolloutStatus.Phase.Analysing;
    inCanary.stage = Stage.Canary;
    inCanary.message = "step 1/2: 1 of 10 pods on 7c9d2e4f1a, paused, analysing 2m";
    inCanary.currentRevision = new Revision("7c9d2e4f1a", List.of("ghcr.io/shop/payments:2.0.0"));
    inCanary.stableRevision = new Revision("1a2b3c4d5e", List.of("ghcr.io/shop/payments:1.9.7"));
    inCanary.canary = new CanaryStatus();
    inCanary.canary.step = "1/2";
    inCanary.canary.state = CanaryStatus.State.Paused;
    create(platform, "payments", inCanary);
  }

  @Test
  void columnsComeInTheOrderPeopleReadThemAndFitOneHundredTwentyColumns(Platform platform) {
    List<String> lines =
        platform.kubectl("get", "rollouts", "-n", NAMESPACE).orThrow().stdout().lines().toList();

    assertThat(words(lines.get(0)))
        .containsExactly("NAME", "TARGET", "PHASE", "STEP", "CURRENT", "STABLE", "AGE");
    assertThat(lines)
        .hasSize(3)
        .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(120));
    assertThat(words(row(lines, "checkout")))
        .startsWith(
            "checkout",
            "checkout",
            "RolledBack",
            "ghcr.io/shop/checkout:1.4.1",
            "ghcr.io/shop/checkout:1.4.1");
    assertThat(words(row(lines, "payments")))
        .startsWith(
            "payments",
            "payments",
            "Analysing",
            "1/2",
            "ghcr.io/shop/payments:2.0.0",
            "ghcr.io/shop/payments:1.9.7");
    assertThat(String.join("\n", lines)).doesNotContain("rolled back");
  }

  @Test
  void wideOutputAddsTheLastDecisionAndTheMessageLast(Platform platform) {
    List<String> lines =
        platform
            .kubectl("get", "rollouts", "-n", NAMESPACE, "-o", "wide")
            .orThrow()
            .stdout()
            .lines()
            .toList();

    assertThat(words(lines.get(0)))
        .containsExactly(
            "NAME",
            "TARGET",
            "PHASE",
            "STEP",
            "CURRENT",
            "STABLE",
            "AGE",
            "DECISION",
            "DECIDED",
            "MESSAGE");
    assertThat(row(lines, "checkout")).endsWith(MESSAGE);
    assertThat(row(lines, "payments"))
        .endsWith("step 1/2: 1 of 10 pods on 7c9d2e4f1a, paused, analysing 2m");
  }

  private static void create(Platform platform, String name, RolloutStatus status) {
    String rollout =
        """
        apiVersion: rollguard.dev/v1alpha1
        kind: Rollout
        metadata: {name: %s, namespace: %s}
        spec:
          workloadRef: {kind: Deployment, name: %s}
          guards:
          - {name: db-connections, query: 'sum(pg_stat_activity_count)', max: 150, maxIncrease: "50%%"}
        """
            .formatted(name, NAMESPACE, name);
    platform.kubectlWithInput(rollout, "apply", "-f", "-").orThrow();
    var resource = platform.client().resources(Rollout.class).inNamespace(NAMESPACE).withName(name);
    Rollout current = resource.get();
    current.setStatus(status);
    platform.client().resource(current).updateStatus();
  }

  private static String row(List<String> lines, String name) {
    return lines.stream().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow();
  }

  private static List<String> words(String line) {
    return Arrays.asList(line.strip().split("\\s+"));
  }
}
