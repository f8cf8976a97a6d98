package dev.rollguard.bench;

import dev.rollguard.bench.Results.Side;
import dev.rollguard.bench.Results.SideIdle;
import dev.rollguard.bench.Results.SideWave;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One size against Argo Rollouts: a fresh platform with the same kwok nodes, the same N Deployments
 * (at 0 replicas, see {@link ArgoObjects}) and N Argo Rollouts with the same guards, Argo's
 * controller started against them (adoption timed until every Rollout is Healthy), the same idle
 * window and the same deploy wave as {@link SizeRun}, measured by the same code ({@link Sample}).
 */
final class ArgoRun {

  /** How long a deploy wave may take before its figures are taken as they are. */
  private static final Duration WAVE_BOUND = Duration.ofMinutes(20);

  static final String CONTROLLER = "argo-rollouts";
  private static final String LEASE_NAMESPACE = "argo-rollouts";

  private final BenchOptions options;
  private final int size;
  private final Path binary;
  private final Path outDir;
  private List<String> argsUsed = List.of();

  ArgoRun(BenchOptions options, int size, Path binary, Path outDir) {
    this.options = options;
    this.size = size;
    this.binary = binary;
    this.outDir = outDir;
  }

  static Path crds(Path binary) {
    return binary.toAbsolutePath().getParent().getParent().resolve("crds");
  }

  /** The flags of the last run (the port numbers and kubeconfig path vary). */
  List<String> argsUsed() {
    return argsUsed;
  }

  Side run() throws Exception {
    String tag = size + "-" + CONTROLLER;
    Path runDir = Files.createTempDirectory("rollguard-bench-" + tag + "-");
    int nodes = Math.max(2, (int) Math.ceil(size * 1.5 / options.podsPerNode));
    Log.say("N=" + size + " (Argo Rollouts): starting the platform (" + nodes + " kwok nodes)");
    MetricTable table = new MetricTable();
    try (LocalCluster cluster =
        LocalCluster.up(options.platformDir(), runDir, nodes, options.podsPerNode, false)) {
      KubernetesClient client = cluster.client();
      applyCrds(cluster);
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(LEASE_NAMESPACE)
                  .endMetadata()
                  .build())
          .create();
      Fleet.AnalysisTiming timing =
          new Fleet.AnalysisTiming(
              options.initialDelay, options.interval, options.bakeTime, options.failureLimit);
      try (Fleet fleet = new Fleet(client, size, timing, 0);
          TableServer server = new TableServer(table, fleet::names);
          ArgoWatch watch = new ArgoWatch(client)) {
        watch.onRollback(table::breachUntil);
        fleet.createNamespace(Duration.ofMinutes(2));
        long created = System.nanoTime();
        fleet.createDeployments();
        String prometheusUrl = "http://127.0.0.1:" + server.port();
        client
            .genericKubernetesResources(ArgoObjects.API_VERSION, "AnalysisTemplate")
            .inNamespace(Fleet.NAMESPACE)
            .resource(ArgoObjects.analysisTemplate(prometheusUrl, timing))
            .create();
        fleet.createEach(
            name -> ArgoObjects.rollout(name, timing),
            rollout ->
                client
                    .genericKubernetesResources(ArgoObjects.API_VERSION, "Rollout")
                    .inNamespace(Fleet.NAMESPACE)
                    .resource(rollout)
                    .create());
        Log.say(
            String.format(
                "  created %d Deployments (0 replicas), an AnalysisTemplate and %d Argo Rollouts in %.1f s",
                size, size, (System.nanoTime() - created) / 1e9));
        awaitDeploymentsObserved(client);

        try (ArgoProcess argo =
            ArgoProcess.start(
                binary,
                Path.of(cluster.env("KUBECONFIG")),
                options.peerArgs,
                outDir.resolve("argo-rollouts-" + size + ".log"))) {
          argsUsed = argo.args();
          Duration adopt =
              Await.until(
                  "Argo Rollouts Healthy",
                  Duration.ofMinutes(30),
                  () -> {
                    requireAlive(argo);
                    return watch.healthy() == size;
                  },
                  () -> watch.phases().toString());
          Log.say(
              String.format(
                  "  Argo Rollouts had all %d Rollouts Healthy %.1f s after it started",
                  size, adopt.toMillis() / 1e3));
          SideIdle idle = idle(argo, server);
          SideWave wave = wave(argo, fleet, watch, table, server, client);
          return new Side(CONTROLLER, argo.apiRequestCounter(), adopt.toMillis() / 1e3, idle, wave);
        }
      }
    }
  }

  private SideIdle idle(ArgoProcess argo, TableServer server) throws Exception {
    Thread.sleep(options.settle().toMillis());
    Sample before = Sample.read(argo, server);
    Thread.sleep(options.idleWindow().toMillis());
    Sample after = Sample.read(argo, server);
    SideIdle idle = Sample.idle(before, after, argo, null);
    Log.say(
        String.format(
            "  idle: RSS %.1f MiB, CPU %.2f s/min, API %.2f req/s %s, guard queries %.2f/s",
            idle.residentMiB(),
            idle.cpuSecondsPerMinute(),
            idle.apiRequestsPerSecond(),
            idle.apiRequestsPerSecondBy(),
            idle.guardQueriesPerSecond()));
    return idle;
  }

  private SideWave wave(
      ArgoProcess argo,
      Fleet fleet,
      ArgoWatch watch,
      MetricTable table,
      TableServer server,
      KubernetesClient client)
      throws Exception {
    int number = 1;
    WavePlan plan = WavePlan.of(fleet.names(), options, number);
    List<String> breachers = plan.breaching();
    Map<String, String> passingBefore = watch.podHashes(plan.passing());
    Sample before = Sample.read(argo, server);
    fleet.markBreaching(breachers, number);
    long now = System.currentTimeMillis();
    for (String name : breachers) {
      watch.expectRollback(name);
      server.log().resetBreaches(name);
      table.breachFrom(name, now);
    }
    long sending = System.nanoTime();
    fleet.deploy(plan.deploys(), plan.image());
    Log.say(
        String.format(
            "  wave %d: %d deploys of %s sent in %.1f s (%d will breach db-connections)",
            number,
            plan.deploys().size(),
            plan.image(),
            (System.nanoTime() - sending) / 1e9,
            breachers.size()));
    BooleanSupplier allAborted =
        () -> breachers.stream().allMatch(name -> watch.rolledBackAt(name).isPresent());
    Supplier<String> progress =
        () ->
            breachers.stream().filter(name -> watch.rolledBackAt(name).isPresent()).count()
                + "/"
                + breachers.size()
                + " aborted, "
                + watch.promoted(passingBefore)
                + "/"
                + passingBefore.size()
                + " promoted; phases "
                + watch.phases();
    // The figures need every abort; promotions may lag behind at large sizes (Argo's client-side
    // request limit), and a wave that does not finish in its bound still has figures to report.
    boolean finished =
        Await.within(
                "wave " + number,
                WAVE_BOUND,
                () -> {
                  requireAlive(argo);
                  return allAborted.getAsBoolean()
                      && watch.promoted(passingBefore) >= passingBefore.size();
                },
                progress)
            .isPresent();
    if (!finished) {
      Await.until("wave " + number + " aborts", Duration.ofMinutes(5), allAborted, progress);
      Log.say(
          String.format(
              "  WARNING wave %d: not finished after %d min (%s); its figures end here, so"
                  + " per-deploy CPU and requests count only the work done so far",
              number, WAVE_BOUND.toMinutes(), progress.get()));
    }
    double seconds = (System.nanoTime() - sending) / 1e9;
    Sample after = Sample.readAfterTrailingWork(argo, server);
    SideWave wave =
        Sample.wave(
            before,
            after,
            seconds,
            plan.deploys(),
            breachers,
            watch::rolledBackAt,
            server.log(),
            argo,
            Sample.RollguardOnly.NONE);
    Files.writeString(
        outDir.resolve("answers-" + size + "-" + CONTROLLER + "-wave" + number + ".csv"),
        Sample.answersCsv(breachers, watch::rolledBackAt, server.log()));
    writeObjects(watch, client, plan);
    Log.say(
        String.format(
            "  wave %d done in %.0f s: first breaching answer→abort p50 %.1f s p99 %.1f s; "
                + "decisive answer→abort p50 %.1f s p99 %.1f s; CPU %.2f s/deploy; API %.1f req/deploy; "
                + "guard queries %.1f/deploy; RSS %.1f MiB",
            number,
            wave.seconds(),
            wave.firstBreachingAnswerToRollbackP50Seconds(),
            wave.firstBreachingAnswerToRollbackP99Seconds(),
            wave.decisiveAnswerToActP50Seconds(),
            wave.decisiveAnswerToActP99Seconds(),
            wave.cpuSecondsPerDeploy(),
            wave.apiRequestsPerDeploy(),
            wave.guardQueriesPerDeploy(),
            wave.residentMiB()));
    Log.say("  API requests per deploy by resource and verb: " + wave.apiRequestsPerDeployBy());
    return wave;
  }

  /**
   * Two breaching Rollouts and one promoted one as they ended, with their AnalysisRuns: the
   * measurements behind the figures.
   */
  private void writeObjects(ArgoWatch watch, KubernetesClient client, WavePlan plan)
      throws IOException {
    List<String> names =
        new java.util.ArrayList<>(
            plan.breaching().subList(0, Math.min(2, plan.breaching().size())));
    if (!plan.passing().isEmpty()) {
      names.add(plan.passing().get(0));
    }
    List<GenericKubernetesResource> runs =
        client
            .genericKubernetesResources(ArgoObjects.API_VERSION, "AnalysisRun")
            .inNamespace(Fleet.NAMESPACE)
            .list()
            .getItems();
    for (String name : names) {
      StringBuilder yaml = new StringBuilder(watch.rolloutYaml(name));
      for (GenericKubernetesResource run : runs) {
        boolean owned =
            run.getMetadata().getOwnerReferences().stream()
                .anyMatch(owner -> owner.getName().equals(name));
        if (owned) {
          String text = Serialization.asYaml(run);
          yaml.append(text.startsWith("---") ? "" : "---\n").append(text);
        }
      }
      Files.writeString(
          outDir.resolve("argo-rollout-" + size + "-wave1-" + name + ".yaml"), yaml.toString());
    }
  }

  /**
   * Argo's CRDs (from the build, matching the binary), server-side: two of them are too large for
   * client-side apply's last-applied annotation. Then waits until they are served.
   */
  private void applyCrds(LocalCluster cluster) throws IOException, InterruptedException {
    String kubectl = cluster.env("KUBECTL");
    String kubeconfig = cluster.env("KUBECONFIG");
    Path log = outDir.resolve("argo-rollouts-" + size + "-crds.log");
    kubectl(
        log,
        kubectl,
        "--kubeconfig",
        kubeconfig,
        "apply",
        "--server-side",
        "-f",
        crds(binary).toString());
    kubectl(
        log,
        kubectl,
        "--kubeconfig",
        kubeconfig,
        "wait",
        "--for=condition=Established",
        "--timeout=120s",
        "crd",
        "--all");
  }

  private static void kubectl(Path log, String... command)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!process.waitFor(3, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed; see " + log);
    }
  }

  private void awaitDeploymentsObserved(KubernetesClient client) throws InterruptedException {
    long[] lastList = {0};
    long[] observed = {0};
    Duration took =
        Await.until(
            "Deployments observed",
            Duration.ofMinutes(30),
            () -> {
              if (System.nanoTime() - lastList[0] < 1_000_000_000L) {
                return false;
              }
              lastList[0] = System.nanoTime();
              List<Deployment> items =
                  client.apps().deployments().inNamespace(Fleet.NAMESPACE).list().getItems();
              observed[0] =
                  items.stream()
                      .filter(
                          d ->
                              d.getStatus() != null
                                  && Objects.equals(
                                      d.getStatus().getObservedGeneration(),
                                      d.getMetadata().getGeneration()))
                      .count();
              return observed[0] == size;
            },
            () -> observed[0] + "/" + size);
    Log.say(
        String.format(
            "  all %d Deployments observed by their controller after %.1f s more",
            size, took.toMillis() / 1e3));
  }

  private static void requireAlive(ArgoProcess argo) {
    if (!argo.alive()) {
      throw new IllegalStateException("the Argo Rollouts controller exited; see its log");
    }
  }
}
