package dev.rollguard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rollguard.bench.Results.Machine;
import dev.rollguard.bench.Results.Report;
import dev.rollguard.bench.Results.Settings;
import dev.rollguard.bench.Results.SizeResult;
import dev.rollguard.bench.Results.Soak;
import dev.rollguard.bench.Results.SoakSample;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The scale benchmark: for each size, a fresh local platform (kwok nodes), N Deployments and N
 * Rollouts, the operator jar as its own process; prints a table, writes results.json and a plot.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measures one Rollguard operator process guarding thousands of Rollouts.")
public final class ScaleBenchmark implements Callable<Integer> {

  @Mixin private final BenchOptions options = new BenchOptions();

  public static void main(String[] args) {
    System.exit(new CommandLine(new ScaleBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(options.out);
    Log.say("Rollguard scale benchmark: sizes " + options.sizes + ", results in " + options.out);
    Log.say(
        "Guard queries are answered by the benchmark's own Prometheus-API endpoint from a table it controls, "
            + "so the figures measure Rollguard, not Prometheus"
            + (!options.skipPrometheusComparison
                ? "; the smallest size also runs against a real Prometheus for comparison."
                : "."));
    List<SizeResult> runs = new ArrayList<>();
    Soak soak = null;
    for (int size : new TreeSet<>(options.sizes)) {
      boolean soakHere = size == options.soakSize && !options.soak().isZero();
      var outcome =
          new SizeRun(options, size, false, options.out)
              .run(soakHere ? options.soak() : java.time.Duration.ZERO);
      runs.add(outcome.result());
      if (soakHere) {
        soak = soak(size, outcome.soak(), outcome.soakWaves());
      }
      write(options, runs, soak);
    }
    if (!options.skipPrometheusComparison && !options.sizes.isEmpty()) {
      int smallest = new TreeSet<>(options.sizes).first();
      runs.add(
          new SizeRun(options, smallest, true, options.out).run(java.time.Duration.ZERO).result());
      write(options, runs, soak);
    }
    System.out.println();
    System.out.println(Table.render(runs));
    if (soak != null) {
      System.out.printf(
          "Soak at %d Rollouts: %d waves in %.0f min; heap after GC slope %.1f MiB/h, RSS slope %.1f MiB/h%n",
          soak.rollouts(),
          soak.waves(),
          soak.minutes(),
          soak.heapSlopeMiBPerHour(),
          soak.residentSlopeMiBPerHour());
    }
    Log.say("wrote " + options.out.resolve("results.json") + ", table.md and memory-and-lag.png");
    return 0;
  }

  private static Soak soak(int size, List<SoakSample> samples, int waves) {
    List<Double> minutes = samples.stream().map(SoakSample::minute).toList();
    double heapSlope =
        Stats.slope(minutes, samples.stream().map(SoakSample::heapAfterGcMiB).toList()) * 60;
    double rssSlope =
        Stats.slope(minutes, samples.stream().map(SoakSample::residentMiB).toList()) * 60;
    double span = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).minute();
    return new Soak(size, span, waves, samples, heapSlope, rssSlope);
  }

  /** Written after every size, so an interrupted run keeps what it measured. */
  private static void write(BenchOptions options, List<SizeResult> runs, Soak soak)
      throws Exception {
    Report report =
        new Report(
            "rollguard-scale",
            OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString(),
            machine(),
            settings(options),
            runs,
            soak);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(options.out.resolve("results.json").toFile(), report);
    Files.writeString(options.out.resolve("table.md"), Table.render(runs));
    List<SizeResult> tableRuns =
        runs.stream().filter(r -> r.metricsSource().equals("table")).toList();
    if (!tableRuns.isEmpty()) {
      Plot.write(tableRuns, options.out.resolve("memory-and-lag.png"));
    }
  }

  private static Machine machine() {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024) * 10) / 10.0,
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
  }

  private static Settings settings(BenchOptions options) {
    return new Settings(
        options.interval,
        options.initialDelay,
        options.bakeTime,
        options.failureLimit,
        2,
        options.waveShare,
        options.breaching,
        options.operatorHeap,
        options.operatorArgs,
        (int) options.idleWindow().toSeconds());
  }
}
