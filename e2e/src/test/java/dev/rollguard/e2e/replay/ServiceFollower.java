package dev.rollguard.e2e.replay;

import dev.rollguard.testing.Platform;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kwok makes pods Ready but runs no container, so this runs them: for every Ready pod of the app, a
 * local process of the demo service with that pod's image (its tag picks good, leaking or failing
 * behaviour), scraped by Prometheus and kept busy by a steady load. When a pod goes away, its
 * process stops and its database sessions with it. Connections, errors and recovery are therefore
 * real.
 */
public final class ServiceFollower implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

  private final Platform platform;
  private final String namespace;
  private final String app;
  private final Path jar;
  private final String jdbcUrl;
  private final Map<String, Instance> running = new ConcurrentHashMap<>();
  private final Map<String, String> everStarted = new ConcurrentHashMap<>();
  private final ScheduledExecutorService loop = Executors.newScheduledThreadPool(2);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Thread killOnExit = new Thread(this::stopAll, "service-follower-exit");
  private volatile boolean closing;

  private record Instance(String pod, String image, Process process, int port) {}

  private static final String POD_TEMPLATE_HASH = "pod-template-hash";

  public ServiceFollower(
      Platform platform,
      String namespace,
      String app,
      Path jar,
      int requestsPerSecond,
      String jdbcUrl) {
    this.platform = platform;
    this.namespace = namespace;
    this.app = app;
    this.jar = jar;
    this.jdbcUrl = jdbcUrl;
    // Service processes must not outlive the test JVM, even if it is told to exit early.
    Runtime.getRuntime().addShutdownHook(killOnExit);
    loop.scheduleWithFixedDelay(this::follow, 0, 500, TimeUnit.MILLISECONDS);
    loop.scheduleAtFixedRate(this::load, 0, 1000 / requestsPerSecond, TimeUnit.MILLISECONDS);
  }

  /** Images of the running service processes, one per Ready pod. */
  public List<String> runningImages() {
    return running.values().stream().map(Instance::image).sorted().toList();
  }

  /** Every pod that ever ran {@code image} while this follower ran, still running or not. */
  public List<String> podsThatRan(String image) {
    return everStarted.entrySet().stream()
        .filter(e -> e.getValue().equals(image))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  private void follow() {
    if (closing) {
      return;
    }
    try {
      Set<String> ready = new HashSet<>();
      for (Pod pod :
          platform.client().pods().inNamespace(namespace).withLabel("app", app).list().getItems()) {
        if (isReady(pod) && pod.getMetadata().getDeletionTimestamp() == null) {
          ready.add(pod.getMetadata().getName());
          running.computeIfAbsent(
              pod.getMetadata().getName(),
              name ->
                  start(
                      name,
                      pod.getSpec().getContainers().get(0).getImage(),
                      pod.getMetadata().getLabels()));
        }
      }
      running.keySet().stream().filter(pod -> !ready.contains(pod)).toList().forEach(this::stop);
    } catch (RuntimeException e) {
      // The cluster may be briefly unreachable in failure tests; the next round catches up.
    }
  }

  private Instance start(String pod, String image, Map<String, String> podLabels) {
    try {
      Path log = platform.logsDir().resolve("service-" + pod + ".log");
      ProcessBuilder builder =
          new ProcessBuilder(
                  javaBinary(), "-Xmx64m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.PIPE);
      builder
          .environment()
          .putAll(
              Map.of(
                  "IMAGE",
                  image,
                  "JDBC_URL",
                  jdbcUrl,
                  "APP",
                  app,
                  "POD",
                  pod,
                  "PORT",
                  "0",
                  "POOL_SIZE",
                  "30"));
      Process process = builder.start();
      process.getOutputStream().close();
      int port = readPort(process, log);
      everStarted.put(pod, image);
      // As a Kubernetes service discovery relabelling would: the pod's ReplicaSet hash, so that
      // guards can select one revision's pods ({{revision}}, {{stableRevision}}).
      Map<String, String> labels =
          new HashMap<>(Map.of("job", app, "namespace", namespace, "pod", pod));
      if (podLabels != null && podLabels.containsKey(POD_TEMPLATE_HASH)) {
        labels.put("pod_template_hash", podLabels.get(POD_TEMPLATE_HASH));
      }
      platform.addScrapeTarget("service-" + pod, "127.0.0.1:" + port, labels);
      return new Instance(pod, image, process, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int readPort(Process process, Path log) throws IOException {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = reader.readLine()) != null) {
      seen.append(line).append('\n');
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        Files.writeString(log, seen.toString());
        // Keep draining its output so the process never blocks on a full pipe.
        Thread drain = new Thread(() -> reader.lines().forEach(l -> {}), "service-output");
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(m.group(1));
      }
    }
    Files.writeString(log, seen.toString());
    throw new IllegalStateException("the demo service exited before listening; see " + log);
  }

  private void stop(String pod) {
    Instance instance = running.remove(pod);
    if (instance != null) {
      platform.removeScrapeTarget("service-" + pod);
      // Like a pod whose grace period ran out: its sessions end with it.
      instance.process().destroyForcibly();
      try {
        instance.process().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void load() {
    for (Instance instance : running.values()) {
      http.sendAsync(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + "/checkout"))
              .timeout(Duration.ofSeconds(3))
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Override
  public void close() {
    closing = true;
    loop.shutdownNow();
    try {
      // A round may be starting a process right now: let it finish, then stop everything.
      loop.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException alreadyExiting) {
      // the hook runs anyway
    }
  }

  private void stopAll() {
    running.keySet().stream().toList().forEach(this::stop);
  }
}
