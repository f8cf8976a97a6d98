package dev.rollguard.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.CanaryStatus;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import dev.rollguard.testing.TestExporter;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator as its own process, killed with SIGKILL at a random moment of a canary and replaced
 * by a new process, five times in a row on one Deployment (10 replicas, {@code maxSurge: 1,
 * maxUnavailable: 0}, one canary step {@code firstBatch}). Healthy and breaching releases
 * alternate. Whatever the moment of the kill, a round ends either promoted (healthy) or rolled back
 * (breaching), and a breaching release never rolls out past its canary: its ReplicaSet, watched
 * throughout, never exceeds one batch over the step.
 *
 * <p>The kill comes at a random delay after the step paused (seeded; the seed is logged, and {@code
 * -Dcanary.restart.seed=N} replays it). A kill before the pause lands leaves a Deployment no one
 * pauses: the rolling update goes on until an operator runs again, which no operator can prevent,
 * so the rounds do not aim there.
 */
@LocalPlatform(cluster = true, prometheus = true)
class CanaryRestartIT {

  private static final Logger LOG = LoggerFactory.getLogger(CanaryRestartIT.class);
  private static final String NAMESPACE = "restart";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final int ROUNDS = 5;
  // kwok pods are Ready about 0.25 s after they are created; real pods take seconds. The rolling
  // update counts a new pod after minReadySeconds, so the first batch waits as a real one would.
  private static final int MIN_READY_SECONDS = 2;

  private record Outcome(
      int round,
      String image,
      boolean breaching,
      long delayMillis,
      String atKill,
      Duration pausedAfter,
      Duration endedAfterKill,
      int largestNewReplicaSet) {}

  @Test
  void anOperatorKilledAtAnyMomentOfACanaryNeverLetsABreachingReleaseRollOut(Platform platform) {
    long seed = Long.getLong("canary.restart.seed", System.nanoTime());
    Random random = new Random(seed);
    LOG.info("canary restart rounds with seed {} (-Dcanary.restart.seed={})", seed, seed);
    var repo = Tools.repo();
    platform
        .kubectl("apply", "-f", repo.resolve("crds/rollouts.rollguard.dev-v1.yml").toString())
        .orThrow();
    platform
        .kubectl(
            "wait", "--for=condition=Established", "crd/rollouts.rollguard.dev", "--timeout=30s")
        .orThrow();
    platform.kubectl("create", "namespace", NAMESPACE).orThrow();
    ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
    List<Outcome> outcomes = new ArrayList<>();
    List<OperatorProcess> operators = new ArrayList<>();
    try (TestExporter exporter = TestExporter.start();
        ReplicaSets replicaSets = new ReplicaSets(platform, exporter)) {
      platform.addScrapeTarget("app", exporter.address(), Map.of("job", "app"));
      deploy(platform, "shop/web:1");
      await().atMost(TIMEOUT).until(() -> replicaSets.available("shop/web:1") == 10);
      operators.add(startOperator(platform, 1));
      guard(platform);
      awaitPhase(platform, Phase.Healthy);

      String stable = "shop/web:1";
      int breaches = 0;
      for (int round = 1; round <= ROUNDS; round++) {
        boolean breaching = round % 2 == 0;
        String image = "shop/web:" + (round + 1) + (breaching ? "-leaky" : "");
        OperatorProcess operator = operators.get(operators.size() - 1);
        await().atMost(TIMEOUT).until(() -> operator.readyz() == 200);

        Instant deployed = Instant.now();
        deploy(platform, image);
        awaitCanary(platform, c -> c.state == CanaryStatus.State.Paused);
        Duration pausedAfter = Duration.between(deployed, Instant.now());

        // Breaches are detected 3 to 5 s after the pause: kill before, during or after the
        // rollback. A healthy step resumes after 10 s, then the rollout completes and bakes.
        long delay = random.nextInt(breaching ? 8_000 : 30_000);
        ScheduledFuture<String> kill =
            killer.schedule(
                () -> {
                  String before = describe(status(platform));
                  operator.kill();
                  return before;
                },
                delay,
                TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofMillis(delay).plus(TIMEOUT)).until(kill::isDone);
        String atKill = kill.get();
        Instant killed = Instant.now();
        LOG.info("round {}: killed {} ms after the pause, in {}", round, delay, atKill);
        OperatorProcess next = startOperator(platform, round + 1);
        operators.add(next);

        if (breaching) {
          breaches++;
          awaitRolledBackTo(platform, stable, image);
          assertThat(status(platform).failedRevisions)
              .as("one rollback per breaching release")
              .hasSize(breaches);
        } else {
          awaitPromoted(platform, image);
          stable = image;
        }
        Duration ended = Duration.between(killed, Instant.now());
        int largest = replicaSets.largest(image);
        outcomes.add(
            new Outcome(round, image, breaching, delay, atKill, pausedAfter, ended, largest));
        LOG.info(
            "round {}: {} {} ended {} ms after the kill; its ReplicaSet reached {} replicas",
            round,
            image,
            breaching ? "rolled back" : "promoted",
            ended.toMillis(),
            largest);
        if (breaching) {
          assertThat(largest)
              .as("round %d: the breaching release never went past one batch over the step", round)
              .isLessThanOrEqualTo(2);
        } else {
          assertThat(largest).as("round %d: promoted, fully rolled out", round).isEqualTo(10);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    } finally {
      killer.shutdownNow();
      operators.forEach(OperatorProcess::close);
      StringBuilder summary = new StringBuilder("seed " + seed + "\n");
      outcomes.forEach(o -> summary.append(o).append('\n'));
      LOG.info("canary restart rounds:\n{}", summary);
    }
    assertThat(outcomes).hasSize(ROUNDS);
  }

  private static OperatorProcess startOperator(Platform platform, int number) {
    return OperatorProcess.start(
        "rollguard-" + number,
        platform.kubeconfig(),
        platform.logsDir(),
        Map.of(),
        "--namespaces",
        NAMESPACE,
        "--prometheus-url",
        platform.prometheusUrl().toString());
  }

  private static void deploy(Platform platform, String image) {
    platform
        .kubectlWithInput(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: %s}
            spec:
              replicas: 10
              minReadySeconds: %d
              strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: "%s"}]
            """
                .formatted(NAMESPACE, MIN_READY_SECONDS, image),
            "apply",
            "-f",
            "-")
        .orThrow();
  }

  /** Connections per pod of the canary against the stable pods, with short test timings. */
  private static void guard(Platform platform) {
    platform
        .kubectlWithInput(
            """
            apiVersion: rollguard.dev/v1alpha1
            kind: Rollout
            metadata: {name: web, namespace: %s}
            spec:
              workloadRef: {kind: Deployment, name: web}
              analysis: {initialDelay: 1s, interval: 2s, bakeTime: 10s, failureLimit: 2, progressDeadline: 90s}
              canary:
                steps:
                - pause: {until: firstBatch, analysis: 10s}
              guards:
              - name: conns-per-pod
                query: 'avg(conns_per_pod{pod_template_hash="{{revision}}"})'
                compare:
                  baseline: 'avg(conns_per_pod{pod_template_hash="{{stableRevision}}"})'
                  maxRatio: 1.5
            """
                .formatted(NAMESPACE),
            "apply",
            "-f",
            "-")
        .orThrow();
  }

  private static RolloutStatus status(Platform platform) {
    Rollout rollout =
        platform.client().resources(Rollout.class).inNamespace(NAMESPACE).withName("web").get();
    return rollout == null || rollout.getStatus() == null
        ? new RolloutStatus()
        : rollout.getStatus();
  }

  private static String describe(RolloutStatus status) {
    CanaryStatus canary = status.canary;
    return status.stage
        + (canary == null ? "" : " step " + canary.step + " " + canary.state)
        + (status.pendingRollback == null ? "" : " (rollback pending)");
  }

  private static Deployment deployment(Platform platform) {
    return platform.client().apps().deployments().inNamespace(NAMESPACE).withName("web").get();
  }

  private static String image(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private static Map<String, String> annotations(Deployment deployment) {
    return deployment.getMetadata().getAnnotations() == null
        ? Map.of()
        : deployment.getMetadata().getAnnotations();
  }

  private static void awaitCanary(Platform platform, Predicate<CanaryStatus> condition) {
    untilAsserted(
        platform,
        () -> assertThat(status(platform).canary).isNotNull().matches(condition::test, "canary"));
  }

  private static void awaitPhase(Platform platform, Phase phase) {
    untilAsserted(platform, () -> assertThat(status(platform).phase).isEqualTo(phase));
  }

  /** Promoted: Healthy on {@code image}, fully rolled out, nothing paused. */
  private static void awaitPromoted(Platform platform, String image) {
    untilAsserted(
        platform,
        () -> {
          RolloutStatus status = status(platform);
          assertThat(status.phase).isEqualTo(Phase.Healthy);
          assertThat(status.stableRevision.images).containsExactly(image);
          Deployment deployment = deployment(platform);
          assertThat(image(deployment)).isEqualTo(image);
          assertThat(deployment.getSpec().getPaused()).isNotEqualTo(Boolean.TRUE);
          assertThat(annotations(deployment)).doesNotContainKey("rollguard.dev/canary-pause");
          assertThat(deployment.getStatus().getUpdatedReplicas()).isEqualTo(10);
          assertThat(deployment.getStatus().getAvailableReplicas()).isEqualTo(10);
        });
  }

  /** Rolled back: {@code stable} runs again, {@code failed} is recorded, the Deployment held. */
  private static void awaitRolledBackTo(Platform platform, String stable, String failed) {
    untilAsserted(
        platform,
        () -> {
          RolloutStatus status = status(platform);
          assertThat(status.phase).isEqualTo(Phase.RolledBack);
          assertThat(status.failedRevisions)
              .last()
              .satisfies(f -> assertThat(f.images).containsExactly(failed));
          Deployment deployment = deployment(platform);
          assertThat(image(deployment)).isEqualTo(stable);
          assertThat(annotations(deployment))
              .doesNotContainKey("rollguard.dev/canary-pause")
              .containsKey("rollguard.dev/held-revision");
          assertThat(deployment.getSpec().getPaused()).isTrue();
          assertThat(deployment.getStatus().getAvailableReplicas()).isEqualTo(10);
        });
  }

  private static void untilAsserted(
      Platform platform, org.awaitility.core.ThrowingRunnable assertion) {
    try {
      await().atMost(TIMEOUT).untilAsserted(assertion);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "Rollout status:\n"
              + Serialization.asYaml(status(platform))
              + "\nDeployment:\n"
              + Serialization.asYaml(deployment(platform).getSpec())
              + Serialization.asYaml(deployment(platform).getStatus()),
          e);
    }
  }

  /**
   * Every change of the ReplicaSets, as a watch delivers it: the largest size each image reached.
   * It also plays the service: a new ReplicaSet's pods report their connections (10, or 40 for an
   * image tagged -leaky) from the moment it exists, before its first pod.
   */
  private static final class ReplicaSets implements AutoCloseable {

    private final Map<String, Integer> largest = new ConcurrentHashMap<>();
    private final Map<String, ReplicaSet> latest = new ConcurrentHashMap<>();
    private final Watch watch;
    private final Watch deployments;

    ReplicaSets(Platform platform, TestExporter exporter) {
      deployments =
          platform
              .client()
              .apps()
              .deployments()
              .inNamespace(NAMESPACE)
              .watch(
                  new Watcher<>() {
                    private String last;

                    @Override
                    public void eventReceived(Action action, Deployment d) {
                      var status = d.getStatus();
                      String now =
                          "Deployment: %s, generation %s (observed %s), paused %s%s, updated %s"
                              .formatted(
                                  CanaryRestartIT.image(d),
                                  d.getMetadata().getGeneration(),
                                  status == null ? null : status.getObservedGeneration(),
                                  d.getSpec().getPaused(),
                                  annotations(d).containsKey("rollguard.dev/canary-pause")
                                      ? " (canary)"
                                      : annotations(d).containsKey("rollguard.dev/held-revision")
                                          ? " (held)"
                                          : "",
                                  status == null ? null : status.getUpdatedReplicas());
                      if (!now.equals(last)) {
                        LOG.info(now);
                        last = now;
                      }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                      LOG.warn("Deployment watch closed", cause);
                    }
                  });
      watch =
          platform
              .client()
              .apps()
              .replicaSets()
              .inNamespace(NAMESPACE)
              .watch(
                  new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ReplicaSet replicaSet) {
                      String image = image(replicaSet);
                      if (action == Action.DELETED) {
                        latest.remove(image);
                        return;
                      }
                      exporter.set(
                          "conns_per_pod{pod_template_hash=\""
                              + replicaSet.getMetadata().getLabels().get("pod-template-hash")
                              + "\"}",
                          image.endsWith("-leaky") ? 40 : 10);
                      ReplicaSet before = latest.put(image, replicaSet);
                      int replicas = replicaSet.getSpec().getReplicas();
                      if (before == null || before.getSpec().getReplicas() != replicas) {
                        LOG.info("ReplicaSet of {} at {} replicas", image, replicas);
                      }
                      largest.merge(image, replicas, Math::max);
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                      LOG.warn("ReplicaSet watch closed", cause);
                    }
                  });
    }

    private static String image(ReplicaSet replicaSet) {
      return replicaSet.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    int largest(String image) {
      return largest.getOrDefault(image, 0);
    }

    int available(String image) {
      ReplicaSet replicaSet = latest.get(image);
      Integer available =
          replicaSet == null || replicaSet.getStatus() == null
              ? null
              : replicaSet.getStatus().getAvailableReplicas();
      return available == null ? 0 : available;
    }

    @Override
    public void close() {
      watch.close();
      deployments.close();
    }
  }
}
