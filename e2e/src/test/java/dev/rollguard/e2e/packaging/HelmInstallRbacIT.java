package dev.rollguard.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.FailedRevision;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import dev.rollguard.testing.TestExporter;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaging against a real cluster: the plain manifests apply, {@code helm install} succeeds,
 * and the operator, running with nothing but a token of the chart's ServiceAccount, completes a
 * guarded deploy and a rollback, so the RBAC is sufficient; the same identity is refused (by
 * kubectl auth can-i and by real 403s) everything the operator does not need.
 */
@LocalPlatform(cluster = true, prometheus = true)
class HelmInstallRbacIT {

  private static TestExporter exporter;

  @BeforeAll
  static void startExporter(Platform platform) {
    exporter = TestExporter.start();
    platform.addScrapeTarget("app", exporter.address(), Map.of("job", "app"));
  }

  @AfterAll
  static void stopExporter() {
    if (exporter != null) {
      exporter.close();
    }
  }

  @Test
  void thePlainManifestsApplyAndTheirOperatorPodIsAdmittedUnderRestrictedPodSecurity(
      Platform platform) {
    platform.kubectl("apply", "-f", Tools.repo().resolve("deploy").toString()).orThrow();

    platform
        .kubectl(
            "rollout", "status", "deployment/rollguard", "-n", "rollguard-system", "--timeout=90s")
        .orThrow();
    platform
        .kubectl(
            "wait", "--for=condition=Established", "crd/rollouts.rollguard.dev", "--timeout=30s")
        .orThrow();
    assertThat(platform.client().pods().inNamespace("rollguard-system").list().getItems())
        .hasSize(1);
    // The level is really enforced: an unhardened pod is refused in the same namespace.
    var refused =
        platform.kubectl(
            "run", "unhardened", "--image=busybox", "-n", "rollguard-system", "--dry-run=server");
    assertThat(refused.succeeded()).isFalse();
    assertThat(refused.stderr()).contains("violates PodSecurity \"restricted");
  }

  @Test
  void withTheClusterWideChartsAccountTheOperatorRollsBackHoldsAndLetsGoButCanDoNothingMore(
      Platform platform) {
    platform.kubectl("create", "namespace", "shop").orThrow();
    platform
        .kubectl(
            "create",
            "secret",
            "generic",
            "prom-token",
            "-n",
            "shop",
            "--from-literal=token=s3cret")
        .orThrow();
    platform
        .kubectl(
            "create", "secret", "generic", "other", "-n", "shop", "--from-literal=password=hunter2")
        .orThrow();
    HelmInstall install =
        HelmInstall.install(
            platform,
            "rollguard-ha",
            "rollguard-ha",
            "replicaCount=2",
            "operator.prometheusUrl=" + platform.prometheusUrl(),
            "prometheusTokenSecrets[0].namespace=shop",
            "prometheusTokenSecrets[0].name=prom-token");
    assertThat(install.helm("status", "rollguard-ha").orThrow().stdout())
        .contains("STATUS: deployed");
    assertThat(install.operatorEnvironment())
        .containsEntry("ROLLGUARD_LEADER_ELECTION", "true")
        .containsEntry("ROLLGUARD_LEADER_ELECTION_NAMESPACE", "rollguard-ha")
        .containsEntry("ROLLGUARD_LEADER_ELECTION_LEASE", "rollguard-ha-leader")
        .doesNotContainKey("ROLLGUARD_NAMESPACES");

    ServiceAccountIdentity account = install.serviceAccount();
    GuardedDeploy shop = new GuardedDeploy(platform, exporter, "shop");
    shop.connections(40);
    shop.awaitHistory();
    shop.deploy("shop/web:1");
    shop.awaitRunning("shop/web:1");

    try (OperatorProcess operator =
        OperatorProcess.start(
            "rollguard-ha-0",
            account.kubeconfig,
            platform.logsDir(),
            install.operatorEnvironment())) {
      // The Rollout reads its Prometheus token from a Secret: the one the chart grants by name.
      shop.guard("{bearerTokenSecretRef: {name: prom-token, key: token}}");
      shop.awaitPhase(Phase.Healthy);
      assertThat(shop.status().stableRevision.images).containsExactly("shop/web:1");

      shop.deploy("shop/web:2");
      shop.awaitMeasured();
      shop.connections(180);
      shop.awaitPhase(Phase.RolledBack);
      shop.awaitRunning("shop/web:1");

      FailedRevision failed = shop.status().failedRevisions.get(0);
      assertThat(failed.images).containsExactly("shop/web:2");
      assertThat(failed.value).isEqualTo(180.0);
      await()
          .atMost(GuardedDeploy.TIMEOUT)
          .untilAsserted(
              () -> {
                assertThat(shop.eventReasons("Rollout"))
                    .contains("Adopted", "Deployed", "GuardBreached", "RolledBack");
                assertThat(shop.eventReasons("Deployment")).contains("RolledBack");
              });
      assertThat(shop.events("Rollout"))
          .extracting(Event::getReportingInstance)
          .containsOnly("rollguard-ha-0");
      // Leader election with the chart's Lease rights: it holds the Lease and keeps renewing it.
      Lease lease =
          platform
              .client()
              .leases()
              .inNamespace("rollguard-ha")
              .withName("rollguard-ha-leader")
              .get();
      assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("rollguard-ha-0");
      ZonedDateTime renewed = lease.getSpec().getRenewTime();
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () ->
                  !renewed.equals(
                      platform
                          .client()
                          .leases()
                          .inNamespace("rollguard-ha")
                          .withName("rollguard-ha-leader")
                          .get()
                          .getSpec()
                          .getRenewTime()));
      assertThat(operator.alive()).isTrue();

      // A GitOps re-sync brings the failed revision back: it is held, the Deployment paused ...
      await().atMost(GuardedDeploy.TIMEOUT).until(shop::held);
      assertThat(shop.savedRevisions()).isNotEmpty();
      shop.deploy("shop/web:2");
      shop.awaitPhase(Phase.Holding);
      // ... and deleting the Rollout lifts the hold (the operator removes its finalizer) and
      // leaves the Deployment otherwise alone; the saved templates go with the Rollout.
      platform.kubectl("delete", "rollout", "web", "-n", "shop", "--timeout=60s").orThrow();
      assertThat(shop.held()).isFalse();
      assertThat(shop.deployment()).isNotNull();
      await().atMost(GuardedDeploy.TIMEOUT).until(() -> shop.savedRevisions().isEmpty());

      // A 403 as a status code ("code=403", "HTTP 403"), not the digits inside a port such as
      // 40329.
      assertThat(operator.logText())
          .doesNotContain("Forbidden")
          .doesNotContainPattern("(?<![\\d.:])403(?!\\d)");
      assertThat(operator.metric("rollguard_reconcile_total{outcome=\"error\"")).isZero();
    }

    // What the account may do is what the operator needed; around it, everything is refused.
    assertThat(account.canI("patch", "deployments", "shop")).isTrue();
    assertThat(account.canI("delete", "deployments", "shop")).isFalse();
    assertThat(account.canI("create", "deployments", "shop")).isFalse();
    assertThat(account.canI("update", "deployments", "shop")).isFalse();
    assertThat(account.canI("delete", "rollouts.rollguard.dev", "shop")).isFalse();
    assertThat(account.canI("get", "secrets/prom-token", "shop")).isTrue();
    assertThat(account.canI("get", "secrets/other", "shop")).isFalse();
    assertThat(account.canI("list", "secrets", "shop")).isFalse();
    assertThat(account.canI("get", "leases/rollguard-ha-leader", "rollguard-ha")).isTrue();
    assertThat(account.canI("update", "leases/someone-elses", "rollguard-ha")).isFalse();
    assertThat(account.canI("get", "leases/rollguard-ha-leader", "kube-system")).isFalse();
    assertThat(account.canI("create", "pods", "shop")).isFalse();
    try (KubernetesClient client = account.client()) {
      assertForbidden(
          () -> client.apps().deployments().inNamespace("shop").withName("web").delete());
      assertThat(shop.deployment()).as("still there").isNotNull();
      assertForbidden(() -> client.secrets().inNamespace("shop").withName("other").get());
      assertForbidden(() -> client.secrets().inNamespace("shop").list());
      assertForbidden(
          () -> client.resources(Rollout.class).inNamespace("shop").withName("web").delete());
      // ... while what it was granted works with the very same client.
      assertThat(client.secrets().inNamespace("shop").withName("prom-token").get().getData())
          .containsKey("token");
    }
  }

  @Test
  void withANamespacedInstallTheOperatorRollsBackInItsNamespaceAndCannotTouchAnother(
      Platform platform) {
    platform.kubectl("create", "namespace", "team-a").orThrow();
    platform.kubectl("create", "namespace", "team-b").orThrow();
    HelmInstall install =
        HelmInstall.install(
            platform,
            "rollguard-team",
            "rollguard-team",
            "watchNamespaces={team-a}",
            "operator.prometheusUrl=" + platform.prometheusUrl());
    assertThat(install.operatorEnvironment())
        .containsEntry("ROLLGUARD_NAMESPACES", "team-a")
        .containsEntry("ROLLGUARD_LEADER_ELECTION", "false");
    assertThat(
            platform
                .client()
                .rbac()
                .clusterRoles()
                .withLabel("app.kubernetes.io/instance", "rollguard-team")
                .list()
                .getItems())
        .as("no cluster-wide grant")
        .isEmpty();
    assertThat(
            platform
                .client()
                .rbac()
                .clusterRoleBindings()
                .withLabel("app.kubernetes.io/instance", "rollguard-team")
                .list()
                .getItems())
        .isEmpty();
    assertThat(
            platform
                .client()
                .rbac()
                .roles()
                .inAnyNamespace()
                .withLabel("app.kubernetes.io/instance", "rollguard-team")
                .list()
                .getItems())
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactly("team-a");

    ServiceAccountIdentity account = install.serviceAccount();
    GuardedDeploy teamA = new GuardedDeploy(platform, exporter, "team-a");
    GuardedDeploy teamB = new GuardedDeploy(platform, exporter, "team-b");
    teamA.connections(40);
    teamB.connections(40);
    teamA.awaitHistory();
    teamA.deploy("shop/web:1");
    teamB.deploy("shop/web:1");
    teamA.awaitRunning("shop/web:1");

    try (OperatorProcess operator =
        OperatorProcess.start(
            "rollguard-team-0",
            account.kubeconfig,
            platform.logsDir(),
            install.operatorEnvironment())) {
      teamA.guard(null);
      teamB.guard(null);
      teamA.awaitPhase(Phase.Healthy);
      teamA.deploy("shop/web:2");
      teamA.awaitMeasured();
      teamA.connections(200);
      teamA.awaitPhase(Phase.RolledBack);
      teamA.awaitRunning("shop/web:1");
      assertThat(teamA.status().failedRevisions)
          .singleElement()
          .satisfies(f -> assertThat(f.images).containsExactly("shop/web:2"));
      await()
          .atMost(GuardedDeploy.TIMEOUT)
          .until(() -> teamA.eventReasons("Rollout").contains("RolledBack"));

      // The Rollout next door was never looked at.
      assertThat(teamB.status().phase).isNull();
      assertThat(teamB.eventReasons("Rollout")).isEmpty();
      assertThat(operator.logText()).doesNotContain("Forbidden");
      assertThat(operator.metric("rollguard_reconcile_total{outcome=\"error\"")).isZero();
    }

    assertThat(account.canI("patch", "deployments", "team-a")).isTrue();
    assertThat(account.canI("patch", "deployments", "team-b")).isFalse();
    assertThat(account.canI("get", "deployments", "team-b")).isFalse();
    assertThat(account.canI("list", "rollouts.rollguard.dev", "team-b")).isFalse();
    assertThat(account.canI("create", "events", "team-b")).isFalse();
    assertThat(account.canI("create", "controllerrevisions", "team-b")).isFalse();
    assertThat(account.canIEverywhere("list", "deployments")).isFalse();
    assertThat(account.canIEverywhere("watch", "rollouts.rollguard.dev")).isFalse();
    assertThat(account.canI("delete", "deployments", "team-a")).isFalse();
    try (KubernetesClient client = account.client()) {
      assertForbidden(() -> client.apps().deployments().inNamespace("team-b").list());
      assertForbidden(
          () ->
              client
                  .apps()
                  .deployments()
                  .inNamespace("team-b")
                  .withName("web")
                  .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"paused\":true}}"));
      assertThat(teamB.deployment().getSpec().getPaused())
          .as("team-b untouched")
          .isNotEqualTo(Boolean.TRUE);
      assertForbidden(() -> client.resources(Rollout.class).inAnyNamespace().list());
      assertForbidden(() -> client.apps().deployments().inAnyNamespace().list());
      // ... while its own namespace answers.
      assertThat(client.apps().deployments().inNamespace("team-a").list().getItems()).hasSize(1);
    }
  }

  private static void assertForbidden(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403));
  }
}
