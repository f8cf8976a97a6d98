package dev.rollguard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How precisely the canary pauses: for several rolling-update strategies, deploys a new revision
 * under a three-step canary again and again, records every change of the new ReplicaSet's size and
 * of the Rollout's canary status, and prints, per step, how many pods ran the new revision while
 * the step was paused against how many the step asked for (the overshoot), and how long the pause
 * took to land after the ReplicaSet reached the step's share.
 *
 * <p>{@code e2e/bench/canary-overshoot [--rounds 5] [--replicas 10] [--pod-ready-delay 1000] [--out
 * DIR]}; {@code --pod-ready-delay 0} makes pods Ready at once, the hardest case.
 */
public final class CanaryOvershoot {

  private static final String NAMESPACE = "overshoot";
  private static final ResourceDefinitionContext ROLLOUTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("rollguard.dev")
          .withVersion("v1alpha1")
          .withPlural("rollouts")
          .withKind("Rollout")
          .withNamespaced(true)
          .build();
  private static final List<String> STEPS = List.of("firstBatch", "30%", "60%");

  /** A rolling-update strategy under test. */
  record Strategy(String name, String maxSurge, String maxUnavailable) {}

  /** One step of one round: what the step asked for and what ran while it was paused. */
  record StepResult(
      String strategy, int round, int step, int target, int podsWhilePaused, Long pauseMillis) {}

  private record Sample(long nanos, String image, int replicas) {}

  private record RolloutSample(long nanos, String state, int index, int target) {}

  /** The Deployment as its watch reported it: paused, and pods of its current template. */
  private record PauseSample(long nanos, boolean paused, String image, int updated) {}

  public static void main(String[] args) throws Exception {
    Path repo = Path.of(".").toAbsolutePath().normalize();
    Path out = null;
    int rounds = 5;
    int replicas = 10;
    int podReadyDelay = 1000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--repo" -> repo = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--replicas" -> replicas = Integer.parseInt(args[++i]);
        case "--pod-ready-delay" -> podReadyDelay = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (out == null) {
      out = repo.resolve("e2e/bench/results/canary-overshoot");
    }
    Files.createDirectories(out);
    List<Strategy> strategies =
        List.of(
            new Strategy("maxSurge 1, maxUnavailable 0", "1", "0"),
            new Strategy("maxSurge 3, maxUnavailable 0", "3", "0"),
            new Strategy("maxSurge 25%, maxUnavailable 25% (default)", "25%", "25%"));
    List<StepResult> results = new ArrayList<>();
    Path runDir = Files.createTempDirectory("rollguard-canary-overshoot-");
    Log.say("starting the platform (controller-manager, scheduler, kwok)");
    HttpServer prometheus = alwaysOne();
    try (LocalCluster cluster =
        LocalCluster.up(repo.resolve("e2e/platform"), runDir, 2, 110, false, podReadyDelay)) {
      KubernetesClient client = cluster.client();
      client
          .load(Files.newInputStream(repo.resolve("crds/rollouts.rollguard.dev-v1.yml")))
          .serverSideApply();
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
          .serverSideApply();
      try (OperatorProcess operator =
          OperatorProcess.start(
              repo.resolve("operator/target/rollguard-operator.jar"),
              "256m",
              Path.of(cluster.env("KUBECONFIG")),
              "http://127.0.0.1:" + prometheus.getAddress().getPort(),
              List.of("--namespaces", NAMESPACE),
              out.resolve("operator.log"))) {
        Await.until("the operator", Duration.ofMinutes(2), operator::ready, () -> "not ready");
        for (int s = 0; s < strategies.size(); s++) {
          results.addAll(run(client, strategies.get(s), "app" + s, rounds, replicas));
        }
      }
    } finally {
      prometheus.stop(0);
    }
    String table = table(results, strategies, replicas, podReadyDelay);
    System.out.println(table);
    Files.writeString(out.resolve("canary-overshoot.md"), table);
    new ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(out.resolve("canary-overshoot.json").toFile(), results);
    Log.say("written to " + out);
  }

  private static List<StepResult> run(
      KubernetesClient client, Strategy strategy, String name, int rounds, int replicas)
      throws Exception {
    Log.say(strategy.name() + ": " + rounds + " deploys of " + replicas + " replicas");
    List<Sample> sizes = Collections.synchronizedList(new ArrayList<>());
    List<RolloutSample> canary = Collections.synchronizedList(new ArrayList<>());
    List<PauseSample> pauses = Collections.synchronizedList(new ArrayList<>());
    client
        .apps()
        .deployments()
        .inNamespace(NAMESPACE)
        .resource(deployment(name, strategy, replicas, 0))
        .create();
    try (SharedIndexInformer<ReplicaSet> replicaSets =
            client
                .apps()
                .replicaSets()
                .inNamespace(NAMESPACE)
                .withLabel("app", name)
                .inform(handler(rs -> sizes.add(sample(rs))));
        SharedIndexInformer<Deployment> deploymentWatch =
            client
                .apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .withName(name)
                .inform(
                    handler(
                        d ->
                            pauses.add(
                                new PauseSample(
                                    System.nanoTime(),
                                    Boolean.TRUE.equals(d.getSpec().getPaused()),
                                    d.getSpec()
                                        .getTemplate()
                                        .getSpec()
                                        .getContainers()
                                        .get(0)
                                        .getImage(),
                                    updated(d)))));
        SharedIndexInformer<GenericKubernetesResource> rolloutWatch =
            client
                .genericKubernetesResources(ROLLOUTS)
                .inNamespace(NAMESPACE)
                .withName(name)
                .inform(handler(r -> canarySample(r).ifPresent(canary::add)))) {
      Await.until(
          name + " available", Duration.ofMinutes(2), () -> available(client, name, 0), () -> "");
      client
          .genericKubernetesResources(ROLLOUTS)
          .inNamespace(NAMESPACE)
          .resource(rollout(name))
          .create();
      Await.until(
          name + " adopted",
          Duration.ofMinutes(2),
          () -> "Healthy".equals(phase(client, name)),
          () -> "");
      List<StepResult> results = new ArrayList<>();
      for (int r = 1; r <= rounds; r++) {
        final int round = r;
        String image = image(round);
        long start = System.nanoTime();
        client
            .apps()
            .deployments()
            .inNamespace(NAMESPACE)
            .withName(name)
            .edit(d -> deployment(name, strategy, replicas, round));
        Await.until(
            name + " round " + round + " promoted",
            Duration.ofMinutes(5),
            () -> available(client, name, round) && "Healthy".equals(phase(client, name)),
            () -> phase(client, name));
        results.addAll(
            steps(
                strategy.name(),
                round,
                image,
                start,
                snapshot(sizes),
                snapshot(canary),
                snapshot(pauses)));
      }
      return results;
    }
  }

  /**
   * Per step: the most new pods seen while the Deployment was paused for it (from the pause patch
   * to the resume, both as the Deployment's own watch reports them, so that no ReplicaSet change is
   * counted in the wrong step), and how long the pause took after the new ReplicaSet reached the
   * step's share. A firstBatch step asks for the ReplicaSet's first size.
   */
  static List<StepResult> steps(
      String strategy,
      int round,
      String image,
      long start,
      List<Sample> sizes,
      List<RolloutSample> canary,
      List<PauseSample> pauses) {
    List<StepResult> results = new ArrayList<>();
    List<Sample> ours =
        sizes.stream().filter(s -> s.nanos >= start && image.equals(s.image)).toList();
    List<RolloutSample> states = canary.stream().filter(c -> c.nanos >= start).toList();
    List<PauseSample> deployment = pauses.stream().filter(p -> p.nanos >= start).toList();
    long previousPause = Long.MIN_VALUE;
    for (int step = 1; step <= STEPS.size(); step++) {
      final int index = step;
      RolloutSample recorded =
          states.stream()
              .filter(c -> c.index == index && "Paused".equals(c.state))
              .findFirst()
              .orElse(null);
      if (recorded == null) {
        continue;
      }
      // The pause patch that this step's recorded state follows: the pause transition nearest to
      // it (the two arrive on different watches, so either may be seen first).
      final long previousPauseAt = previousPause;
      long pausedAt =
          pauseTransitions(deployment).stream()
              .min(Comparator.comparingLong(t -> Math.abs(t - recorded.nanos)))
              .orElse(recorded.nanos);
      long resumedAt =
          deployment.stream()
              .filter(p -> !p.paused && p.nanos > pausedAt)
              .mapToLong(PauseSample::nanos)
              .findFirst()
              .orElse(Long.MAX_VALUE);
      // The step began when the previous one was resumed (the first, at the deploy).
      long began =
          deployment.stream()
              .filter(p -> !p.paused && p.nanos < pausedAt)
              .mapToLong(PauseSample::nanos)
              .max()
              .orElse(start);
      int atPause =
          ours.stream()
              .filter(s -> s.nanos <= pausedAt)
              .reduce((first, second) -> second)
              .map(Sample::replicas)
              .orElse(0);
      int during =
          ours.stream()
              .filter(s -> s.nanos > pausedAt && s.nanos < resumedAt)
              .mapToInt(Sample::replicas)
              .max()
              .orElse(0);
      int target =
          "firstBatch".equals(STEPS.get(step - 1))
              ? ours.stream()
                  .filter(s -> s.replicas > 0)
                  .mapToInt(Sample::replicas)
                  .findFirst()
                  .orElse(1)
              : recorded.target;
      // From the Deployment reporting the step's pods to its pause, both on its own watch; only
      // when the share was reached during this step (a step whose share an earlier one already
      // passed stays paused, with no pause of its own to time).
      Long lag =
          deployment.stream()
              .filter(
                  d -> d.nanos >= began && image.equals(d.image) && d.updated >= recorded.target)
              .mapToLong(PauseSample::nanos)
              .boxed()
              .findFirst()
              .map(reached -> Math.max(0, (pausedAt - reached) / 1_000_000))
              .filter(ms -> pausedAt != previousPauseAt)
              .orElse(null);
      previousPause = pausedAt;
      results.add(new StepResult(strategy, round, step, target, Math.max(atPause, during), lag));
    }
    return results;
  }

  /** Pods of the current template, once the controller has seen the latest spec. */
  private static int updated(Deployment d) {
    var status = d.getStatus();
    if (status == null
        || status.getObservedGeneration() == null
        || status.getObservedGeneration() < d.getMetadata().getGeneration()
        || status.getUpdatedReplicas() == null) {
      return 0;
    }
    return status.getUpdatedReplicas();
  }

  /** When the Deployment went from running to paused. */
  private static List<Long> pauseTransitions(List<PauseSample> deployment) {
    List<Long> transitions = new ArrayList<>();
    boolean paused = false;
    for (PauseSample sample : deployment) {
      if (sample.paused && !paused) {
        transitions.add(sample.nanos);
      }
      paused = sample.paused;
    }
    return transitions;
  }

  static String table(
      List<StepResult> results, List<Strategy> strategies, int replicas, int podReadyDelay) {
    StringBuilder t = new StringBuilder();
    t.append("Canary pause precision, ")
        .append(replicas)
        .append(" replicas, steps ")
        .append(STEPS)
        .append(" (kwok makes a pod Ready ")
        .append(
            podReadyDelay == 0
                ? "at once"
                : podReadyDelay + " to " + podReadyDelay * 3 / 2 + " ms after scheduling")
        .append(")\n\n");
    t.append(
        "| strategy | step | asks for (firstBatch: the first batch) | new pods while paused (min–max) | steps overshot | by at most | pause after the Deployment reported the share, p50 / max |\n");
    t.append("|---|---|---|---|---|---|---|\n");
    for (Strategy strategy : strategies) {
      for (int step = 1; step <= STEPS.size(); step++) {
        final int index = step;
        List<StepResult> rows =
            results.stream()
                .filter(r -> r.strategy.equals(strategy.name()) && r.step == index)
                .toList();
        if (rows.isEmpty()) {
          continue;
        }
        String target =
            rows.stream()
                .map(r -> String.valueOf(r.target))
                .distinct()
                .collect(java.util.stream.Collectors.joining(" or "));
        int min = rows.stream().mapToInt(StepResult::podsWhilePaused).min().orElse(0);
        int max = rows.stream().mapToInt(StepResult::podsWhilePaused).max().orElse(0);
        long over = rows.stream().filter(r -> r.podsWhilePaused > r.target).count();
        int by = rows.stream().mapToInt(r -> r.podsWhilePaused - r.target).max().orElse(0);
        List<Long> lags =
            rows.stream().map(StepResult::pauseMillis).filter(l -> l != null).sorted().toList();
        String lag =
            lags.isEmpty()
                ? "–"
                : lags.get(lags.size() / 2) + " ms / " + lags.get(lags.size() - 1) + " ms";
        t.append(
            String.format(
                "| %s | %d (%s) | %s | %d–%d | %d of %d | %d | %s |%n",
                strategy.name(),
                step,
                STEPS.get(step - 1),
                target,
                min,
                max,
                over,
                rows.size(),
                Math.max(0, by),
                lag));
      }
    }
    return t.toString();
  }

  private static <T> List<T> snapshot(List<T> list) {
    synchronized (list) {
      return new ArrayList<>(list);
    }
  }

  private static Sample sample(ReplicaSet rs) {
    Integer replicas = rs.getSpec().getReplicas();
    return new Sample(
        System.nanoTime(),
        rs.getSpec().getTemplate().getSpec().getContainers().get(0).getImage(),
        replicas == null ? 0 : replicas);
  }

  @SuppressWarnings("unchecked")
  private static java.util.Optional<RolloutSample> canarySample(GenericKubernetesResource rollout) {
    Object status = rollout.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> s) || !(s.get("canary") instanceof Map<?, ?> c)) {
      return java.util.Optional.empty();
    }
    Map<String, Object> canary = (Map<String, Object>) c;
    return java.util.Optional.of(
        new RolloutSample(
            System.nanoTime(),
            String.valueOf(canary.get("state")),
            ((Number) canary.getOrDefault("index", 0)).intValue(),
            ((Number) canary.getOrDefault("targetPods", 0)).intValue()));
  }

  private static <T> ResourceEventHandler<T> handler(Consumer<T> seen) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        seen.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        seen.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
    };
  }

  private static boolean available(KubernetesClient client, String name, int round) {
    Deployment d = client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
    var status = d.getStatus();
    return status != null
        && image(round)
            .equals(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        && status.getObservedGeneration() != null
        && status.getObservedGeneration() >= d.getMetadata().getGeneration()
        && d.getSpec().getReplicas().equals(status.getUpdatedReplicas())
        && d.getSpec().getReplicas().equals(status.getAvailableReplicas())
        && d.getSpec().getReplicas().equals(status.getReplicas());
  }

  @SuppressWarnings("unchecked")
  private static String phase(KubernetesClient client, String name) {
    GenericKubernetesResource r =
        client.genericKubernetesResources(ROLLOUTS).inNamespace(NAMESPACE).withName(name).get();
    Object status = r == null ? null : r.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> s ? String.valueOf(s.get("phase")) : "none";
  }

  private static String image(int round) {
    return "shop/web:" + round;
  }

  private static Deployment deployment(String name, Strategy strategy, int replicas, int round) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NAMESPACE)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withNewMaxSurge(intOrPercent(strategy.maxSurge()))
        .withNewMaxUnavailable(intOrPercent(strategy.maxUnavailable()))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("web")
        .withImage(image(round))
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Object intOrPercent(String value) {
    return value.endsWith("%") ? value : Integer.valueOf(value);
  }

  private static GenericKubernetesResource rollout(String name) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("workloadRef", Map.of("kind", "Deployment", "name", name));
    spec.put(
        "analysis",
        Map.of("initialDelay", "1s", "interval", "1s", "bakeTime", "2s", "failureLimit", 2));
    spec.put("guards", List.of(Map.of("name", "ok", "query", "bench_ok", "max", 10)));
    spec.put(
        "canary",
        Map.of(
            "steps",
            STEPS.stream()
                .map(s -> Map.of("pause", Map.of("until", s, "analysis", "3s")))
                .toList()));
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion("rollguard.dev/v1alpha1");
    r.setKind("Rollout");
    r.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(name)
            .withNamespace(NAMESPACE)
            .build());
    r.setAdditionalProperty("spec", spec);
    return r;
  }

  /** A Prometheus API that answers every instant query with 1: every guard passes. */
  private static HttpServer alwaysOne() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext(
        "/api/v1/query",
        exchange -> {
          byte[] body =
              ("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
                      + "[{\"metric\":{},\"value\":["
                      + System.currentTimeMillis() / 1000.0
                      + ",\"1\"]}]}}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return server;
  }
}
