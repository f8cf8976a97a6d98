package dev.rollguard.bench;

import dev.rollguard.bench.Results.Idle;
import dev.rollguard.bench.Results.Side;
import dev.rollguard.bench.Results.SideIdle;
import dev.rollguard.bench.Results.SideWave;
import dev.rollguard.bench.Results.SizeResult;
import dev.rollguard.bench.Results.SoakSample;
import dev.rollguard.bench.Results.Wave;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One size: a fresh platform, N Deployments and N Rollouts, the operator started against them
 * (adoption timed), an idle window, then a deploy wave; optionally a soak of repeated waves.
 */
final class SizeRun {

  private static final double MIB = 1024 * 1024;

  private final BenchOptions options;
  private final int size;
  private final boolean realPrometheus;
  private final Path outDir;

  SizeRun(BenchOptions options, int size, boolean realPrometheus, Path outDir) {
    this.options = options;
    this.size = size;
    this.realPrometheus = realPrometheus;
    this.outDir = outDir;
  }

  /** The size's result, and the soak's samples when {@code soak} is not zero. */
  record Outcome(SizeResult result, List<SoakSample> soak, int soakWaves, Side side) {}

  /** The figures of the first idle window and the first wave, as a peer's are taken. */
  private SideIdle sideIdle;

  private SideWave sideWave;

  Outcome run(Duration soak) throws Exception {
    String source = realPrometheus ? "prometheus" : "table";
    String tag = size + "-" + source;
    Path runDir = Files.createTempDirectory("rollguard-bench-" + tag + "-");
    int nodes = Math.max(2, (int) Math.ceil(size * 1.5 / options.podsPerNode));
    Log.say("N=" + size + " (" + source + "): starting the platform (" + nodes + " kwok nodes)");
    MetricTable table = new MetricTable();
    try (LocalCluster cluster =
        LocalCluster.up(
            options.platformDir(), runDir, nodes, options.podsPerNode, realPrometheus)) {
      cluster.client().load(Files.newInputStream(options.crd())).serverSideApply();
      Fleet.AnalysisTiming timing =
          new Fleet.AnalysisTiming(
              options.initialDelay, options.interval, options.bakeTime, options.failureLimit);
      try (Fleet fleet = new Fleet(cluster.client(), size, timing);
          TableServer server = new TableServer(table, fleet::names);
          FleetWatch watch = new FleetWatch(cluster.client())) {
        watch.onRollback(table::breachUntil);
        fleet.createNamespace(Duration.ofMinutes(2));
        long created = System.nanoTime();
        fleet.createDeployments();
        fleet.createRollouts();
        Log.say(
            String.format(
                "  created %d Deployments and %d Rollouts in %.1f s",
                size, size, (System.nanoTime() - created) / 1e9));
        Duration settled =
            Await.until(
                "Deployments available",
                Duration.ofMinutes(30),
                () -> watch.availableDeployments() == size,
                () -> watch.availableDeployments() + "/" + size);
        Log.say(
            String.format(
                "  all %d Deployments available after %.1f s more",
                size, settled.toMillis() / 1e3));

        String prometheusUrl = "http://127.0.0.1:" + server.port();
        if (realPrometheus) {
          cluster.addScrapeTarget("bench", "127.0.0.1:" + server.port());
          prometheusUrl = cluster.env("PROMETHEUS_URL");
        }
        try (OperatorProcess operator =
            OperatorProcess.start(
                options.operatorJar(),
                options.operatorHeap,
                Path.of(cluster.env("KUBECONFIG")),
                prometheusUrl,
                options.operatorArgs,
                outDir.resolve("operator-" + tag + ".log"))) {
          Duration adopt =
              Await.until(
                  "adoption",
                  Duration.ofMinutes(30),
                  () -> {
                    requireAlive(operator);
                    return watch.adoptedRollouts() == size;
                  },
                  () -> watch.adoptedRollouts() + "/" + size + " adopted");
          Log.say(
              String.format(
                  "  operator adopted all %d Rollouts %.1f s after it started",
                  size, adopt.toMillis() / 1e3));
          Idle idle = idle(operator, server);
          Wave wave = wave(operator, fleet, watch, table, server, 1);
          List<SoakSample> samples = new ArrayList<>();
          int waves = 0;
          if (!soak.isZero()) {
            long soakStart = System.nanoTime();
            samples.add(sample(operator, soakStart));
            while (System.nanoTime() - soakStart < soak.toNanos()) {
              long waveStart = System.nanoTime();
              wave(operator, fleet, watch, table, server, 2 + waves++);
              samples.add(sample(operator, soakStart));
              Log.say(
                  String.format(
                      "  soak: %.1f min, heap after GC %.1f MiB, RSS %.1f MiB",
                      samples.get(samples.size() - 1).minute(),
                      samples.get(samples.size() - 1).heapAfterGcMiB(),
                      samples.get(samples.size() - 1).residentMiB()));
              long rest = options.soakWavePeriod().toNanos() - (System.nanoTime() - waveStart);
              if (rest > 0) {
                Thread.sleep(rest / 1_000_000);
              }
            }
          }
          return new Outcome(
              new SizeResult(size, source, adopt.toMillis() / 1e3, idle, wave),
              samples,
              waves,
              new Side(
                  "rollguard",
                  operator.apiRequestCounter(),
                  adopt.toMillis() / 1e3,
                  sideIdle,
                  sideWave));
        }
      }
    }
  }

  private Idle idle(OperatorProcess operator, TableServer server) throws Exception {
    // Let the adoption's last status writes and events drain before measuring "idle".
    Thread.sleep(options.settle().toMillis());
    Counters before = Counters.read(operator);
    Sample sampleBefore = Sample.read(operator, server);
    Thread.sleep(options.idleWindow().toMillis());
    Counters after = Counters.read(operator);
    Sample sampleAfter = Sample.read(operator, server);
    double heap = operator.heapAfterGcBytes() / MIB;
    double resident = operator.residentBytes() / MIB;
    sideIdle = Sample.idle(sampleBefore, sampleAfter, operator, heap);
    operator.writeClassHistogram(outDir.resolve("heap-histogram-" + size + ".txt"));
    Idle idle =
        new Idle(
            heap,
            resident,
            heap * 1024 / size,
            resident * 1024 / size,
            after.cpuSecondsPerMinuteSince(before),
            after.apiRequestsPerSecondSince(before),
            after.queriesPerSecondSince(before));
    Log.say(
        String.format(
            "  idle: heap after GC %.1f MiB (%.1f KiB/Rollout), RSS %.1f MiB, CPU %.2f s/min, "
                + "API %.2f req/s, metrics %.2f req/s",
            idle.heapAfterGcMiB(),
            idle.heapPerRolloutKiB(),
            idle.residentMiB(),
            idle.cpuSecondsPerMinute(),
            idle.apiRequestsPerSecond(),
            idle.metricsRequestsPerSecond()));
    return idle;
  }

  /**
   * Wave number {@code number}: a share of the fleet gets image 1.{number}.0, {@code breaching} of
   * them breach.
   */
  private Wave wave(
      OperatorProcess operator,
      Fleet fleet,
      FleetWatch watch,
      MetricTable table,
      TableServer server,
      int number)
      throws Exception {
    WavePlan plan = WavePlan.of(fleet.names(), options, number);
    List<String> wave = plan.deploys();
    List<String> breachers = plan.breaching();
    int deploys = wave.size();
    int breaching = breachers.size();
    String image = plan.image();
    long promotedBefore = watch.promotedTo(image);
    Counters before = Counters.read(operator);
    Sample sampleBefore = Sample.read(operator, server);
    fleet.markBreaching(breachers, number);
    watch.watchBreaching(number);
    long now = System.currentTimeMillis();
    for (String name : breachers) {
      watch.expectRollback(name, image);
      server.log().resetBreaches(name);
      table.breachFrom(name, now);
    }
    long sending = System.nanoTime();
    fleet.deploy(wave, image);
    Log.say(
        String.format(
            "  wave %d: %d deploys of %s sent in %.1f s (%d will breach db-connections)",
            number, deploys, image, (System.nanoTime() - sending) / 1e9, breaching));
    Duration took =
        Await.until(
            "wave " + number,
            Duration.ofMinutes(20),
            () -> {
              requireAlive(operator);
              // A passing deploy the platform never made available ends too: it is rolled back
              // for its progress deadline and will never be promoted.
              return breachers.stream().allMatch(name -> watch.rolledBackAt(name).isPresent())
                  && watch.promotedTo(image) - promotedBefore + watch.notAvailableInTime(image)
                      >= deploys - breaching;
            },
            () ->
                breachers.stream().filter(name -> watch.rolledBackAt(name).isPresent()).count()
                    + "/"
                    + breaching
                    + " rolled back, "
                    + (watch.promotedTo(image) - promotedBefore)
                    + "/"
                    + (deploys - breaching)
                    + " promoted, "
                    + watch.notAvailableInTime(image)
                    + " not available in time");
    double waveSeconds = (System.nanoTime() - sending) / 1e9;
    long notAvailable = watch.notAvailableInTime(image);
    if (notAvailable > 0) {
      Log.say(
          String.format(
              "  WARNING wave %d: %d passing deploys never became available and were rolled back"
                  + " for their progress deadline; the platform could not finish the wave, so"
                  + " the wave's figures include that load",
              number, notAvailable));
    }
    Sample sampleAfter = Sample.readAfterTrailingWork(operator, server);
    Counters after = Counters.read(operator);
    Files.writeString(
        outDir.resolve("operator-metrics-" + size + "-wave" + number + ".txt"),
        operator.metricsPage());
    List<Double> breachToRollback = new ArrayList<>();
    StringBuilder csv =
        new StringBuilder("deployment,first_breach_measured_ms,rollback_patch_seen_ms\n");
    for (String name : breachers) {
      long firstBreach =
          watch
              .firstBreachAt(name)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          name
                              + " was rolled back but no breaching measurement was seen in its status"));
      breachToRollback.add((watch.rolledBackAt(name).orElseThrow() - firstBreach) / 1e3);
      csv.append(name)
          .append(',')
          .append(firstBreach)
          .append(',')
          .append(watch.rolledBackAt(name).orElseThrow())
          .append('\n');
    }
    // Two breaching Rollouts as they ended: their status history is the timeline behind the
    // figures.
    for (String name : breachers.subList(0, Math.min(2, breachers.size()))) {
      Files.writeString(
          outDir.resolve("rollout-" + size + "-wave" + number + "-" + name + ".yaml"),
          watch.rolloutYaml(name));
    }
    Files.writeString(
        outDir.resolve(
            "rollbacks-"
                + size
                + (realPrometheus ? "-prometheus" : "")
                + "-wave"
                + number
                + ".csv"),
        csv);
    var lag = after.tickLagSince(before);
    double heap = operator.heapAfterGcBytes() / MIB;
    Wave result =
        new Wave(
            deploys,
            breaching,
            breaching,
            deploys - breaching,
            took.toMillis() / 1e3,
            Stats.histogramQuantile(lag, 0.5),
            Stats.histogramQuantile(lag, 0.99),
            Math.round(lag.isEmpty() ? 0 : lag.lastEntry().getValue()),
            Stats.percentile(breachToRollback, 0.5),
            Stats.percentile(breachToRollback, 0.99),
            Stats.percentile(breachToRollback, 1.0),
            after.cpuSecondsPerMinuteSince(before),
            after.apiRequestsPerSecondSince(before),
            after.queriesPerSecondSince(before),
            after.reconcilesPerSecondSince(before),
            after.reconcileMeanMillisSince(before),
            heap,
            operator.residentBytes() / MIB);
    if (number == 1) {
      sideWave =
          Sample.wave(
              sampleBefore,
              sampleAfter,
              waveSeconds,
              wave,
              breachers,
              watch::rolledBackAt,
              server.log(),
              operator,
              new Sample.RollguardOnly(
                  heap,
                  result.breachToRollbackP50Seconds(),
                  result.breachToRollbackP99Seconds(),
                  result.tickLagP50Seconds(),
                  result.tickLagP99Seconds()));
    }
    if (!realPrometheus) {
      Files.writeString(
          outDir.resolve("answers-" + size + "-rollguard-wave" + number + ".csv"),
          Sample.answersCsv(breachers, watch::rolledBackAt, server.log()));
    }
    Log.say(
        String.format(
            "  wave %d done in %.0f s: tick lag p50 %.3f s p99 %.3f s (%d rounds); breach→rollback "
                + "p50 %.1f s p99 %.1f s; CPU %.1f s/min; API %.1f req/s; metrics %.1f req/s; %.0f reconciles/s of %.0f ms; "
                + "heap after GC %.1f MiB",
            number,
            result.seconds(),
            result.tickLagP50Seconds(),
            result.tickLagP99Seconds(),
            result.measurementRounds(),
            result.breachToRollbackP50Seconds(),
            result.breachToRollbackP99Seconds(),
            result.cpuSecondsPerMinute(),
            result.apiRequestsPerSecond(),
            result.metricsRequestsPerSecond(),
            result.reconcilesPerSecond(),
            result.reconcileMeanMillis(),
            result.heapAfterGcMiB()));
    return result;
  }

  private static SoakSample sample(OperatorProcess operator, long soakStart) throws Exception {
    double heap = operator.heapAfterGcBytes() / MIB;
    return new SoakSample(
        (System.nanoTime() - soakStart) / 60e9, heap, operator.residentBytes() / MIB);
  }

  private static void requireAlive(OperatorProcess operator) {
    if (!operator.alive()) {
      throw new IllegalStateException("the operator process exited; see its log");
    }
  }
}
