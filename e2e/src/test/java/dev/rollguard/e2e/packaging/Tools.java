package dev.rollguard.e2e.packaging;

import dev.rollguard.testing.CommandResult;
import dev.rollguard.testing.Commands;
import dev.rollguard.testing.RepoLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the packaging lives (chart, deploy/, crds/) and the command-line tools the tests run: helm
 * and kubectl as the local platform provisions them, promtool from the Prometheus package.
 */
final class Tools {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private Tools() {}

  /** The repository root (Maven passes it to the tests). */
  static Path repo() {
    return RepoLayout.locate().root();
  }

  static Path chart() {
    return repo().resolve("charts/rollguard");
  }

  /** The Kubernetes version the platform pins (e2e/platform/src/kubernetes/go.mod), e.g. 1.37.2. */
  static String kubernetesVersion() {
    return RepoLayout.locate().kubernetesVersion();
  }

  /** The platform's binaries: $ROLLGUARD_CACHE (or ~/.cache/rollguard)/k8s-VERSION/bin. */
  static Path platformBin(String name) {
    Path binary = RepoLayout.locate().binDir().resolve(name);
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
  static CommandResult helm(String... args) {
    Path home = Path.of("target/helm-home").toAbsolutePath();
    List<String> command = new ArrayList<>(List.of(platformBin("helm").toString()));
    command.addAll(List.of(args));
    return run(
        command,
        Map.of(
            "HELM_CACHE_HOME", home.resolve("cache").toString(),
            "HELM_CONFIG_HOME", home.resolve("config").toString(),
            "HELM_DATA_HOME", home.resolve("data").toString()),
        null);
  }

  static CommandResult run(List<String> command, Map<String, String> env, String stdin) {
    return Commands.run(command, env, repo(), TIMEOUT, stdin);
  }
}
