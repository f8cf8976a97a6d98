package dev.rollguard.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The running local platform of one test class: a Kubernetes API server (alone or in a whole
 * cluster), Prometheus and PostgreSQL, as the class asked for with {@link LocalPlatform}.
 */
public final class Platform implements AutoCloseable {

  private static final Duration KUBECTL_TIMEOUT = Duration.ofMinutes(2);

  private final Path runDir;
  private final Map<String, String> env;
  private final Path kubectl;
  private final List<AutoCloseable> stoppers;
  private final Path ctl;
  private KubernetesClient client;

  Platform(
      Path runDir, Map<String, String> env, Path kubectl, Path ctl, List<AutoCloseable> stoppers) {
    this.runDir = runDir;
    this.env = Map.copyOf(env);
    this.kubectl = kubectl;
    this.ctl = ctl;
    this.stoppers = new ArrayList<>(stoppers);
  }

  /**
   * Stops one component (e.g. {@code "prometheus"}) to test how Rollguard copes with its failure;
   * {@link #startComponent} brings it back on the same port with the same data.
   */
  public void stopComponent(String name) {
    Commands.run(
            List.of(ctl.toString(), "stop", name, runDir.toString()),
            Map.of(),
            runDir,
            KUBECTL_TIMEOUT)
        .orThrow();
  }

  public void startComponent(String name) {
    Commands.run(
            List.of(ctl.toString(), "start", name, runDir.toString()),
            Map.of(),
            runDir,
            KUBECTL_TIMEOUT)
        .orThrow();
  }

  /** A client with cluster-admin rights. */
  public synchronized KubernetesClient client() {
    if (client == null) {
      client = clientFor(Config.fromKubeconfig(read(kubeconfig())));
    }
    return client;
  }

  /**
   * A new client with the given configuration (e.g. a ServiceAccount's token); caller closes it.
   */
  public KubernetesClient clientFor(Config config) {
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The admin kubeconfig file. */
  public Path kubeconfig() {
    return Path.of(require("KUBECONFIG", "a Kubernetes API server"));
  }

  /** Runs the provisioned kubectl against this platform. Never throws on a non-zero exit. */
  public CommandResult kubectl(String... args) {
    return kubectlWithInput(null, args);
  }

  /**
   * Runs kubectl with {@code stdin} as its input, e.g. {@code kubectlWithInput(yaml, "apply", "-f",
   * "-")}.
   */
  public CommandResult kubectlWithInput(String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(kubectl.toString());
    command.add("--kubeconfig=" + kubeconfig());
    command.addAll(List.of(args));
    return Commands.run(command, Map.of(), runDir, KUBECTL_TIMEOUT, stdin);
  }

  /** Prometheus' base URL, e.g. {@code http://127.0.0.1:40123}. */
  public URI prometheusUrl() {
    return URI.create(require("PROMETHEUS_URL", "Prometheus"));
  }

  /**
   * Makes Prometheus scrape {@code address} (host:port, path /metrics) with the given extra labels;
   * it picks the target up within a second. Replaces a target of the same name.
   */
  public void addScrapeTarget(String name, String address, Map<String, String> labels) {
    String labelJson =
        labels.entrySet().stream()
            .map(e -> quote(e.getKey()) + ": " + quote(e.getValue()))
            .collect(Collectors.joining(", ", "{", "}"));
    String json = "[{\"targets\": [" + quote(address) + "], \"labels\": " + labelJson + "}]\n";
    Path targets = Path.of(require("PROMETHEUS_TARGETS_DIR", "Prometheus"));
    try {
      // Write then rename, so Prometheus never reads half a file.
      Path tmp = Files.writeString(targets.resolve("." + name + ".tmp"), json);
      Files.move(tmp, targets.resolve(name + ".json"), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void removeScrapeTarget(String name) {
    try {
      Files.deleteIfExists(
          Path.of(require("PROMETHEUS_TARGETS_DIR", "Prometheus"), name + ".json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** JDBC URL of the PostgreSQL server, as superuser {@code postgres} (trust authentication). */
  public String jdbcUrl() {
    return require("JDBC_URL", "PostgreSQL");
  }

  public int postgresPort() {
    return Integer.parseInt(require("PG_PORT", "PostgreSQL"));
  }

  /** host:port of postgres_exporter's /metrics. */
  public String postgresExporterAddress() {
    return require("POSTGRES_EXPORTER_ADDRESS", "PostgreSQL");
  }

  /** Where every component logs: {@code logs/<component>.log}. Kept after the platform stops. */
  public Path logsDir() {
    return runDir.resolve("logs");
  }

  public Path runDir() {
    return runDir;
  }

  /** A value from the run's env file (see {@code e2e/platform/up}), if present. */
  public Optional<String> env(String key) {
    return Optional.ofNullable(env.get(key));
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
      client = null;
    }
    RuntimeException failure = null;
    for (AutoCloseable stopper : stoppers) {
      try {
        stopper.close();
      } catch (Exception e) {
        failure =
            failure == null
                ? new IllegalStateException("stopping the platform failed", e)
                : failure;
      }
    }
    stoppers.clear();
    if (failure != null) {
      throw failure;
    }
  }

  private String require(String key, String component) {
    String value = env.get(key);
    if (value == null) {
      throw new IllegalStateException(
          key + " is not available: the test class did not ask @LocalPlatform for " + component);
    }
    return value;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
