package dev.rollguard.operator.notify;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notification targets ConfigMap, watched by name (one object: get, list and watch on it
 * alone). Every change is parsed again; mistakes are logged naming their field, and the targets
 * without mistakes keep working.
 */
public final class TargetsWatch implements Supplier<TargetsConfig>, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TargetsWatch.class);

  private final String namespace;
  private final String name;
  private final AtomicReference<TargetsConfig> current;
  private final Consumer<TargetsConfig> onChange;
  private SharedIndexInformer<ConfigMap> informer;

  /**
   * @param onChange sees every newly parsed configuration (metrics register its targets)
   */
  public TargetsWatch(String namespace, String name, Consumer<TargetsConfig> onChange) {
    this.namespace = namespace;
    this.name = name;
    this.onChange = onChange;
    this.current = new AtomicReference<>(TargetsConfig.empty(source()));
  }

  public String source() {
    return namespace + "/" + name;
  }

  @Override
  public TargetsConfig get() {
    return current.get();
  }

  /** Starts watching; waits up to {@code wait} for the first read, so early decisions see it. */
  public void start(KubernetesClient client, Duration wait) {
    informer = client.configMaps().inNamespace(namespace).withName(name).runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ConfigMap configMap) {
            load(configMap);
          }

          @Override
          public void onUpdate(ConfigMap before, ConfigMap after) {
            load(after);
          }

          @Override
          public void onDelete(ConfigMap configMap, boolean unknownFinalState) {
            LOG.warn("notification targets ConfigMap {} deleted: no notification target", source());
            set(TargetsConfig.empty(source()));
          }
        });
    try {
      informer.start().toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (informer.getStore().list().isEmpty()) {
        LOG.warn(
            "notification targets ConfigMap {} not found: no notification target until it is"
                + " created",
            source());
      }
    } catch (TimeoutException e) {
      LOG.warn(
          "notification targets ConfigMap {} not read within {}s; notifications start once it is",
          source(),
          wait.toSeconds());
    } catch (ExecutionException e) {
      LOG.error(
          "cannot watch the notification targets ConfigMap {} (allowed to get, list and watch"
              + " it?): {}; notifications are off",
          source(),
          e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void load(ConfigMap configMap) {
    TargetsConfig parsed = TargetsConfig.parse(source(), configMap.getData());
    List<String> errors = parsed.errors();
    for (String error : errors) {
      LOG.error(
          "notification targets ConfigMap {}: {}; {}",
          source(),
          error,
          parsed.targets().isEmpty()
              ? "no target is usable"
              : "the other targets are used ("
                  + String.join(", ", parsed.targets().keySet())
                  + ")");
    }
    LOG.info(
        "notification targets from {}: {}",
        source(),
        parsed.targets().isEmpty()
            ? "(none)"
            : String.join(
                ", ",
                parsed.targets().values().stream()
                    .map(
                        t ->
                            t.name()
                                + " ("
                                + t.format().word
                                + (t.allRollouts() ? ", all Rollouts" : "")
                                + ")")
                    .toList()));
    set(parsed);
  }

  /** For tests without an API server. */
  void set(TargetsConfig config) {
    current.set(config);
    onChange.accept(config);
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
