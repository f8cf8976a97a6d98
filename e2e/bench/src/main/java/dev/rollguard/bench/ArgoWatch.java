package dev.rollguard.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The benchmark's view of Argo Rollouts' Rollouts, from its own watch: how many are Healthy, which
 * deploys were promoted, and when each breaching deploy was aborted (the watch's local time of the
 * first status with {@code abort: true}: Argo scales the stable ReplicaSet back up in the reconcile
 * that writes it).
 */
final class ArgoWatch implements AutoCloseable {

  private final SharedIndexInformer<GenericKubernetesResource> rollouts;
  private final Map<String, Long> abortedAt = new ConcurrentHashMap<>();
  private final Map<String, Boolean> expectingAbort = new ConcurrentHashMap<>();
  private volatile BiConsumer<String, Long> onRollback = (name, at) -> {};

  ArgoWatch(KubernetesClient client) {
    rollouts =
        client
            .genericKubernetesResources(ArgoObjects.API_VERSION, "Rollout")
            .inNamespace(Fleet.NAMESPACE)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(GenericKubernetesResource rollout) {
                    noticeAbort(rollout, System.currentTimeMillis());
                  }

                  @Override
                  public void onUpdate(
                      GenericKubernetesResource before, GenericKubernetesResource after) {
                    noticeAbort(after, System.currentTimeMillis());
                  }

                  @Override
                  public void onDelete(GenericKubernetesResource rollout, boolean unknown) {}
                });
  }

  void onRollback(BiConsumer<String, Long> listener) {
    onRollback = listener;
  }

  /** From now on, an aborted status of {@code name} counts as its rollback. */
  void expectRollback(String name) {
    abortedAt.remove(name);
    expectingAbort.put(name, true);
  }

  Optional<Long> rolledBackAt(String name) {
    return Optional.ofNullable(abortedAt.get(name));
  }

  private void noticeAbort(GenericKubernetesResource rollout, long now) {
    String name = rollout.getMetadata().getName();
    if (expectingAbort.containsKey(name)
        && Boolean.TRUE.equals(ArgoObjects.status(rollout, "abort"))
        && abortedAt.putIfAbsent(name, now) == null) {
      expectingAbort.remove(name);
      onRollback.accept(name, now);
    }
  }

  long healthy() {
    return rollouts.getStore().list().stream()
        .filter(r -> "Healthy".equals(ArgoObjects.status(r, "phase")))
        .count();
  }

  /** Each Rollout's current pod-template hash now (before a deploy). */
  Map<String, String> podHashes(Collection<String> names) {
    Map<String, String> hashes = new HashMap<>();
    for (String name : names) {
      GenericKubernetesResource rollout = get(name);
      Object hash = rollout == null ? null : ArgoObjects.status(rollout, "currentPodHash");
      hashes.put(name, hash == null ? "" : hash.toString());
    }
    return hashes;
  }

  /**
   * Of {@code before}'s Rollouts, those promoted since: Healthy, with a new pod-template hash that
   * is now the stable ReplicaSet's.
   */
  long promoted(Map<String, String> before) {
    return before.entrySet().stream()
        .filter(
            entry -> {
              GenericKubernetesResource rollout = get(entry.getKey());
              if (rollout == null || !"Healthy".equals(ArgoObjects.status(rollout, "phase"))) {
                return false;
              }
              Object current = ArgoObjects.status(rollout, "currentPodHash");
              return current != null
                  && !current.toString().equals(entry.getValue())
                  && Objects.equals(current, ArgoObjects.status(rollout, "stableRS"));
            })
        .count();
  }

  /** Rollouts by phase, for progress lines. */
  Map<String, Long> phases() {
    Map<String, Long> phases = new java.util.TreeMap<>();
    for (GenericKubernetesResource rollout : rollouts.getStore().list()) {
      phases.merge(String.valueOf(ArgoObjects.status(rollout, "phase")), 1L, Long::sum);
    }
    return phases;
  }

  GenericKubernetesResource get(String name) {
    return rollouts.getStore().getByKey(Fleet.NAMESPACE + "/" + name);
  }

  String rolloutYaml(String name) {
    GenericKubernetesResource rollout = get(name);
    return rollout == null ? "" : Serialization.asYaml(rollout);
  }

  @Override
  public void close() {
    rollouts.close();
  }
}
