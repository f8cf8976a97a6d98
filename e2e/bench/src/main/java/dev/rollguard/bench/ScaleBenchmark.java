package dev.rollguard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rollguard.bench.Results.Machine;
import dev.rollguard.bench.Results.PeerRun;
import dev.rollguard.bench.Results.PeerSettings;
import dev.rollguard.bench.Results.Report;
import dev.rollguard.bench.Results.Settings;
import dev.rollguard.bench.Results.Side;
import dev.rollguard.bench.Results.SizeResult;
import dev.rollguard.bench.Results.Soak;
import dev.rollguard.bench.Results.SoakSample;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** The peer's settings and runs, when --peer is given. */
  private PeerSettings peerSettings;

  private List<PeerRun> peerRuns;

  @Override
  public Integer call() throws Exception {
    if (options.peer != null && !options.peer.equals(ArgoRun.CONTROLLER)) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--peer " + options.peer + ": the only peer is " + ArgoRun.CONTROLLER);
    }
    if (options.peerOnly && options.peer == null) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--peer-only needs --peer");
    }
    Files.createDirectories(options.out);
    Path peerBinary = null;
    if (options.peer != null) {
      peerBinary = peerBinary(options);
      peerRuns = new ArrayList<>();
      peerSettings = peerSettings(options, peerBinary, List.of());
      Log.say(
          "Peer: "
              + peerSettings.version()
              + " ("
              + peerBinary
              + "), each size on its own fresh platform after Rollguard's"
              + (options.peerOnly ? " (skipped: --peer-only)" : ""));
    }
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
      Side ours = null;
      if (!options.peerOnly) {
        boolean soakHere = size == options.soakSize && !options.soak().isZero();
        var outcome =
            new SizeRun(options, size, false, options.out)
                .run(soakHere ? options.soak() : java.time.Duration.ZERO);
        runs.add(outcome.result());
        ours = outcome.side();
        if (soakHere) {
          soak = soak(size, outcome.soak(), outcome.soakWaves());
        }
        write(options, runs, soak);
      }
      if (peerBinary != null) {
        ArgoRun peer = new ArgoRun(options, size, peerBinary, options.out);
        Side theirs = peer.run();
        peerSettings = peerSettings(options, peerBinary, peer.argsUsed());
        peerRuns.add(new PeerRun(size, ours, theirs));
        System.out.println();
        System.out.println(PeerTable.render(peerRuns.get(peerRuns.size() - 1), PEER_TITLE));
        write(options, runs, soak);
      }
    }
    if (!options.skipPrometheusComparison && !options.sizes.isEmpty() && !options.peerOnly) {
      int smallest = new TreeSet<>(options.sizes).first();
      runs.add(
          new SizeRun(options, smallest, true, options.out).run(java.time.Duration.ZERO).result());
      write(options, runs, soak);
    }
    System.out.println();
    if (!runs.isEmpty()) {
      System.out.println(Table.render(runs));
    }
    if (peerRuns != null) {
      for (PeerRun run : peerRuns) {
        System.out.println(PeerTable.render(run, PEER_TITLE));
      }
    }
    if (soak != null) {
      System.out.printf(
          "Soak at %d Rollouts: %d waves in %.0f min; heap after GC slope %.1f MiB/h, RSS slope %.1f MiB/h%n",
          soak.rollouts(),
          soak.waves(),
          soak.minutes(),
          soak.heapSlopeMiBPerHour(),
          soak.residentSlopeMiBPerHour());
    }
    Log.say(
        "wrote "
            + options.out.resolve("results.json")
            + ", table.md"
            + (runs.isEmpty() ? "" : " and memory-and-lag.png"));
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

  private static final String PEER_TITLE = "Argo Rollouts";

  /** Written after every size, so an interrupted run keeps what it measured. */
  private void write(BenchOptions options, List<SizeResult> runs, Soak soak) throws Exception {
    Report report =
        new Report(
            "rollguard-scale",
            OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString(),
            machine(),
            settings(options),
            runs,
            soak,
            options.peer,
            peerSettings,
            peerRuns);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(options.out.resolve("results.json").toFile(), report);
    StringBuilder table = new StringBuilder(runs.isEmpty() ? "" : Table.render(runs));
    if (peerRuns != null) {
      for (PeerRun run : peerRuns) {
        table.append(table.length() == 0 ? "" : "\n").append(PeerTable.render(run, PEER_TITLE));
      }
    }
    Files.writeString(options.out.resolve("table.md"), table);
    List<SizeResult> tableRuns =
        runs.stream().filter(r -> r.metricsSource().equals("table")).toList();
    if (!tableRuns.isEmpty()) {
      Plot.write(tableRuns, options.out.resolve("memory-and-lag.png"));
    }
    if (peerRuns != null && !peerRuns.isEmpty()) {
      PeerPlot.writeRuns(peerRuns, options.out.resolve("side-by-side.png"));
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

  /**
   * The peer's binary: --peer-binary, or what its build script prints (it builds once, then finds
   * the binary up to date).
   */
  private static Path peerBinary(BenchOptions options) throws IOException, InterruptedException {
    if (options.peerBinary != null) {
      return options.peerBinary.toAbsolutePath();
    }
    Log.say("building (or finding) the peer: " + options.peerBuildScript());
    Process build =
        new ProcessBuilder(options.peerBuildScript().toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (build.waitFor() != 0 || out.isEmpty()) {
      throw new IOException(options.peerBuildScript() + " failed (exit " + build.exitValue() + ")");
    }
    String[] lines = out.split("\n");
    Path binary = Path.of(lines[lines.length - 1].strip());
    if (!Files.isExecutable(binary)) {
      throw new IOException(options.peerBuildScript() + " printed " + binary + ", not a program");
    }
    return binary;
  }

  private static String version(Path binary) throws IOException, InterruptedException {
    Process version =
        new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
    String out =
        new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    version.waitFor();
    return out.isEmpty() ? "unknown" : out.split("\n")[0];
  }

  private static PeerSettings peerSettings(BenchOptions options, Path binary, List<String> args)
      throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(args.isEmpty() ? options.peerArgs : args);
    return new PeerSettings(
        ArgoRun.CONTROLLER,
        version(binary),
        binary.toString(),
        all,
        ArgoProcess.DEFAULTS,
        options.interval,
        options.initialDelay,
        ArgoObjects.argoFailureLimit(options.failureLimit),
        "Argo fails a metric when its failed measurements exceed failureLimit (counted over the"
            + " whole AnalysisRun); Rollguard rolls back after failureLimit consecutive breaches."
            + " failureLimit here = Rollguard's "
            + options.failureLimit
            + " - 1: the same measurement decides for a release that breaches at every one.",
        "canary: setWeight 100, pause " + options.bakeTime + "; background analysis over the steps",
        "Rollout replicas 1 with workloadRef to the Deployment (Deployment replicas 0, the same"
            + " template); one AnalysisTemplate "
            + ArgoObjects.TEMPLATE
            + " with the two guards against the benchmark's endpoint");
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
