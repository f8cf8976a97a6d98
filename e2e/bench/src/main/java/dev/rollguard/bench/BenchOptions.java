package dev.rollguard.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The benchmark's settings; every default is the documented configuration. */
final class BenchOptions {

  @Option(
      names = "--rollouts",
      split = ",",
      description = "Sizes to run (default: ${DEFAULT-VALUE}).",
      defaultValue = "100,1000,5000,10000")
  List<Integer> sizes;

  @Option(
      names = "--skip-prometheus-comparison",
      description = "Do not run the smallest size a second time against a real Prometheus.")
  boolean skipPrometheusComparison;

  @Option(
      names = "--soak",
      defaultValue = "0m",
      description =
          "After the wave at --soak-size, keep deploying waves for this long and watch memory (e.g. 30m).")
  String soak;

  @Option(
      names = "--soak-size",
      defaultValue = "1000",
      description = "Size for the soak (default: ${DEFAULT-VALUE}).")
  int soakSize;

  @Option(
      names = "--soak-wave-period",
      defaultValue = "3m",
      description = "One wave per period during the soak.")
  String soakWavePeriod;

  @Option(
      names = "--wave-share",
      defaultValue = "0.2",
      description = "Share of the fleet deployed in a wave.")
  double waveShare;

  @Option(
      names = "--breaching",
      defaultValue = "100",
      description = "Deploys of a wave that breach a guard.")
  int breaching;

  @Option(names = "--interval", defaultValue = "15s")
  String interval;

  @Option(names = "--initial-delay", defaultValue = "15s")
  String initialDelay;

  @Option(names = "--bake-time", defaultValue = "2m")
  String bakeTime;

  @Option(names = "--failure-limit", defaultValue = "2")
  int failureLimit;

  @Option(
      names = "--operator-heap",
      defaultValue = "2g",
      description = "-Xmx of the operator process.")
  String operatorHeap;

  @Option(
      names = "--operator-args",
      split = " ",
      description =
          "Extra operator flags, e.g. \"--reconcile-threads 20\" (default: none, the operator's defaults).")
  List<String> operatorArgs = new java.util.ArrayList<>();

  @Option(
      names = "--idle-window",
      defaultValue = "60s",
      description = "How long idle CPU and requests are counted.")
  String idleWindow;

  @Option(
      names = "--peer",
      description =
          "Also run every size against this peer controller, on its own fresh platform after"
              + " Rollguard's run, and print a side-by-side table per size. Supported: argo-rollouts"
              + " (built by e2e/bench/peer/argo-rollouts/build).")
  String peer;

  @Option(
      names = "--peer-only",
      description = "With --peer: skip Rollguard's runs (for debugging the peer's).")
  boolean peerOnly;

  @Option(
      names = "--peer-binary",
      description =
          "The peer's controller binary (default: built, or found up to date, by the peer's build script).")
  Path peerBinary;

  @Option(
      names = "--peer-args",
      split = " ",
      description =
          "Extra flags for the peer's controller, e.g. \"--leader-elect=false\" (default: none, its defaults).")
  List<String> peerArgs = new java.util.ArrayList<>();

  @Option(names = "--pods-per-node", defaultValue = "2000")
  int podsPerNode;

  @Option(names = "--repo", defaultValue = ".", description = "The Rollguard checkout.")
  Path repo;

  @Option(
      names = "--out",
      required = true,
      description = "Directory for results.json, the table and the plot.")
  Path out;

  Path peerBuildScript() {
    return repo.resolve("e2e/bench/peer/" + peer + "/build");
  }

  Path platformDir() {
    return repo.resolve("e2e/platform");
  }

  Path operatorJar() {
    return repo.resolve("operator/target/rollguard-operator.jar");
  }

  Path crd() {
    return repo.resolve("crds/rollouts.rollguard.dev-v1.yml");
  }

  Duration soak() {
    return parse(soak);
  }

  Duration soakWavePeriod() {
    return parse(soakWavePeriod);
  }

  Duration idleWindow() {
    return parse(idleWindow);
  }

  Duration settle() {
    return Duration.ofSeconds(15);
  }

  static Duration parse(String text) {
    return dev.rollguard.operator.api.Durations.parse(text);
  }
}
