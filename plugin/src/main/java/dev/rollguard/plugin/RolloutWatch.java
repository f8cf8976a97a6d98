package dev.rollguard.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Rollouts as they change: a list, then a watch from the list's resourceVersion (through {@code
 * kubectl get --raw}, with the user's credentials), so no change between the two is missed. A watch
 * the server ends is resumed where it stopped; one that expired (410 Gone) starts again from a new
 * list.
 */
final class RolloutWatch {

  /** Told of every Rollout as listed and as it changes; returns false to stop watching. */
  interface Listener {
    boolean changed(JsonNode rollout, boolean deleted);
  }

  /** The list (or the watch) could not be read; kubectl's own error. */
  static final class WatchFailed extends RuntimeException {
    WatchFailed(String message) {
      super(message);
    }
  }

  private final Kubectl kubectl;
  private final ClusterOptions cluster;
  private final String name;
  private String resourceVersion;
  private volatile Process watch;
  private volatile boolean stopped;

  /**
   * @param name one Rollout, or null for all in scope
   */
  RolloutWatch(Kubectl kubectl, ClusterOptions cluster, String name) {
    this.kubectl = kubectl;
    this.cluster = cluster;
    this.name = name;
  }

  /** Lists, tells the listener of each Rollout, then follows changes until it says stop. */
  void run(Listener listener) {
    String path = path();
    boolean relist = true;
    while (!stopped) {
      if (relist && !list(listener)) {
        return;
      }
      relist = follow(path, listener);
    }
  }

  /** Ends {@link #run} from another thread (a timeout, Ctrl-C). */
  void stop() {
    stopped = true;
    Process process = watch;
    if (process != null) {
      process.destroy();
    }
  }

  boolean stopped() {
    return stopped;
  }

  private boolean list(Listener listener) {
    List<String> args = new ArrayList<>(List.of("get", Kubectl.RESOURCE));
    args.addAll(cluster.scope());
    if (name != null) {
      args.add("--field-selector=metadata.name=" + name);
    }
    args.addAll(List.of("-o", "json"));
    Kubectl.Result result = kubectl.run(args);
    if (!result.ok()) {
      throw new WatchFailed(result.error());
    }
    JsonNode root = RolloutJson.tree(result.out());
    resourceVersion = root.path("metadata").path("resourceVersion").asText(null);
    for (JsonNode item : root.path("items")) {
      if (!listener.changed(item, false)) {
        stopped = true;
        return false;
      }
    }
    return true;
  }

  /** Follows one watch stream; returns true when a new list is needed (the version expired). */
  private boolean follow(String path, Listener listener) {
    String url =
        path
            + "?watch=true&allowWatchBookmarks=true"
            + (resourceVersion == null ? "" : "&resourceVersion=" + resourceVersion)
            + (name == null ? "" : "&fieldSelector=" + encode("metadata.name=" + name));
    watch = kubectl.start(List.of("get", "--raw", url));
    if (stopped) {
      watch.destroy();
    }
    try (MappingIterator<JsonNode> events =
        RolloutJson.TREES.readerFor(JsonNode.class).readValues(watch.getInputStream())) {
      while (!stopped && events.hasNextValue()) {
        JsonNode event = events.nextValue();
        String type = event.path("type").asText();
        JsonNode object = event.path("object");
        if (type.equals("ERROR")) {
          // 410 Gone: the version is too old to resume from.
          return true;
        }
        String version = object.path("metadata").path("resourceVersion").asText(null);
        if (version != null) {
          resourceVersion = version;
        }
        if (type.equals("BOOKMARK")) {
          continue;
        }
        if (!listener.changed(object, type.equals("DELETED"))) {
          stop();
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!stopped) {
        waitFor(watch);
        throw new WatchFailed("the watch stopped: " + e.getMessage());
      }
    }
    if (!stopped && waitFor(watch) != 0) {
      throw new WatchFailed("kubectl's watch ended with exit code " + watch.exitValue());
    }
    return false;
  }

  private String path() {
    String base = "/apis/rollguard.dev/v1alpha1";
    if (cluster.allNamespaces()) {
      return base + "/rollouts";
    }
    return base + "/namespaces/" + namespace() + "/rollouts";
  }

  /** -n, else the namespace of the kubeconfig's context, else "default" (as kubectl does). */
  private String namespace() {
    if (cluster.namespace() != null) {
      return cluster.namespace();
    }
    Kubectl.Result result =
        kubectl.run(List.of("config", "view", "--minify", "-o", "jsonpath={..namespace}"));
    String namespace = result.ok() ? result.out().strip() : "";
    return namespace.isEmpty() ? "default" : namespace;
  }

  private static int waitFor(Process process) {
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
