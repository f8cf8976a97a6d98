package dev.rollguard.bench;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One local platform (e2e/platform/up) for one benchmark size, stopped and purged after it. */
final class LocalCluster implements AutoCloseable {

  private final Path platformDir;
  private final Path runDir;
  private final Map<String, String> env;
  private final KubernetesClient client;

  private LocalCluster(Path platformDir, Path runDir, Map<String, String> env) {
    this.platformDir = platformDir;
    this.runDir = runDir;
    this.env = env;
    Config config;
    try {
      config = Config.fromKubeconfig(Files.readString(Path.of(env.get("KUBECONFIG"))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // The benchmark creates thousands of objects in parallel; the client must not queue them.
    config.setMaxConcurrentRequests(256);
    config.setMaxConcurrentRequestsPerHost(256);
    config.setRequestTimeout(60_000);
    client = new KubernetesClientBuilder().withConfig(config).build();
  }

  static LocalCluster up(
      Path platformDir, Path runDir, int nodes, int podsPerNode, boolean prometheus)
      throws IOException, InterruptedException {
    return up(platformDir, runDir, nodes, podsPerNode, prometheus, 0);
  }

  /** {@code podReadyDelayMillis}: how long kwok takes to make a scheduled pod Ready. */
  static LocalCluster up(
      Path platformDir,
      Path runDir,
      int nodes,
      int podsPerNode,
      boolean prometheus,
      int podReadyDelayMillis)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                platformDir.resolve("up").toString(),
                "--run-dir",
                runDir.toString(),
                "--cluster",
                "--nodes",
                String.valueOf(nodes),
                "--pods-per-node",
                String.valueOf(podsPerNode),
                "--api-qps",
                "500",
                "--pod-ready-delay",
                String.valueOf(podReadyDelayMillis)));
    if (prometheus) {
      command.add("--prometheus");
    }
    run(command, runDir.resolveSibling(runDir.getFileName() + "-up.log"));
    return new LocalCluster(platformDir, runDir, readEnv(runDir.resolve("env")));
  }

  KubernetesClient client() {
    return client;
  }

  String env(String key) {
    String value = env.get(key);
    if (value == null) {
      throw new IllegalStateException(key + " is not in " + runDir.resolve("env"));
    }
    return value;
  }

  Path runDir() {
    return runDir;
  }

  /** Makes the platform's Prometheus scrape {@code address} (host:port, /metrics). */
  void addScrapeTarget(String name, String address) throws IOException {
    Path dir = Path.of(env("PROMETHEUS_TARGETS_DIR"));
    Path tmp =
        Files.writeString(
            dir.resolve("." + name + ".tmp"),
            "[{\"targets\": [\"" + address + "\"], \"labels\": {}}]\n");
    Files.move(tmp, dir.resolve(name + ".json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    client.close();
    run(
        List.of(platformDir.resolve("down").toString(), "--purge", runDir.toString()),
        runDir.resolveSibling(runDir.getFileName() + "-down.log"));
  }

  private static void run(List<String> command, Path log) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed; see " + log);
    }
  }

  private static Map<String, String> readEnv(Path file) throws IOException {
    Map<String, String> env = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return env;
  }
}
