package dev.rollguard.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Argo Rollouts' controller (rollouts-controller, built by e2e/bench/peer/argo-rollouts/build) as
 * its own process against the local platform, with its default threads, client rate limit and
 * leader election. Its requests to the API server are read from its own counter, which its
 * Kubernetes client's transport increments once per HTTP request: every get, list, watch opened,
 * create, update, patch and delete, events and the leader-election Lease included.
 */
final class ArgoProcess implements ControllerProcess {

  static final String API_REQUESTS = "controller_clientset_k8s_request_total";

  /** Argo's defaults that matter for the comparison (rollouts-controller --help, v1.10.2). */
  static final Map<String, String> DEFAULTS =
      Map.of(
          "--qps", "40 (per client set: Kubernetes, Argo and dynamic clients each)",
          "--burst", "80 (likewise)",
          "--rollout-threads", "10",
          "--analysis-threads", "30",
          "--leader-elect", "true (Lease in namespace argo-rollouts, renewed every 2 s)",
          "--rollout-resync", "900 (s)",
          "--loglevel", "info");

  private final Process process;
  private final int metricsPort;
  private final List<String> args;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ArgoProcess(Process process, int metricsPort, List<String> args) {
    this.process = process;
    this.metricsPort = metricsPort;
    this.args = args;
  }

  /** The flags the benchmark passes, beyond {@code extraArgs}: where, and nothing else. */
  static List<String> args(Path kubeconfig, int metricsPort, int healthzPort) {
    return List.of(
        "--kubeconfig",
        kubeconfig.toString(),
        "--metricsPort",
        String.valueOf(metricsPort),
        "--healthzPort",
        String.valueOf(healthzPort));
  }

  static ArgoProcess start(Path binary, Path kubeconfig, List<String> extraArgs, Path log)
      throws IOException {
    int metricsPort = OperatorProcess.freePort();
    int healthzPort = OperatorProcess.freePort();
    List<String> args = new ArrayList<>(args(kubeconfig, metricsPort, healthzPort));
    args.addAll(extraArgs);
    List<String> command = new ArrayList<>(List.of(binary.toString()));
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // Its leader-election namespace is POD_NAMESPACE when set, else argo-rollouts.
    builder.environment().remove("POD_NAMESPACE");
    return new ArgoProcess(builder.start(), metricsPort, List.copyOf(args));
  }

  List<String> args() {
    return args;
  }

  @Override
  public Process process() {
    return process;
  }

  @Override
  public String apiRequestCounter() {
    return API_REQUESTS;
  }

  /**
   * Argo's counter labels a request by the last segments of its path, so a request to a subresource
   * ({@code rollouts/NAME/status}) carries the object's name as its "kind" and the subresource as
   * its "name"; and a create whose body its counter cannot read as JSON (client-go sends built-in
   * types such as ReplicaSets and Leases as protobuf) has no kind at all. Keys here are "resource
   * verb", "rollouts/status verb" for a Rollout's status (the fleet's names are the Rollouts'
   * names), "(protobuf body) Create", and the status code when it is not 2xx.
   */
  @Override
  public Map<String, Double> apiRequests() throws IOException {
    return metrics()
        .sumBy(
            API_REQUESTS,
            labels ->
                requestKind(
                    labels.getOrDefault("kind", ""),
                    labels.getOrDefault("name", ""),
                    labels.getOrDefault("verb", ""),
                    labels.getOrDefault("status_code", "")));
  }

  static String requestKind(String kind, String name, String verb, String code) {
    if (kind.isEmpty()) {
      kind = "(protobuf body)";
    } else if (Fleet.NAME.matcher(kind).matches()) {
      kind = "rollouts/" + name;
    } else if (kind.startsWith("app-")) {
      kind = "(object of the fleet)/" + name;
    }
    return kind + " " + verb + (code.startsWith("2") || code.isEmpty() ? "" : " " + code);
  }

  MetricsText metrics() throws IOException {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("Argo Rollouts' /metrics answered " + response.statusCode());
      }
      return new MetricsText(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading Argo Rollouts' /metrics", e);
    }
  }

  /** SIGTERM; SIGKILL if it does not stop within 30 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
