package dev.rollguard.operator;

import static dev.rollguard.operator.InProcessRollouts.SOON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.CanaryStatus;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.operator.api.Stage;
import dev.rollguard.operator.decide.WorkloadState;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import dev.rollguard.testing.TestExporter;
import io.fabric8.kubernetes.api.model.Pod;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Canary steps on a full local cluster (controller-manager, scheduler, kwok nodes) with a real
 * Prometheus: 10-replica Deployments rolling out with {@code maxSurge: 1, maxUnavailable: 0},
 * paused by Rollguard at each step. What runs is watched from outside the operator: every
 * ReplicaSet change (a watch) and, while a step is paused, samples of the ReplicaSets and pods
 * every 50 ms.
 *
 * <p>Pods become Ready 1 to 1.5 s after they are scheduled (the platform's default, like containers
 * without a readiness probe); the Deployments set no {@code minReadySeconds}. The pause must land
 * before the first new pod is ready, or the rolling update moves on to the next batch.
 *
 * <p>The "service" reports connections per pod by pod-template-hash: 10 for every revision, 40 for
 * an image tagged {@code -leaky}, set as soon as its ReplicaSet appears (before its first pod).
 */
@LocalPlatform(cluster = true, prometheus = true)
class CanaryIT {

  private static final Logger LOG = LoggerFactory.getLogger(CanaryIT.class);
  private static final String NAMESPACE = "canary";

  private static TestExporter exporter;
  private static InProcessRollouts rollouts;
  private static ReplicaSetLog replicaSets;
  private static Platform platform;

  @BeforeAll
  static void start(Platform thePlatform) {
    platform = thePlatform;
    exporter = TestExporter.start();
    platform.addScrapeTarget("app", exporter.address(), Map.of("job", "app"));
    rollouts = InProcessRollouts.startWithPrometheus(platform, NAMESPACE);
    replicaSets = new ReplicaSetLog(platform, exporter);
  }

  @AfterAll
  static void stop() {
    if (replicaSets != null) {
      replicaSets.close();
    }
    if (rollouts != null) {
      rollouts.close();
    }
    if (exporter != null) {
      exporter.close();
    }
  }

  @Test
  void whileTheFirstBatchStepIsPausedExactlyOnePodRunsTheNewTemplate() {
    String name = "one-pod";
    guarded(name, "- pause: {until: firstBatch, analysis: 20s}", "10m");
    try (Sampler sampler = Sampler.start(name, "shop/app:1", "shop/app:2")) {
      Instant deployed = Instant.now();
      deploy(name, "shop/app:2");
      awaitCanary(name, c -> c.state == CanaryStatus.State.Paused);
      Instant paused = Instant.now();
      await().atMost(SOON).until(() -> rollouts.get(name).getStatus().stage == Stage.Analysing);
      Instant resumed = Instant.now();
      sampler.stop();

      sampler.logChanges();
      List<Sample> inStep = sampler.samples.stream().filter(s -> s.inStep("1/1")).toList();
      assertThat(inStep).as("samples while step 1/1 was paused").isNotEmpty();
      Instant lastInStep = inStep.get(inStep.size() - 1).at;
      Duration covered = Duration.between(inStep.get(0).at, lastInStep);
      // Any growth before the resume shows in the watch, or stays until the samples see it.
      int overshoot =
          Math.max(
              replicaSets.maxReplicas(name, "shop/app:2", lastInStep),
              inStep.stream().mapToInt(Sample::newReplicas).max().orElse(0));
      LOG.info(
          "first batch: paused {} ms after the deploy ({} ms after the Deployment reported the"
              + " first new pod), resumed {} ms after the pause; {} samples ({} while the step"
              + " was paused, over {} ms); largest new ReplicaSet before the resume: {}",
          Duration.between(deployed, paused).toMillis(),
          replicaSets.reaction(name, "shop/app:2").toMillis(),
          Duration.between(paused, resumed).toMillis(),
          sampler.samples.size(),
          inStep.size(),
          covered.toMillis(),
          overshoot);

      assertThat(inStep).as("samples while step 1/1 was paused").hasSizeGreaterThan(50);
      assertThat(covered).as("the samples span the step").isGreaterThan(Duration.ofSeconds(18));
      assertThat(inStep)
          .allSatisfy(
              s -> {
                assertThat(s.newReplicas).as("new ReplicaSet's replicas at %s", s.at).isEqualTo(1);
                assertThat(s.newPods).as("pods of the new template at %s", s.at).isEqualTo(1);
                assertThat(s.oldReplicas)
                    .as("stable ReplicaSet's replicas at %s", s.at)
                    .isEqualTo(10);
                assertThat(s.oldPods).as("pods of the stable template at %s", s.at).isEqualTo(10);
              });
      assertThat(overshoot).as("the new ReplicaSet never grew past the first batch").isEqualTo(1);
      assertThat(rollouts.events(name, "CanaryPaused")).hasSize(1);
      assertThat(rollouts.events(name, "CanaryPassed")).hasSize(1);
    } finally {
      remove(name);
    }
  }

  @Test
  void aHealthyCanaryGoesThroughBothStepsAndIsPromoted() {
    String name = "two-steps";
    guarded(
        name,
        """
        - pause: {until: firstBatch, analysis: 8s}
        - pause: {until: "50%", analysis: 8s}""",
        "8s");
    try {
      deploy(name, "shop/app:2");
      CanaryStatus first = awaitCanary(name, c -> c.state == CanaryStatus.State.Paused);
      assertThat(first.step).isEqualTo("1/2");
      assertThat(first.pods).isEqualTo(1);

      CanaryStatus second =
          awaitCanary(name, c -> "2/2".equals(c.step) && c.state == CanaryStatus.State.Paused);
      int replicasAtSecondPause = replicaSets.current(name, "shop/app:2");
      LOG.info(
          "step 2/2 (50%) paused with {} pods (target {}); new ReplicaSet at {} replicas",
          second.pods, second.targetPods, replicasAtSecondPause);
      assertThat(second.targetPods).isEqualTo(5);
      assertThat(second.pods).as("50%, at most one batch over").isBetween(5, 6);
      assertThat(replicasAtSecondPause).isBetween(5, 6);
      assertThat(deployment(name).getSpec().getPaused()).isTrue();

      awaitPhase(name, Phase.Healthy);
      RolloutStatus status = rollouts.get(name).getStatus();
      assertThat(status.stableRevision.images).containsExactly("shop/app:2");
      assertThat(status.canary).isNull();
      Deployment deployment = deployment(name);
      assertThat(deployment.getSpec().getPaused()).isNotEqualTo(Boolean.TRUE);
      assertThat(annotations(deployment)).doesNotContainKey(WorkloadState.CANARY_PAUSE);
      assertThat(rollouts.events(name, "CanaryStarted")).hasSize(1);
      assertThat(rollouts.events(name, "CanaryPaused")).hasSize(2);
      assertThat(rollouts.events(name, "CanaryStepPassed")).hasSize(1);
      assertThat(rollouts.events(name, "CanaryPassed")).hasSize(1);
      assertThat(rollouts.events(name, "Promoted")).hasSize(1);
      assertThat(replicaSets.current(name, "shop/app:2")).isEqualTo(10);
    } finally {
      remove(name);
    }
  }

  @Test
  void aCanaryBreachingTheComparisonGuardIsRolledBackWhileTheStablePodsStillServe() {
    String name = "breach";
    guarded(name, "- pause: {until: firstBatch, analysis: 5m}", "10m");
    try (Sampler sampler = Sampler.start(name, "shop/app:1", "shop/app:2-leaky")) {
      deploy(name, "shop/app:2-leaky");
      awaitPhase(name, Phase.RolledBack);
      sampler.stop();
      Instant rolledBack = Instant.now();

      RolloutStatus status = rollouts.get(name).getStatus();
      assertThat(status.failedRevisions).singleElement();
      assertThat(status.failedRevisions.get(0).images).containsExactly("shop/app:2-leaky");
      assertThat(status.failedRevisions.get(0).guard).isEqualTo("conns-per-pod");
      assertThat(status.canary).isNull();

      List<Sample> canary = sampler.samples.stream().filter(s -> s.stage == Stage.Canary).toList();
      int largest = replicaSets.maxReplicas(name, "shop/app:2-leaky", rolledBack);
      int fewestStable = canary.stream().mapToInt(Sample::oldPods).min().orElse(-1);
      LOG.info(
          "breach: paused {} ms after the first new pod; {} samples during the canary; new ReplicaSet at most {} replicas; at least {}"
              + " stable pods throughout",
          replicaSets.reaction(name, "shop/app:2-leaky").toMillis(),
          canary.size(),
          largest,
          fewestStable);
      assertThat(canary).isNotEmpty();
      assertThat(largest).as("the canary never had more than one replica").isEqualTo(1);
      assertThat(canary)
          .allSatisfy(
              s -> {
                assertThat(s.newReplicas).as("canary replicas at %s", s.at).isLessThanOrEqualTo(1);
                assertThat(s.oldPods).as("stable pods at %s", s.at).isGreaterThanOrEqualTo(9);
              });

      await()
          .atMost(SOON)
          .untilAsserted(
              () -> {
                Deployment deployment = deployment(name);
                assertThat(image(deployment)).isEqualTo("shop/app:1");
                assertThat(annotations(deployment))
                    .doesNotContainKey(WorkloadState.CANARY_PAUSE)
                    .containsKey(WorkloadState.HELD_REVISION);
                assertThat(deployment.getSpec().getPaused()).isTrue();
              });
      assertThat(replicaSets.current(name, "shop/app:2-leaky")).isZero();
      assertThat(replicaSets.current(name, "shop/app:1")).isEqualTo(10);

      Instant pausedAt = firstEvent(name, "CanaryPaused");
      assertThat(pausedAt).isBefore(firstEvent(name, "GuardBreached"));
      assertThat(pausedAt).isBefore(firstEvent(name, "RolledBack"));
      List<HistoryEntry.Type> history =
          rollouts.get(name).getStatus().history.stream().map(h -> h.type).toList();
      assertThat(history)
          .containsSubsequence(
              HistoryEntry.Type.CanaryStep,
              HistoryEntry.Type.Breached,
              HistoryEntry.Type.RollbackDecided,
              HistoryEntry.Type.RolledBack,
              HistoryEntry.Type.Held);
    } finally {
      remove(name);
    }
  }

  @Test
  void kubectlShowsTheStepAndWhatIsPausedOnIt() {
    String name = "table";
    guarded(
        name,
        """
        - pause: {until: firstBatch, analysis: 10m}
        - pause: {until: "50%", analysis: 10m}""",
        "10m");
    try {
      deploy(name, "shop/app:2");
      awaitCanary(name, c -> c.state == CanaryStatus.State.Paused);
      String revision = rollouts.get(name).getStatus().currentRevision.hash;

      // -o wide: the message is a priority-1 column.
      String table =
          platform.kubectl("get", "rollouts", "-n", NAMESPACE, "-o", "wide").orThrow().stdout();
      LOG.info("kubectl get rollouts:\n{}", table);
      String header = table.lines().findFirst().orElseThrow();
      String row = table.lines().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow();
      // kubectl aligns each value under its column's header.
      int step = header.indexOf("STEP");
      assertThat(step).as("a STEP column").isPositive();
      assertThat(row.substring(step).split("\\s+")[0]).as("the STEP column").isEqualTo("1/2");
      int message = header.indexOf("MESSAGE");
      assertThat(row.substring(message))
          .startsWith("step 1/2: 1 of 10 pods on " + revision + ", paused, analysing 10m");
    } finally {
      remove(name);
    }
  }

  // --- the scenario ---

  /**
   * Deployment {@code name} runs shop/app:1 on 10 replicas and a Rollout with these canary steps
   * (YAML list) and bake time guards it; returns once it is Healthy.
   */
  private static void guarded(String name, String steps, String bakeTime) {
    deploy(name, "shop/app:1");
    await().atMost(SOON).until(() -> replicaSets.available(name, "shop/app:1") == 10);
    platform
        .kubectlWithInput(
            """
            apiVersion: rollguard.dev/v1alpha1
            kind: Rollout
            metadata: {name: %s, namespace: %s}
            spec:
              workloadRef: {kind: Deployment, name: %s}
              analysis: {initialDelay: 1s, interval: 2s, bakeTime: %s, failureLimit: 2, progressDeadline: 60s}
              canary:
                steps:
            %s
              guards:
              - name: conns-per-pod
                query: 'avg(conns_per_pod{deployment="{{deployment}}", pod_template_hash="{{revision}}"})'
                compare:
                  baseline: 'avg(conns_per_pod{deployment="{{deployment}}", pod_template_hash="{{stableRevision}}"})'
                  maxRatio: 1.5
            """
                .formatted(name, NAMESPACE, name, bakeTime, steps.indent(4)),
            "apply",
            "-f",
            "-")
        .orThrow();
    awaitPhase(name, Phase.Healthy);
  }

  /**
   * Deployment {@code name}: 10 replicas of {@code image}, rolling out one pod at a time ({@code
   * maxSurge: 1, maxUnavailable: 0}).
   */
  private static void deploy(String name, String image) {
    platform
        .kubectlWithInput(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: %s, namespace: %s}
            spec:
              replicas: 10
              strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
              selector: {matchLabels: {app: %s}}
              template:
                metadata: {labels: {app: %s}}
                spec:
                  containers: [{name: app, image: "%s"}]
            """
                .formatted(name, NAMESPACE, name, name, image),
            "apply",
            "-f",
            "-")
        .orThrow();
  }

  private static void remove(String name) {
    platform.kubectl("delete", "rollout", name, "-n", NAMESPACE, "--wait=true").orThrow();
    platform.kubectl("delete", "deployment", name, "-n", NAMESPACE, "--wait=false").orThrow();
  }

  private static CanaryStatus awaitCanary(
      String name, java.util.function.Predicate<CanaryStatus> condition) {
    try {
      return await()
          .atMost(SOON)
          .until(
              () -> {
                Rollout rollout = rollouts.get(name);
                return rollout.getStatus() == null ? null : rollout.getStatus().canary;
              },
              c -> c != null && condition.test(c));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "canary of " + name + " not as expected; status:\n" + statusYaml(name), e);
    }
  }

  private static void awaitPhase(String name, Phase phase) {
    try {
      await()
          .atMost(SOON)
          .until(
              () -> {
                Rollout rollout = rollouts.get(name);
                return rollout != null
                    && rollout.getStatus() != null
                    && rollout.getStatus().phase == phase;
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "Rollout " + name + " did not reach phase " + phase + "; status:\n" + statusYaml(name),
          e);
    }
  }

  private static String statusYaml(String name) {
    return Serialization.asYaml(rollouts.get(name).getStatus());
  }

  private static Instant firstEvent(String name, String reason) {
    await().atMost(SOON).until(() -> !rollouts.events(name, reason).isEmpty());
    // To the microsecond: firstTimestamp has whole seconds, and a pause and a breach may fall in
    // the same one.
    return rollouts.events(name, reason).stream()
        .map(
            event ->
                event.getEventTime() != null
                    ? event.getEventTime().getTime()
                    : event.getFirstTimestamp())
        .map(Instant::parse)
        .min(Instant::compareTo)
        .orElseThrow();
  }

  private static Deployment deployment(String name) {
    return rollouts.deployment(name);
  }

  private static Map<String, String> annotations(Deployment deployment) {
    return deployment.getMetadata().getAnnotations() == null
        ? Map.of()
        : deployment.getMetadata().getAnnotations();
  }

  private static String image(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private static String image(ReplicaSet replicaSet) {
    return replicaSet.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private static String hash(ReplicaSet replicaSet) {
    return replicaSet.getMetadata().getLabels().get("pod-template-hash");
  }

  private static String perPod(String deployment, String podTemplateHash) {
    return "conns_per_pod{deployment=\""
        + deployment
        + "\",pod_template_hash=\""
        + podTemplateHash
        + "\"}";
  }

  // --- watching what runs ---

  /**
   * Every ReplicaSet change in the namespace, as a watch delivers it: the largest size each
   * template reached, and when. It also plays the service: a new ReplicaSet's pods report their
   * connections from the moment it exists.
   */
  private static final class ReplicaSetLog implements AutoCloseable {

    record Change(Instant at, String deployment, String image, int replicas) {}

    /** A Deployment as its controller reported it (observed generation current). */
    record DeploymentChange(
        Instant at, String deployment, String image, int updated, boolean canaryPaused) {}

    private final List<DeploymentChange> reported = new CopyOnWriteArrayList<>();

    /**
     * From the Deployment reporting the first pod of {@code image} to it reporting Rollguard's
     * pause: how long the operator took to react.
     */
    Duration reaction(String deployment, String image) {
      var ofImage =
          reported.stream()
              .filter(c -> c.deployment.equals(deployment) && c.image.equals(image))
              .toList();
      Instant firstPod =
          ofImage.stream().filter(c -> c.updated >= 1).map(c -> c.at).findFirst().orElseThrow();
      Instant paused =
          ofImage.stream().filter(c -> c.canaryPaused).map(c -> c.at).findFirst().orElseThrow();
      return Duration.between(firstPod, paused);
    }

    private final List<Change> changes = new CopyOnWriteArrayList<>();
    private final Map<String, ReplicaSet> latest = new ConcurrentHashMap<>();
    private final Watch watch;
    private final Watch deployments;

    ReplicaSetLog(Platform platform, TestExporter exporter) {
      deployments = logDeployments(platform);
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
                      String deployment = replicaSet.getMetadata().getLabels().get("app");
                      if (action == Action.DELETED) {
                        latest.remove(replicaSet.getMetadata().getName());
                        return;
                      }
                      exporter.set(
                          perPod(deployment, hash(replicaSet)),
                          image(replicaSet).endsWith("-leaky") ? 40 : 10);
                      latest.put(replicaSet.getMetadata().getName(), replicaSet);
                      changes.add(
                          new Change(
                              Instant.now(),
                              deployment,
                              image(replicaSet),
                              replicaSet.getSpec().getReplicas()));
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                      LOG.warn("ReplicaSet watch closed", cause);
                    }
                  });
    }

    /** The Deployments' changes, logged: when the template, its pods and the pause came. */
    private Watch logDeployments(Platform platform) {
      return platform
          .client()
          .apps()
          .deployments()
          .inNamespace(NAMESPACE)
          .watch(
              new Watcher<>() {
                @Override
                public void eventReceived(Action action, Deployment d) {
                  var status = d.getStatus();
                  if (status != null
                      && status.getObservedGeneration() != null
                      && status.getObservedGeneration() >= d.getMetadata().getGeneration()) {
                    reported.add(
                        new DeploymentChange(
                            Instant.now(),
                            d.getMetadata().getName(),
                            image(d),
                            status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas(),
                            Boolean.TRUE.equals(d.getSpec().getPaused())
                                && annotations(d).containsKey(WorkloadState.CANARY_PAUSE)));
                  }
                  LOG.info(
                      "deployment {} {}: generation {} observed {}, updated {} of {}, paused {}{}",
                      d.getMetadata().getName(),
                      action,
                      d.getMetadata().getGeneration(),
                      status == null ? null : status.getObservedGeneration(),
                      status == null ? null : status.getUpdatedReplicas(),
                      status == null ? null : status.getReplicas(),
                      d.getSpec().getPaused(),
                      annotations(d).containsKey(WorkloadState.CANARY_PAUSE)
                          ? " (canary pause)"
                          : "");
                }

                @Override
                public void onClose(WatcherException cause) {
                  LOG.warn("Deployment watch closed", cause);
                }
              });
    }

    /** The largest size of the ReplicaSet of {@code image}, seen up to {@code until}. */
    int maxReplicas(String deployment, String image, Instant until) {
      return changes.stream()
          .filter(c -> c.deployment.equals(deployment) && c.image.equals(image))
          .filter(c -> !c.at.isAfter(until))
          .mapToInt(Change::replicas)
          .max()
          .orElse(0);
    }

    /** The current desired size of the ReplicaSet of {@code image} (0 if there is none). */
    int current(String deployment, String image) {
      return find(deployment, image).map(rs -> rs.getSpec().getReplicas()).orElse(0);
    }

    /** Available pods of the ReplicaSet of {@code image}. */
    int available(String deployment, String image) {
      return find(deployment, image)
          .map(rs -> rs.getStatus() == null ? null : rs.getStatus().getAvailableReplicas())
          .map(n -> n == null ? 0 : n)
          .orElse(0);
    }

    private java.util.Optional<ReplicaSet> find(String deployment, String image) {
      return latest.values().stream()
          .filter(rs -> deployment.equals(rs.getMetadata().getLabels().get("app")))
          .filter(rs -> image.equals(image(rs)))
          .findFirst();
    }

    @Override
    public void close() {
      watch.close();
      deployments.close();
    }
  }

  /**
   * One look at what runs: the Rollout's canary status read first, then the ReplicaSets and pods,
   * then the Deployment. A sample counts as taken during the paused step only when the Rollout said
   * so before and the Deployment still carried Rollguard's pause after.
   */
  record Sample(
      Instant at,
      Stage stage,
      String step,
      CanaryStatus.State state,
      int newReplicas,
      int newPods,
      int oldReplicas,
      int oldPods,
      boolean pausedByCanaryAfter) {

    Sample withoutTime() {
      return new Sample(
          Instant.EPOCH,
          stage,
          step,
          state,
          newReplicas,
          newPods,
          oldReplicas,
          oldPods,
          pausedByCanaryAfter);
    }

    boolean inStep(String theStep) {
      return state == CanaryStatus.State.Paused && theStep.equals(step) && pausedByCanaryAfter;
    }
  }

  /** Samples what runs of one Deployment every 50 ms until stopped. */
  private static final class Sampler implements AutoCloseable {

    final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final String name;
    private final String oldImage;
    private final String newImage;

    private Sampler(String name, String oldImage, String newImage) {
      this.name = name;
      this.oldImage = oldImage;
      this.newImage = newImage;
    }

    static Sampler start(String name, String oldImage, String newImage) {
      Sampler sampler = new Sampler(name, oldImage, newImage);
      sampler.executor.scheduleWithFixedDelay(sampler::sample, 0, 50, TimeUnit.MILLISECONDS);
      return sampler;
    }

    private void sample() {
      try {
        Instant at = Instant.now();
        RolloutStatus status = rollouts.get(name).getStatus();
        CanaryStatus canary = status == null ? null : status.canary;
        List<ReplicaSet> sets =
            platform
                .client()
                .apps()
                .replicaSets()
                .inNamespace(NAMESPACE)
                .withLabel("app", name)
                .list()
                .getItems();
        List<Pod> pods =
            platform
                .client()
                .pods()
                .inNamespace(NAMESPACE)
                .withLabel("app", name)
                .list()
                .getItems()
                .stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .toList();
        Deployment deployment = deployment(name);
        boolean pausedByCanary =
            Boolean.TRUE.equals(deployment.getSpec().getPaused())
                && annotations(deployment).containsKey(WorkloadState.CANARY_PAUSE);
        samples.add(
            new Sample(
                at,
                status == null ? null : status.stage,
                canary == null ? null : canary.step,
                canary == null ? null : canary.state,
                replicas(sets, newImage),
                pods(sets, pods, newImage),
                replicas(sets, oldImage),
                pods(sets, pods, oldImage),
                pausedByCanary));
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }

    private static int replicas(List<ReplicaSet> sets, String image) {
      return sets.stream()
          .filter(rs -> image.equals(image(rs)))
          .mapToInt(rs -> rs.getSpec().getReplicas())
          .sum();
    }

    private static int pods(List<ReplicaSet> sets, List<Pod> pods, String image) {
      List<String> hashes = new ArrayList<>();
      sets.stream().filter(rs -> image.equals(image(rs))).forEach(rs -> hashes.add(hash(rs)));
      return (int)
          pods.stream()
              .filter(p -> hashes.contains(p.getMetadata().getLabels().get("pod-template-hash")))
              .count();
    }

    /** Logs each sample that differs from the one before (apart from its time). */
    void logChanges() {
      Sample previous = null;
      for (Sample sample : samples) {
        if (previous == null || !sample.withoutTime().equals(previous.withoutTime())) {
          LOG.info("{} {}: {}", name, sample.at, sample.withoutTime());
        }
        previous = sample;
      }
    }

    void stop() {
      executor.shutdown();
      try {
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      assertThat(failures).as("sampling errors").isEmpty();
    }

    @Override
    public void close() {
      executor.shutdownNow();
    }
  }
}
