package dev.rollguard.e2e.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.e2e.packaging.HelmInstall;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incident replay as a canary, measured against the full rollout of today: the release that
 * leaks database connections goes out to a Deployment of four pods ({@code maxSurge: 1,
 * maxUnavailable: 0}). With one canary step ({@code firstBatch}) and a guard comparing the new
 * pods' connections with the stable pods', the leak is caught on the one pod that ran it; without
 * the canary, the rolling update goes on to more pods while the guards judge. Both scenarios run
 * with the same Deployment, load and analysis settings (interval 5 s, failureLimit 2), and each
 * prints the time from the deploy to the rollback, the peak of leaked sessions in PostgreSQL and
 * the pods that ran the leaking image; the class ends with one line comparing the two.
 */
@LocalPlatform(cluster = true, prometheus = true, postgres = true, maxConnections = 200)
class CanaryReplayIT {

  private static final Logger LOG = LoggerFactory.getLogger(CanaryReplayIT.class);

  private static final int PODS = 4;

  /**
   * A real service takes seconds to start; kwok pods are Ready at once, and a rolling update of
   * four of them would be over (measured: 0.9 s) before any controller could pause it. With this
   * the Deployment controller counts a new pod available only after it has been Ready this long, as
   * it would a slow starter: in both scenarios alike.
   */
  private static final int MIN_READY_SECONDS = 5;

  /** Per pod; the leaking release keeps one connection of every second request: 1 a second. */
  private static final int REQUESTS_PER_SECOND = 2;

  private static final String GOOD = "shop/checkout:1.4.1";
  private static final String LEAKY = "shop/checkout:1.4.2-leak";

  private static final String CANARY =
      """
      canary:
        steps:
        - pause: {until: firstBatch, analysis: 30s}
      """;

  /** Connections in use per pod: the new revision's pods against the stable revision's. */
  private static final String CONNECTIONS_PER_POD =
      """
      - name: connections-per-pod
        query: 'avg(hikaricp_connections_active{namespace="{{namespace}}", pod_template_hash="{{revision}}"})'
        compare:
          baseline: 'avg(hikaricp_connections_active{namespace="{{namespace}}", pod_template_hash="{{stableRevision}}"})'
          maxIncrease: "+5"
      """;

  private static ReplayOperator operator;
  private static Measured canary;
  private static Measured fullRollout;

  /** What one scenario cost. */
  record Measured(
      long secondsToRollback, int leakedSessions, int leakyPods, int pods, String guard) {

    String describe() {
      return "rolled back %d s after the deploy (guard %s), peak %d leaked sessions on %d of %d pods"
          .formatted(secondsToRollback, guard, leakedSessions, leakyPods, pods);
    }
  }

  @BeforeAll
  static void start(Platform platform) {
    HelmInstall install =
        HelmInstall.install(
            platform,
            "rollguard",
            "rollguard-system",
            "operator.prometheusUrl=" + platform.prometheusUrl());
    operator =
        new ReplayOperator(
            platform,
            "operator",
            install.serviceAccount().kubeconfig,
            install.operatorEnvironment(),
            "canary",
            "full-rollout");
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (canary != null && fullRollout != null) {
      LOG.info(
          String.format(
              "canary: rolled back %d s after the deploy, peak %d leaked sessions on %d of %d pods;"
                  + " full rollout: %d s, %d sessions on %d of %d pods",
              canary.secondsToRollback,
              canary.leakedSessions,
              canary.leakyPods,
              canary.pods,
              fullRollout.secondsToRollback,
              fullRollout.leakedSessions,
              fullRollout.leakyPods,
              fullRollout.pods));
    }
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void aCanaryCatchesTheLeakOnOnePodOfFourAndTheDatabaseRecovers(Platform platform) {
    try (ReplayWorld w =
            new ReplayWorld(platform, "canary", PODS, REQUESTS_PER_SECOND, MIN_READY_SECONDS);
        SessionSampler sessions = new SessionSampler(platform.jdbcUrl(), w.database())) {
      w.start(GOOD);
      w.rollout(CANARY, CONNECTIONS_PER_POD);
      await()
          .atMost(ReplayWorld.TIMEOUT)
          .until(() -> !w.field("{.status.stableRevision.podTemplateHash}").isEmpty());

      canary = replay(w, sessions);
      LOG.info("canary: {}", canary.describe());

      assertThat(canary.leakyPods).as("pods that ever ran the leaking image").isEqualTo(1);
      assertThat(pausedEvent(w)).contains("at canary step 1/1 with 1 of " + PODS + " pods on ");
      assertThat(w.eventReasons())
          .contains("CanaryStarted", "CanaryPaused", "GuardBreached", "RolledBack", "Recovered")
          .doesNotContain("CanaryStepPassed", "CanaryPassed");
      assertThat(canary.leakedSessions).isBetween(1, 60);
      assertThat(canary.secondsToRollback).isBetween(1L, ReplayWorld.TIMEOUT.toSeconds());
    }
  }

  @Test
  void theSameLeakInAPlainRollingUpdateReachesMorePodsBeforeItIsRolledBack(Platform platform) {
    try (ReplayWorld w =
            new ReplayWorld(
                platform, "full-rollout", PODS, REQUESTS_PER_SECOND, MIN_READY_SECONDS);
        SessionSampler sessions = new SessionSampler(platform.jdbcUrl(), w.database())) {
      w.start(GOOD);
      w.guard();

      fullRollout = replay(w, sessions);
      LOG.info("full rollout: {}", fullRollout.describe());

      assertThat(fullRollout.leakyPods)
          .as("pods that ever ran the leaking image")
          .isBetween(2, PODS);
      assertThat(w.eventReasons())
          .contains("GuardBreached", "RolledBack", "Recovered")
          .doesNotContain("CanaryStarted", "CanaryPaused");
      assertThat(fullRollout.leakedSessions).isBetween(1, 150);
      assertThat(fullRollout.secondsToRollback).isBetween(1L, ReplayWorld.TIMEOUT.toSeconds());
    }
  }

  /**
   * Deploys the leaking release, waits for the rollback and the recovery (the leaked sessions gone,
   * the Deployment back on the good image on every pod), and measures what it cost.
   */
  private static Measured replay(ReplayWorld w, SessionSampler sessions) {
    await().atMost(ReplayWorld.TIMEOUT).until(() -> sessions.current() >= 2 * PODS);
    int baseline = sessions.current();
    sessions.resetPeak();
    Instant deployed = Instant.now();
    w.deploy(LEAKY);
    await().atMost(ReplayWorld.TIMEOUT).until(() -> w.service().runningImages().contains(LEAKY));
    w.awaitPhase("RolledBack");

    assertThat(w.image()).isEqualTo(GOOD);
    assertThat(w.field("{.status.failedRevisions[0].images[0]}")).isEqualTo(LEAKY);
    Instant failedAt = Instant.parse(w.field("{.status.failedRevisions[0].failedAt}"));
    await()
        .atMost(ReplayWorld.TIMEOUT)
        .until(() -> w.service().runningImages().equals(Collections.nCopies(PODS, GOOD)));
    await().atMost(ReplayWorld.TIMEOUT).until(() -> sessions.current() <= baseline + 2);
    await().atMost(ReplayWorld.TIMEOUT).until(() -> w.eventReasons().contains("Recovered"));
    return new Measured(
        Duration.between(deployed, failedAt).toSeconds(),
        sessions.peak() - baseline,
        w.service().podsThatRan(LEAKY).size(),
        PODS,
        w.field("{.status.failedRevisions[0].guard}"));
  }

  private static String pausedEvent(ReplayWorld w) {
    return w.events().stream()
        .filter(e -> "CanaryPaused".equals(e.getReason()))
        .map(Event::getMessage)
        .findFirst()
        .orElse("");
  }
}
