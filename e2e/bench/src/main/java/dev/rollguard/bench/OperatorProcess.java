package dev.rollguard.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operator as users run it: {@code java -jar rollguard-operator.jar}, its own process. The
 * benchmark reads its CPU time and resident memory from /proc, forces a full GC with jcmd to read
 * the live heap, and reads its own metrics (requests sent, tick lag) from /metrics.
 */
final class OperatorProcess implements ControllerProcess {

  private final Process process;
  private final int metricsPort;
  private final int healthPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private OperatorProcess(Process process, int metricsPort, int healthPort) {
    this.process = process;
    this.metricsPort = metricsPort;
    this.healthPort = healthPort;
  }

  static OperatorProcess start(
      Path jar,
      String heap,
      Path kubeconfig,
      String prometheusUrl,
      List<String> extraArgs,
      Path log)
      throws IOException {
    int metricsPort = freePort();
    int healthPort = freePort();
    List<String> command =
        new ArrayList<>(
            List.of(
                "java",
                // The options the container image uses (operator/jvm.options), then the heap.
                "@" + jar.toAbsolutePath().getParent().getParent().resolve("jvm.options"),
                // The class-data-sharing archive the build dumps beside the jar (the image has
                // its own, at the path jvm.options names).
                "-XX:SharedArchiveFile="
                    + jar.toAbsolutePath().resolveSibling("rollguard-operator.jsa"),
                "-Xmx" + heap,
                "-jar",
                jar.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "--prometheus-url",
                prometheusUrl,
                "--metrics-port",
                String.valueOf(metricsPort),
                "--health-port",
                String.valueOf(healthPort)));
    // JVM options to try (profiling, collectors): inserted before -jar.
    String jvmOptions = System.getenv().getOrDefault("ROLLGUARD_OPERATOR_JVM_OPTIONS", "").strip();
    if (!jvmOptions.isEmpty()) {
      command.addAll(command.indexOf("-jar"), List.of(jvmOptions.split("\\s+")));
    }
    command.addAll(extraArgs);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // As the container image sets it (operator/Dockerfile).
    builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
    Process process = builder.start();
    return new OperatorProcess(process, metricsPort, healthPort);
  }

  @Override
  public Process process() {
    return process;
  }

  boolean ready() {
    return get(healthPort, "/readyz").map(body -> true).orElse(false);
  }

  @Override
  public String apiRequestCounter() {
    return Counters.API_REQUESTS;
  }

  @Override
  public java.util.Map<String, Double> apiRequests() throws IOException {
    return metrics().sumBy(Counters.API_REQUESTS, "verb");
  }

  /** Forces a full collection, then reads the heap in use: what the operator really keeps. */
  long heapAfterGcBytes() throws IOException, InterruptedException {
    Process gc =
        new ProcessBuilder("jcmd", String.valueOf(pid()), "GC.run")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!gc.waitFor(2, TimeUnit.MINUTES) || gc.exitValue() != 0) {
      throw new IOException("jcmd GC.run failed for pid " + pid());
    }
    return (long) metrics().sum("jvm_memory_used_bytes", "area=\"heap\"");
  }

  /** The live objects by class (jcmd GC.class_histogram), for the analysis of where memory goes. */
  void writeClassHistogram(Path file) throws IOException, InterruptedException {
    Process histogram =
        new ProcessBuilder("jcmd", String.valueOf(pid()), "GC.class_histogram")
            .redirectErrorStream(true)
            .redirectOutput(file.toFile())
            .start();
    if (!histogram.waitFor(2, TimeUnit.MINUTES)) {
      histogram.destroyForcibly();
    }
  }

  /** The operator's /metrics page as it is now, for the record. */
  String metricsPage() throws IOException {
    return get(metricsPort, "/metrics")
        .orElseThrow(() -> new IOException("the operator's /metrics did not answer"));
  }

  MetricsText metrics() throws IOException {
    return new MetricsText(
        get(metricsPort, "/metrics")
            .orElseThrow(() -> new IOException("the operator's /metrics did not answer")));
  }

  private java.util.Optional<String> get(int port, String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? java.util.Optional.of(response.body())
          : java.util.Optional.empty();
    } catch (IOException e) {
      return java.util.Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.Optional.empty();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** SIGTERM, as Kubernetes stops a pod; SIGKILL if it does not stop within 30 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
