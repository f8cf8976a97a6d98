package dev.rollguard.e2e.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator as a process of its own ({@code java -jar operator/target/rollguard-operator.jar}),
 * the way a pod runs it: its identity comes from POD_NAME, its credentials from the kubeconfig.
 */
final class OperatorProcess implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorProcess.class);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String identity;
  final Path log;
  private final Process process;
  private final int metricsPort;
  private final int healthPort;

  private OperatorProcess(
      String identity, Path log, Process process, int metricsPort, int healthPort) {
    this.identity = identity;
    this.log = log;
    this.process = process;
    this.metricsPort = metricsPort;
    this.healthPort = healthPort;
  }

  static OperatorProcess start(
      String identity, Path kubeconfig, Path logsDir, Map<String, String> env, String... flags) {
    Path jar = Tools.repo().resolve("operator/target/rollguard-operator.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build the operator module first (mvn install)");
    }
    int metricsPort = freePort();
    int healthPort = freePort();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The options the container image starts it with.
                "@" + Tools.repo().resolve("operator/jvm.options"),
                // The class-data-sharing archive the build dumps beside the jar (the image has
                // its own, at the path jvm.options names).
                "-XX:SharedArchiveFile=" + jar.resolveSibling("rollguard-operator.jsa"),
                "-Xmx256m",
                "-jar",
                jar.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "--metrics-port",
                String.valueOf(metricsPort),
                "--health-port",
                String.valueOf(healthPort)));
    command.addAll(List.of(flags));
    Path log = logsDir.resolve("operator-" + identity + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // Nothing but the kubeconfig given: no KUBECONFIG or ambient settings from the test's
    // environment.
    builder
        .environment()
        .keySet()
        .removeIf(key -> key.equals("KUBECONFIG") || key.startsWith("ROLLGUARD_"));
    builder.environment().putAll(env);
    builder.environment().put("POD_NAME", identity);
    builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
    try {
      return new OperatorProcess(identity, log, builder.start(), metricsPort, healthPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  /** GET /readyz on the health port: 200 ready, 503 not ready, -1 not answering. */
  int readyz() {
    return status("/readyz");
  }

  /**
   * The sum of the samples on /metrics of a metric ({@code rollguard_reconcile_total}) or of
   * series starting with the given text ({@code rollguard_reconcile_total{outcome="error"}); 0
   * when there are none.
   */
  double metric(String series) {
    try {
      String body =
          HTTP.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      return body.lines()
          .filter(
              l ->
                  series.contains("{")
                      ? l.startsWith(series)
                      : l.startsWith(series + "{") || l.startsWith(series + " "))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * SIGKILL: the process dies at once, as a crashed or evicted pod does, without letting go of
   * anything.
   */
  void kill() {
    process.destroyForcibly();
    waitForExit(Duration.ofSeconds(30));
  }

  /** SIGTERM, then SIGKILL if it has not stopped within 30 s. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      if (!waitForExit(Duration.ofSeconds(30))) {
        LOG.warn(
            "operator {} did not stop within 30 s of SIGTERM; killing it (log: {})", identity, log);
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(10));
      }
    }
  }

  private boolean waitForExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private int status(String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + path)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
