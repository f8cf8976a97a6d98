package dev.rollguard.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.testing.CommandResult;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import dev.rollguard.testing.TestExporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kubectl rollguard} against the real API server with the operator running as its own
 * process: every command as a person runs it (through kubectl's plugin lookup), the requests
 * carried out by the operator and its answers reported back, the exit codes of {@code status}, and
 * what a healthy, an analysing, a rolled-back and a held Rollout look like.
 */
@LocalPlatform(cluster = true, prometheus = true)
class KubectlPluginIT {

  private static final Logger LOG = LoggerFactory.getLogger(KubectlPluginIT.class);
  private static final Duration SOON = Duration.ofSeconds(90);

  @Test
  void everyCommandAgainstARunningOperator(Platform platform) throws Exception {
    platform.kubectl("apply", "-f", Tools.repo().resolve("crds").toString()).orThrow();
    platform.kubectl("create", "namespace", "shop").orThrow();
    KubectlPlugin plugin = new KubectlPlugin(platform, platform.kubeconfig());
    try (TestExporter exporter = TestExporter.start();
        OperatorProcess operator =
            OperatorProcess.start(
                "rollguard",
                platform.kubeconfig(),
                platform.logsDir(),
                Map.of(),
                "--namespaces",
                "shop",
                "--prometheus-url",
                platform.prometheusUrl().toString())) {
      platform.addScrapeTarget("app", exporter.address(), Map.of("job", "app"));
      GuardedDeploy shop = new GuardedDeploy(platform, exporter, "shop");
      shop.connections(40);
      shop.awaitHistory();
      shop.deploy("shop/web:1");
      shop.awaitRunning("shop/web:1");
      shop.guard(null);
      shop.awaitPhase(Phase.Healthy);
      String v1 = shop.status().currentRevision.hash;

      // get: the table, in the columns people expect.
      CommandResult get = plugin.run("get", "-n", "shop");
      assertThat(get.exitCode()).as(get.stderr()).isZero();
      List<String> lines = get.stdout().lines().toList();
      assertThat(cells(lines.get(0)))
          .containsExactly("NAME", "PHASE", "STEP", "CURRENT", "STABLE", "LAST DECISION", "AGE");
      assertThat(cells(lines.get(1))).startsWith("web", "Healthy", "-", "shop/web:1", "shop/web:1");
      assertThat(lines.get(1)).contains("Adopted ");

      // status of a healthy Rollout: exit 0.
      CommandResult healthy = plugin.run("status", "web", "-n", "shop");
      assertThat(healthy.exitCode()).as(healthy.stdout() + healthy.stderr()).isZero();
      snapshot(v1, null).assertMatches("status-healthy", healthy.stdout());

      // For scripts: kubectl's own JSON, and still the verdict as exit code.
      CommandResult json = plugin.run("status", "web", "-n", "shop", "-o", "json");
      assertThat(json.exitCode()).isZero();
      assertThat(json.stdout())
          .contains("\"kind\": \"Rollout\"")
          .contains("\"phase\": \"Healthy\"");

      CommandResult version = plugin.run("version");
      assertThat(version.exitCode()).isZero();
      assertThat(version.stdout())
          .containsPattern("kubectl-rollguard \\d+\\.\\d+")
          .contains("rollguard.dev v1alpha1");

      // A watch of the table prints a line when a Rollout's line changes.
      Path watchOutput = platform.runDir().resolve("get-watch.out");
      Process watch = plugin.start(watchOutput, "get", "-n", "shop", "-w");
      try {
        shop.deploy("shop/web:2");
        shop.awaitMeasured();
        String v2 = shop.status().currentRevision.hash;

        // status while analysing: exit 3, and right after an apply it does not say Healthy.
        CommandResult analysing = plugin.run("status", "web", "-n", "shop");
        assertThat(analysing.exitCode()).as(analysing.stdout()).isEqualTo(3);
        snapshot(v1, v2).assertMatches("status-analysing", analysing.stdout());

        // promote: the operator takes the request and the plugin prints its answer.
        CommandResult promote = plugin.run("promote", "web", "-n", "shop");
        assertThat(promote.exitCode()).as(promote.stdout() + promote.stderr()).isZero();
        assertThat(promote.stdout())
            .contains("promote requested: rollguard.dev/promote set on web")
            .contains("Promoted (after ")
            .contains("promoted " + v2);
        assertThat(shop.status().phase).isEqualTo(Phase.Healthy);
        assertThat(plugin.run("status", "web", "-n", "shop").exitCode()).isZero();
        await()
            .atMost(SOON)
            .untilAsserted(
                () ->
                    assertThat(read(watchOutput))
                        .containsPattern("web +Analysing +- +shop/web:2 +shop/web:1")
                        .containsPattern("web +Healthy +- +shop/web:2 +shop/web:2 +Promoted "));
      } finally {
        watch.destroy();
        watch.waitFor(10, TimeUnit.SECONDS);
      }
      String v2 = shop.status().currentRevision.hash;

      // rollback, while `status -w` follows the Rollout as a CI job would: it ends with exit 1.
      shop.deploy("shop/web:3");
      shop.awaitPhase(Phase.Analysing);
      String v3 = shop.status().currentRevision.hash;
      Path followOutput = platform.runDir().resolve("status-watch.out");
      Process follow =
          plugin.start(followOutput, "status", "web", "-n", "shop", "-w", "--timeout", "3m");
      await().atMost(SOON).until(() -> read(followOutput).contains("Phase:"));
      assertThat(follow.isAlive()).as("status -w waits while the revision is analysed").isTrue();
      CommandResult rollback = plugin.run("rollback", "web", "-n", "shop");
      assertThat(rollback.exitCode()).as(rollback.stdout() + rollback.stderr()).isZero();
      assertThat(rollback.stdout()).contains("RolledBack (after ").contains("rolled back " + v3);
      assertThat(follow.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(follow.exitValue()).as(read(followOutput)).isEqualTo(1);
      assertThat(read(followOutput)).contains("Phase:          RolledBack");
      shop.awaitRunning("shop/web:2");

      // Settled: recovered and held, so what status says does not depend on timing.
      await()
          .atMost(SOON)
          .until(
              () ->
                  shop.status().message.endsWith("paused until a new revision or a retry")
                      && shop.status().message.contains("; recovered"));
      CommandResult rolledBack = plugin.run("status", "web", "-n", "shop");
      assertThat(rolledBack.exitCode()).as(rolledBack.stdout()).isEqualTo(1);
      snapshot(v2, v3).assertMatches("status-rolled-back", rolledBack.stdout());

      // A GitOps re-sync applies the failed revision again: held, status exits 1.
      shop.deploy("shop/web:3");
      shop.awaitPhase(Phase.Holding);
      CommandResult held = plugin.run("status", "web", "-n", "shop");
      assertThat(held.exitCode()).as(held.stdout()).isEqualTo(1);
      snapshot(v2, v3).assertMatches("status-held", held.stdout());
      CommandResult heldRow = plugin.run("get", "web", "-n", "shop");
      assertThat(heldRow.stdout())
          .containsPattern("web +Holding +- +shop/web:2 +shop/web:2 +Held ");

      // retry: the held revision is analysed again; then it breaches and is rolled back.
      CommandResult retry = plugin.run("retry", "web", "-n", "shop");
      assertThat(retry.exitCode()).as(retry.stdout() + retry.stderr()).isZero();
      assertThat(retry.stdout()).contains("Retried (after ").contains(v3);
      shop.awaitPhase(Phase.Analysing);
      shop.connections(180);
      shop.awaitPhase(Phase.RolledBack);
      CommandResult breached = plugin.run("status", "web", "-n", "shop");
      assertThat(breached.exitCode()).isEqualTo(1);
      assertThat(breached.stdout())
          .contains("db-connections = 180 > max 150 in 2 consecutive measurements")
          .containsPattern(
              "failed +" + v3 + " +shop/web:3 +failed .* db-connections = 180, bounds <= 150");

      CommandResult report = plugin.run("report", "web", "-n", "shop");
      assertThat(report.exitCode()).as(report.stderr()).isZero();
      assertThat(report.stdout())
          .contains("# Incident: shop/web rolled back " + v3)
          .contains("db-connections");

      // Requests the operator declines: exit 1 with its reason.
      shop.connections(40);
      shop.awaitPhase(Phase.RolledBack);
      CommandResult nothingToPromote = plugin.run("promote", "web", "-n", "shop");
      LOG.info("declined promote:\n{}", nothingToPromote.stdout());
      assertThat(nothingToPromote.exitCode()).isEqualTo(1);
      assertThat(nothingToPromote.stdout()).contains("PromoteIgnored");

      // Wrong command lines and missing objects.
      CommandResult missing = plugin.run("status", "nope", "-n", "shop");
      assertThat(missing.exitCode()).isEqualTo(4);
      assertThat(missing.stderr()).contains("NotFound").contains("nope");
      CommandResult badFlag = plugin.run("get", "--bogus");
      assertThat(badFlag.exitCode()).isEqualTo(2);
      assertThat(badFlag.stderr()).contains("unknown flag: --bogus");
      assertThat(plugin.run("status").exitCode()).isEqualTo(2);
      assertThat(plugin.run("status", "web", "-w", "--timeout", "soon").stderr())
          .contains("--timeout");
      assertThat(operator.alive()).isTrue();
    }
  }

  @Test
  void theUsersOwnCredentialsAndRbacApply(Platform platform) {
    platform.kubectl("apply", "-f", Tools.repo().resolve("crds").toString()).orThrow();
    platform.kubectl("create", "namespace", "team").orThrow();
    platform.kubectl("create", "serviceaccount", "viewer", "-n", "team").orThrow();
    platform
        .kubectl(
            "create",
            "role",
            "rollout-viewer",
            "-n",
            "team",
            "--verb=get,list,watch",
            "--resource=rollouts.rollguard.dev,events")
        .orThrow();
    platform
        .kubectl(
            "create",
            "rolebinding",
            "viewer",
            "-n",
            "team",
            "--role=rollout-viewer",
            "--serviceaccount=team:viewer")
        .orThrow();
    platform
        .kubectlWithInput(
            """
            apiVersion: rollguard.dev/v1alpha1
            kind: Rollout
            metadata: {name: api, namespace: team}
            spec:
              workloadRef: {kind: Deployment, name: api}
              prometheus: {address: "http://prometheus:9090"}
              guards: [{name: errors, query: 'sum(errors)', max: 1}]
            """,
            "apply",
            "-f",
            "-")
        .orThrow();
    ServiceAccountIdentity viewer = ServiceAccountIdentity.issue(platform, "team", "viewer");
    KubectlPlugin plugin = new KubectlPlugin(platform, viewer.kubeconfig);

    // No -n: the namespace of the kubeconfig's context, as kubectl has it.
    CommandResult get = plugin.run("get");
    assertThat(get.exitCode()).as(get.stderr()).isZero();
    assertThat(get.stdout()).containsPattern("api +<none> +- +- +- +- +");
    CommandResult status = plugin.run("status", "api");
    assertThat(status.exitCode()).as("no operator has reported: undecided").isEqualTo(3);
    assertThat(status.stdout()).contains("the operator has not reported on this Rollout yet");

    // A viewer may not make requests: kubectl's own answer, exit 4, nothing changed.
    CommandResult promote = plugin.run("promote", "api", "--timeout", "5s");
    assertThat(promote.exitCode()).isEqualTo(4);
    assertThat(promote.stderr()).contains("forbidden");
    assertThat(
            platform
                .kubectl(
                    "get", "rollout", "api", "-n", "team", "-o", "jsonpath={.metadata.annotations}")
                .stdout())
        .doesNotContain("rollguard.dev/promote");
    // With the rights to ask but no operator running: the request stays, the plugin says so.
    KubectlPlugin admin = new KubectlPlugin(platform, platform.kubeconfig());
    CommandResult unanswered = admin.run("promote", "api", "-n", "team", "--timeout", "3s");
    assertThat(unanswered.exitCode()).isEqualTo(3);
    assertThat(unanswered.stderr())
        .contains("the operator has not taken the request within 3s")
        .contains("The Rollout is <none>");
    assertThat(
            platform
                .kubectl(
                    "get", "rollout", "api", "-n", "team", "-o", "jsonpath={.metadata.annotations}")
                .stdout())
        .contains("rollguard.dev/promote");
    // Nor read another namespace.
    CommandResult elsewhere = plugin.run("get", "-n", "default");
    assertThat(elsewhere.exitCode()).isEqualTo(4);
    assertThat(elsewhere.stderr()).contains("forbidden");
  }

  private static OutputSnapshot snapshot(String stable, String current) {
    return new OutputSnapshot()
        .replace(current, "<new-revision>")
        .replace(stable, "<stable-revision>");
  }

  private static List<String> cells(String line) {
    return Arrays.asList(line.strip().split(" {2,}"));
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
