package dev.rollguard.e2e.packaging;

import dev.rollguard.testing.CommandResult;
import dev.rollguard.testing.Commands;
import dev.rollguard.testing.Platform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kubectl rollguard}, run the way a person runs it: the platform's kubectl finds the
 * repository's {@code plugin/kubectl-rollguard} on the PATH and runs it with the person's
 * kubeconfig.
 */
final class KubectlPlugin {

  private static final Logger LOG = LoggerFactory.getLogger(KubectlPlugin.class);

  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  private final Path kubectl;
  private final Map<String, String> env = new HashMap<>();

  KubectlPlugin(Platform platform, Path kubeconfig) {
    this.kubectl = Path.of(platform.env("KUBECTL").orElseThrow());
    Path bin = platform.runDir().resolve("plugin-bin");
    Path home = platform.runDir().resolve("plugin-home");
    try {
      Files.createDirectories(bin);
      Files.createDirectories(home);
      Path link = bin.resolve("kubectl-rollguard");
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, Tools.repo().resolve("plugin/kubectl-rollguard"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    env.put("PATH", bin + ":" + kubectl.getParent() + ":" + System.getenv("PATH"));
    env.put("KUBECONFIG", kubeconfig.toString());
    // The plugin's class-data archive and kubectl's discovery cache stay in the test's run.
    env.put("HOME", home.toString());
    env.put("XDG_CACHE_HOME", home.resolve("cache").toString());
  }

  /** {@code kubectl rollguard ARGS...}, to completion; logged as a terminal would show it. */
  CommandResult run(String... args) {
    CommandResult result = Commands.run(command(args), env, Tools.repo(), TIMEOUT, null);
    LOG.info(
        "\n$ kubectl rollguard {}\n{}{}(exit {})",
        String.join(" ", args),
        result.stdout(),
        result.stderr(),
        result.exitCode());
    return result;
  }

  /** {@code kubectl rollguard ARGS...} in the background, its output (both streams) in a file. */
  Process start(Path output, String... args) {
    ProcessBuilder builder =
        new ProcessBuilder(command(args))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .directory(Tools.repo().toFile());
    builder.environment().putAll(env);
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> command(String... args) {
    List<String> command = new ArrayList<>(List.of(kubectl.toString(), "rollguard"));
    command.addAll(List.of(args));
    return command;
  }
}
