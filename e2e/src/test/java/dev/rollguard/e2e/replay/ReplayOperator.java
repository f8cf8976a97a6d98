package dev.rollguard.e2e.replay;

import dev.rollguard.testing.Platform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The operator as its own process: {@code java -jar operator/target/rollguard-operator.jar}. */
final class ReplayOperator implements AutoCloseable {

  private final Process process;
  final int metricsPort = ReplayWorld.freePort();

  /**
   * Runs with the chart's identity: a kubeconfig holding only its ServiceAccount's token, and the
   * ROLLGUARD_* environment the chart gives the operator pod.
   */
  ReplayOperator(
      Platform platform,
      String logName,
      Path kubeconfig,
      Map<String, String> env,
      String... namespaces) {
    try {
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  // The options the container image starts it with.
                  "@" + ReplayWorld.REPO.resolve("operator/jvm.options"),
                  // The class-data-sharing archive the build dumps beside the jar (the image has
                  // its own, at the path jvm.options names).
                  "-XX:SharedArchiveFile="
                      + ReplayWorld.REPO.resolve("operator/target/rollguard-operator.jsa"),
                  "-jar",
                  ReplayWorld.REPO.resolve("operator/target/rollguard-operator.jar").toString(),
                  "--kubeconfig",
                  kubeconfig.toString(),
                  "--namespaces",
                  String.join(",", namespaces),
                  "--prometheus-url",
                  platform.prometheusUrl().toString(),
                  "--metrics-port",
                  String.valueOf(metricsPort),
                  "--health-port",
                  String.valueOf(ReplayWorld.freePort()))
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(
                      platform.logsDir().resolve(logName + ".log").toFile()));
      builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
      builder.environment().putAll(env);
      process = builder.start();
      // Never outlive the test JVM.
      Runtime.getRuntime()
          .addShutdownHook(new Thread(process::destroyForcibly, "replay-operator-exit"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL: no shutdown hook, no chance to tidy up, as when a node dies. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, as kubelet sends it; SIGKILL if it has not stopped within 30 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
