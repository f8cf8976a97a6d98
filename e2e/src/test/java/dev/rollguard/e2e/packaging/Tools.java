package dev.rollguard.e2e.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the packaging lives (chart, deploy/, crds/) and the command-line tools the tests run:
 * helm and kubectl as the local platform provisions them, promtool from the Prometheus package.
 */
final class Tools {

  private static final Pattern KUBERNETES_REQUIRE =
      Pattern.compile("(?m)^\\s*(?:require\\s+)?k8s\\.io/kubernetes v(\\S+)");
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  // Each output stream blocks its reader until the process closes it: one thread per stream.
  private static final ExecutorService READERS = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "packaging-output-reader");
    thread.setDaemon(true);
    return thread;
  });

  private Tools() {}

  /** What a command did. */
  record Result(String command, int exitCode, String stdout, String stderr) {
    boolean succeeded() {
      return exitCode == 0;
    }

    Result orThrow() {
      if (!succeeded()) {
        throw new IllegalStateException("'" + command + "' exited with " + exitCode
            + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
      }
      return this;
    }
  }

  /** The repository root (Maven passes it to the tests). */
  static Path repo() {
    Path dir = Path.of(System.getProperty("rollguard.repo.dir", "..")).toAbsolutePath().normalize();
    if (!Files.isDirectory(dir.resolve("charts/rollguard"))) {
      throw new IllegalStateException("no charts/rollguard under " + dir + "; set -Drollguard.repo.dir");
    }
    return dir;
  }

  static Path chart() {
    return repo().resolve("charts/rollguard");
  }

  /** The Kubernetes version the platform pins (e2e/platform/src/kubernetes/go.mod), e.g. 1.37.2. */
  static String kubernetesVersion() {
    Path goMod = repo().resolve("e2e/platform/src/kubernetes/go.mod");
    try {
      Matcher matcher = KUBERNETES_REQUIRE.matcher(Files.readString(goMod));
      if (!matcher.find()) {
        throw new IllegalStateException(goMod + " does not require k8s.io/kubernetes");
      }
      return matcher.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The platform's binaries: $ROLLGUARD_CACHE (or ~/.cache/rollguard)/k8s-VERSION/bin. */
  static Path platformBin(String name) {
    String cache = System.getenv("ROLLGUARD_CACHE");
    Path root = cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache/rollguard");
    Path binary = root.resolve("k8s-" + kubernetesVersion()).resolve("bin").resolve(name);
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(binary + " is missing: run e2e/platform/provision first");
    }
    return binary;
  }

  static Path promtool() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("promtool (Debian package prometheus) is not on the PATH");
  }

  /** Runs helm with its state directories under target/, so no test touches ~/.config/helm. */
  static Result helm(String... args) {
    Path home = Path.of("target/helm-home").toAbsolutePath();
    List<String> command = new ArrayList<>(List.of(platformBin("helm").toString()));
    command.addAll(List.of(args));
    return run(command, Map.of(
        "HELM_CACHE_HOME", home.resolve("cache").toString(),
        "HELM_CONFIG_HOME", home.resolve("config").toString(),
        "HELM_DATA_HOME", home.resolve("data").toString()), null);
  }

  static Result run(List<String> command, Map<String, String> env, String stdin) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(repo().toFile());
    builder.environment().putAll(env);
    String shown = String.join(" ", command);
    try {
      Process process = builder.start();
      try (var input = process.getOutputStream()) {
        if (stdin != null) {
          input.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()), READERS);
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()), READERS);
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("'" + shown + "' did not finish within " + TIMEOUT);
      }
      return new Result(shown, process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException("could not run '" + shown + "'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running '" + shown + "'", e);
    }
  }

  private static String read(InputStream stream) {
    try (stream) {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
