package dev.rollguard.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The user's own kubectl, which reads the cluster for the plugin: its kubeconfig, context,
 * credential plugins and RBAC apply unchanged, and nothing runs in the cluster for the plugin. When
 * kubectl starts the plugin it names itself in {@code KUBECTL_PATH}; otherwise {@code kubectl} is
 * looked up on the PATH.
 */
final class Kubectl {

  static final String RESOURCE = "rollouts.v1alpha1.rollguard.dev";

  private final String binary;
  private final List<String> connection;
  private final PrintStream trace;

  Kubectl(String binary, List<String> connection) {
    this(binary, connection, null);
  }

  /**
   * @param trace where to print each kubectl command and how long it took, or null
   */
  Kubectl(String binary, List<String> connection, PrintStream trace) {
    this.binary = binary;
    this.connection = List.copyOf(connection);
    this.trace = trace;
  }

  /** kubectl as kubectl named itself; ROLLGUARD_PLUGIN_TRACE=1 prints what it runs on stderr. */
  static Kubectl from(Map<String, String> env, ClusterOptions options, PrintStream err) {
    String path = env.get("KUBECTL_PATH");
    return new Kubectl(
        path == null || path.isBlank() ? "kubectl" : path,
        options.connection(),
        "1".equals(env.get("ROLLGUARD_PLUGIN_TRACE")) ? err : null);
  }

  /** What a finished kubectl printed, and how it ended. */
  record Result(int exitCode, String out, String err) {
    boolean ok() {
      return exitCode == 0;
    }

    /** kubectl's own error line, for the user: "Error from server (NotFound): ...". */
    String error() {
      String text = err.strip();
      return text.isEmpty() ? "kubectl exited with " + exitCode : text;
    }
  }

  Result run(List<String> args) {
    long start = System.nanoTime();
    Result result = runToEnd(args);
    if (trace != null) {
      trace.printf(
          "[trace] %d ms at JVM uptime %d ms: %s %s -> exit %d, %d bytes%n",
          (System.nanoTime() - start) / 1_000_000,
          java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(),
          binary,
          String.join(" ", args),
          result.exitCode(),
          result.out().length());
    }
    return result;
  }

  private Result runToEnd(List<String> args) {
    Process process = launch(builder(args));
    try {
      // stderr is small; read it on its own thread so a large stdout never blocks on a full pipe.
      StringBuilder err = new StringBuilder();
      Thread errReader =
          new Thread(() -> err.append(readAll(process.getErrorStream())), "kubectl-stderr");
      errReader.start();
      String out = readAll(process.getInputStream());
      int exit = process.waitFor();
      errReader.join();
      return new Result(exit, out, err.toString());
    } catch (InterruptedException e) {
      process.destroy();
      Thread.currentThread().interrupt();
      return new Result(130, "", "interrupted");
    }
  }

  /** A long-running kubectl (a watch); its stderr goes to the user's terminal. */
  Process start(List<String> args) {
    return launch(builder(args).redirectError(ProcessBuilder.Redirect.INHERIT));
  }

  private ProcessBuilder builder(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(binary);
    command.addAll(connection);
    command.addAll(args);
    return new ProcessBuilder(command);
  }

  private Process launch(ProcessBuilder builder) {
    try {
      return builder.start();
    } catch (IOException e) {
      throw new KubectlMissing(binary, e);
    }
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** kubectl could not be started at all. */
  static final class KubectlMissing extends RuntimeException {
    KubectlMissing(String binary, IOException cause) {
      super(
          "cannot run "
              + binary
              + " ("
              + cause.getMessage()
              + "): the plugin reads the cluster through kubectl, which must be on the PATH",
          cause);
    }
  }
}
