package dev.rollguard.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import dev.rollguard.testing.TestExporter;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two operator processes, configured as the chart configures two replicas and running with the
 * chart's ServiceAccount: one holds the Lease and acts, the other waits (and is ready, so a rolling
 * update of the operator can proceed). When the leader is killed, the other takes over as soon as
 * the Lease expires, not before, and a revision that breaches during the handover is rolled back
 * exactly once.
 */
@LocalPlatform(cluster = true, prometheus = true)
class LeaderElectionIT {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderElectionIT.class);
  // The lock retries every 2 s with up to 120% jitter: a candidate notices an expired Lease
  // at most 4.4 s after it expired (plus a request).
  private static final Duration NOTICE = Duration.ofSeconds(5);

  @Test
  void onlyTheLeaderActsAndAfterItDiesTheOtherRollsTheBreachingRevisionBackExactlyOnce(
      Platform platform) {
    HelmInstall install =
        HelmInstall.install(
            platform,
            "rollguard",
            "rollguard-system",
            "replicaCount=2",
            "operator.prometheusUrl=" + platform.prometheusUrl());
    Map<String, String> env = install.operatorEnvironment();
    assertThat(env).containsEntry("ROLLGUARD_LEADER_ELECTION", "true");
    String leaseName = env.get("ROLLGUARD_LEADER_ELECTION_LEASE");
    ServiceAccountIdentity account = install.serviceAccount();

    try (TestExporter exporter = TestExporter.start()) {
      platform.addScrapeTarget("app", exporter.address(), Map.of("job", "app"));
      platform.kubectl("create", "namespace", "shop").orThrow();
      GuardedDeploy shop = new GuardedDeploy(platform, exporter, "shop");
      shop.connections(40);
      shop.awaitHistory();
      shop.deploy("shop/web:1");
      shop.awaitRunning("shop/web:1");

      try (OperatorProcess a =
              OperatorProcess.start("rollguard-a", account.kubeconfig, platform.logsDir(), env);
          OperatorProcess b =
              OperatorProcess.start("rollguard-b", account.kubeconfig, platform.logsDir(), env)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> holder(platform, leaseName) != null);
        OperatorProcess leader = holder(platform, leaseName).equals(a.identity) ? a : b;
        OperatorProcess standby = leader == a ? b : a;
        await().atMost(Duration.ofSeconds(60)).until(() -> a.readyz() == 200 && b.readyz() == 200);

        shop.guard(null);
        shop.awaitPhase(Phase.Healthy);
        shop.deploy("shop/web:2");
        shop.awaitMeasured();

        // Only one acts: the standby has not reconciled anything, every event is the leader's.
        assertThat(leader.metric("rollguard_reconcile_total")).isPositive();
        assertThat(standby.metric("rollguard_reconcile_total")).isZero();
        assertThat(shop.events("Rollout"))
            .isNotEmpty()
            .extracting(Event::getReportingInstance)
            .containsOnly(leader.identity);
        assertThat(holder(platform, leaseName)).isEqualTo(leader.identity);

        // The new revision starts to breach as the leader dies without a word (SIGKILL).
        shop.connections(180);
        leader.kill();
        Instant killed = Instant.now();
        Lease lastHeld = lease(platform, leaseName);
        assertThat(lastHeld.getSpec().getHolderIdentity()).isEqualTo(leader.identity);
        Duration leaseDuration = Duration.ofSeconds(lastHeld.getSpec().getLeaseDurationSeconds());

        await()
            .atMost(leaseDuration.plus(NOTICE))
            .until(() -> standby.identity.equals(holder(platform, leaseName)));
        Duration handover = Duration.between(killed, Instant.now());
        Lease taken = lease(platform, leaseName);
        Duration afterLastRenewal =
            Duration.between(
                lastHeld.getSpec().getRenewTime().toInstant(),
                taken.getSpec().getAcquireTime().toInstant());
        LOG.info(
            "handover {} ms after the kill; acquired {} ms after the last renewal (lease {} s)",
            handover.toMillis(),
            afterLastRenewal.toMillis(),
            leaseDuration.toSeconds());
        assertThat(afterLastRenewal)
            .as("not before the Lease expired")
            .isGreaterThanOrEqualTo(leaseDuration)
            .as("as soon as it noticed")
            .isLessThanOrEqualTo(leaseDuration.plus(NOTICE));
        assertThat(taken.getSpec().getLeaseTransitions())
            .isEqualTo(lastHeld.getSpec().getLeaseTransitions() + 1);

        shop.awaitPhase(Phase.RolledBack);
        shop.awaitRunning("shop/web:1");
        // Exactly once, and it stays that way.
        await()
            .atMost(GuardedDeploy.TIMEOUT)
            .until(() -> shop.eventReasons("Deployment").contains("RolledBack"));
        await()
            .during(Duration.ofSeconds(10))
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () -> {
                  assertThat(shop.status().failedRevisions)
                      .singleElement()
                      .satisfies(f -> assertThat(f.images).containsExactly("shop/web:2"));
                  assertThat(shop.status().history)
                      .filteredOn(h -> h.type == HistoryEntry.Type.RolledBack)
                      .hasSize(1);
                  assertThat(shop.events("Rollout"))
                      .filteredOn(e -> e.getReason().equals("RolledBack"))
                      .singleElement()
                      .satisfies(
                          e -> assertThat(e.getReportingInstance()).isEqualTo(standby.identity));
                  assertThat(shop.eventReasons("Deployment"))
                      .filteredOn("RolledBack"::equals)
                      .hasSize(1);
                  // web:1 came back as revision 3 and there is no revision 4: one rollback on the
                  // Deployment.
                  assertThat(shop.replicaSetRevisions()).isEqualTo(List.of("2", "3"));
                });
        assertThat(standby.metric("rollguard_rollbacks_total")).isEqualTo(1.0);
        assertThat(shop.image()).isEqualTo("shop/web:1");
        assertThat(standby.logText()).doesNotContain("Forbidden");
      }
    }
  }

  private static Lease lease(Platform platform, String name) {
    return platform.client().leases().inNamespace("rollguard-system").withName(name).get();
  }

  private static String holder(Platform platform, String name) {
    Lease lease = lease(platform, name);
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }
}
