package dev.rollguard.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts what a {@link LocalPlatform} asks for, with the repository's platform scripts. */
final class PlatformLauncher {

  private static final Logger LOG = LoggerFactory.getLogger(PlatformLauncher.class);
  private static final Duration UP_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration DOWN_TIMEOUT = Duration.ofMinutes(2);

  private final RepoLayout repo;

  PlatformLauncher(RepoLayout repo) {
    this.repo = repo;
  }

  Platform start(LocalPlatform spec, Path runDir) {
    if (spec.apiServer() && spec.cluster()) {
      throw new IllegalArgumentException("@LocalPlatform: ask for apiServer or cluster, not both");
    }
    stopLeftovers(runDir);
    deleteRecursively(runDir);
    createDirectories(runDir.getParent());
    Map<String, String> env = new HashMap<>();
    List<AutoCloseable> stoppers = new ArrayList<>();
    try {
      if (spec.cluster() || spec.prometheus() || spec.postgres()) {
        env.putAll(up(spec, runDir));
        stoppers.add(() -> down(runDir));
      }
      if (spec.apiServer()) {
        KubeAPIServer apiServer = startApiServer();
        stoppers.add(0, apiServer::stop);
        env.putAll(apiServerEnv(apiServer, runDir));
      }
    } catch (RuntimeException e) {
      stopAll(stoppers);
      throw e;
    }
    Path kubectl = repo.binDir().resolve("kubectl");
    return new Platform(runDir, env, kubectl, repo.platformScript("ctl"), stoppers);
  }

  private Map<String, String> up(LocalPlatform spec, Path runDir) {
    List<String> command =
        new ArrayList<>(
            List.of(
                repo.platformScript("up").toString(),
                "--run-dir",
                runDir.toString(),
                "--nodes",
                String.valueOf(spec.nodes()),
                "--max-connections",
                String.valueOf(spec.maxConnections()),
                "--scrape-interval",
                spec.scrapeInterval(),
                "--pod-ready-delay",
                String.valueOf(spec.podReadyDelayMillis())));
    if (spec.cluster()) {
      command.add("--cluster");
    }
    if (spec.prometheus()) {
      command.add("--prometheus");
    }
    if (spec.postgres()) {
      command.add("--postgres");
    }
    LOG.info("starting the local platform in {}", runDir);
    CommandResult result = Commands.run(command, Map.of(), runDir.getParent(), UP_TIMEOUT);
    writeQuietly(runDir.resolve("logs/up.log"), result.stderr());
    if (!result.succeeded()) {
      throw new IllegalStateException(
          "the local platform did not start (logs in "
              + runDir.resolve("logs")
              + "):\n"
              + result.stderr());
    }
    LOG.info("local platform up:\n{}", result.stdout().strip());
    return parseEnv(result.stdout());
  }

  private void down(Path runDir) {
    CommandResult result =
        Commands.run(
            List.of(repo.platformScript("down").toString(), runDir.toString()),
            Map.of(),
            runDir.getParent(),
            DOWN_TIMEOUT);
    writeQuietly(runDir.resolve("logs/down.log"), result.stderr());
    result.orThrow();
  }

  /** A run directory left behind by a killed JVM may still have processes: stop them first. */
  private void stopLeftovers(Path runDir) {
    if (Files.isDirectory(runDir.resolve("pids"))) {
      LOG.warn("stopping processes left over in {}", runDir);
      down(runDir);
    }
  }

  private KubeAPIServer startApiServer() {
    String version = repo.kubernetesVersion();
    Path binaries =
        Path.of(System.getProperty("user.home"), ".kubeapitest/k8s", version + "-linux-amd64");
    if (!Files.isExecutable(binaries.resolve("kube-apiserver"))) {
      throw new IllegalStateException(
          "no kube-apiserver "
              + version
              + " in "
              + binaries
              + ": run e2e/platform/provision first");
    }
    try {
      return startedApiServer(version);
    } catch (RuntimeException first) {
      // Seen once in many runs: the API server process exited during its start (the library
      // logged only that it stopped unexpectedly). A second start, on new ports, is given the
      // chance; a second failure is reported.
      LOG.warn("kube-apiserver did not start ({}); starting it once more", first.getMessage());
      return startedApiServer(version);
    }
  }

  private static KubeAPIServer startedApiServer(String version) {
    KubeAPIServer server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion(version)
                .withOfflineMode(true)
                .build());
    try {
      server.start();
      return server;
    } catch (RuntimeException e) {
      try {
        server.stop();
      } catch (RuntimeException stopFailed) {
        e.addSuppressed(stopFailed);
      }
      throw e;
    }
  }

  private static Map<String, String> apiServerEnv(KubeAPIServer server, Path runDir) {
    Path kubeconfig = runDir.resolve("kubeconfig");
    try {
      Files.createDirectories(runDir.resolve("logs"));
      Files.writeString(kubeconfig, server.getKubeConfigYaml());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of("KUBECONFIG", kubeconfig.toString());
  }

  static Map<String, String> parseEnv(String text) {
    Map<String, String> env = new HashMap<>();
    text.lines()
        .map(String::strip)
        .filter(line -> line.contains("=") && !line.startsWith("#"))
        .forEach(
            line ->
                env.put(
                    line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
    return env;
  }

  private static void stopAll(List<AutoCloseable> stoppers) {
    for (AutoCloseable stopper : stoppers) {
      try {
        stopper.close();
      } catch (Exception e) {
        LOG.warn("could not stop part of the platform", e);
      }
    }
  }

  private static void writeQuietly(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      LOG.warn("could not write {}", file, e);
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
