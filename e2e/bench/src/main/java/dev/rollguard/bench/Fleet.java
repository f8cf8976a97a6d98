package dev.rollguard.bench;

import dev.rollguard.operator.api.AnalysisSpec;
import dev.rollguard.operator.api.GuardSpec;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutSpec;
import dev.rollguard.operator.api.WorkloadRef;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

/** N Deployments (one kwok pod each) and N Rollouts with two guards each, in one namespace. */
final class Fleet implements AutoCloseable {

  static final String NAMESPACE = "bench";
  static final String FIRST_IMAGE = "bench/app:1.0.0";

  /** The names of the fleet's Deployments (and of their Rollouts). */
  static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("app-\\d{5}");

  private final KubernetesClient client;
  private final List<String> names;
  private final AnalysisTiming timing;
  private final int replicas;
  private final ExecutorService pool = Executors.newFixedThreadPool(16);

  /** The analysis settings every Rollout of the fleet gets. */
  record AnalysisTiming(String initialDelay, String interval, String bakeTime, int failureLimit) {}

  Fleet(KubernetesClient client, int size, AnalysisTiming timing) {
    this(client, size, timing, 1);
  }

  /**
   * {@code replicas}: of each Deployment; 0 when another controller runs the pods from the
   * Deployment's template (Argo Rollouts' workloadRef).
   */
  Fleet(KubernetesClient client, int size, AnalysisTiming timing, int replicas) {
    this.client = client;
    this.names = IntStream.range(0, size).mapToObj(i -> String.format("app-%05d", i)).toList();
    this.timing = timing;
    this.replicas = replicas;
  }

  /** The query of guard {@code metric} for {@code deployment}, as every controller sends it. */
  static String guardQuery(String metric, String deployment) {
    return "max(" + metric + "{deployment=\"" + deployment + "\"})";
  }

  List<String> names() {
    return names;
  }

  void createNamespace(Duration bound) throws InterruptedException {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    // Pods can only be created once the namespace's default ServiceAccount exists.
    Instant deadline = Instant.now().plus(bound);
    while (client.serviceAccounts().inNamespace(NAMESPACE).withName("default").get() == null) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "no default ServiceAccount in " + NAMESPACE + " after " + bound);
      }
      Thread.sleep(200);
    }
  }

  void createDeployments() {
    inParallel(
        names,
        name ->
            client.apps().deployments().inNamespace(NAMESPACE).resource(deployment(name)).create());
  }

  void createRollouts() {
    inParallel(
        names,
        name ->
            client
                .resources(Rollout.class)
                .inNamespace(NAMESPACE)
                .resource(rollout(name))
                .create());
  }

  /** Creates one object per Deployment name, built by {@code object}, through {@code create}. */
  <T> void createEach(
      java.util.function.Function<String, T> object, java.util.function.Consumer<T> create) {
    inParallel(names, name -> create.accept(object.apply(name)));
  }

  static final String BREACHING_LABEL = "bench.rollguard.dev/breaching-wave";

  /**
   * Labels the Deployments that will breach in wave {@code wave}, so a narrow watch can follow
   * them.
   */
  void markBreaching(Collection<String> deployments, int wave) {
    String patch = "{\"metadata\":{\"labels\":{\"" + BREACHING_LABEL + "\":\"" + wave + "\"}}}";
    inParallel(
        deployments,
        name ->
            client
                .apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .withName(name)
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch));
  }

  /** Gives {@code deployments} a new image; returns when each patch was sent (epoch millis). */
  Map<String, Long> deploy(Collection<String> deployments, String image) {
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    String patch =
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\""
            + image
            + "\"}]}}}}";
    inParallel(
        deployments,
        name -> {
          sentAt.put(name, System.currentTimeMillis());
          client
              .apps()
              .deployments()
              .inNamespace(NAMESPACE)
              .withName(name)
              .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
        });
    return sentAt;
  }

  private Deployment deployment(String name) {
    return new DeploymentBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build())
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(FIRST_IMAGE)
        .endContainer()
        .withTerminationGracePeriodSeconds(0L)
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private Rollout rollout(String name) {
    Rollout rollout = new Rollout();
    rollout.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    RolloutSpec spec = new RolloutSpec();
    spec.workloadRef = new WorkloadRef("Deployment", name);
    spec.analysis = new AnalysisSpec();
    spec.analysis.initialDelay = timing.initialDelay();
    spec.analysis.interval = timing.interval();
    spec.analysis.bakeTime = timing.bakeTime();
    spec.analysis.failureLimit = timing.failureLimit();
    GuardSpec connections =
        new GuardSpec("db-connections", guardQuery(MetricTable.CONNECTIONS, name));
    connections.max = MetricTable.CONNECTIONS_LIMIT;
    GuardSpec errors = new GuardSpec("error-ratio", guardQuery(MetricTable.ERRORS, name));
    errors.max = MetricTable.ERRORS_LIMIT;
    spec.guards = new ArrayList<>(List.of(connections, errors));
    rollout.setSpec(spec);
    return rollout;
  }

  /**
   * Runs {@code action} for every name on the pool; a failed call is retried twice, then fails the
   * run.
   */
  private void inParallel(Collection<String> items, java.util.function.Consumer<String> action) {
    CompletableFuture.allOf(
            items.stream()
                .map(
                    item ->
                        CompletableFuture.runAsync(
                            () -> {
                              for (int attempt = 1; ; attempt++) {
                                try {
                                  action.accept(item);
                                  return;
                                } catch (KubernetesClientException e) {
                                  if (attempt == 3 || e.getCode() == 409 || e.getCode() == 422) {
                                    throw e;
                                  }
                                }
                              }
                            },
                            pool))
                .toArray(CompletableFuture[]::new))
        .join();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
