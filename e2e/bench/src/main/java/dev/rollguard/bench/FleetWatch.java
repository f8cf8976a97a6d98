package dev.rollguard.bench;

import dev.rollguard.operator.api.AnalysisStatus;
import dev.rollguard.operator.api.FailedRevision;
import dev.rollguard.operator.api.GuardStatus;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The benchmark's own view of the fleet, from watches: which Rollouts are adopted or promoted,
 * which Deployments are available, and when each Deployment under a breaching deploy had its
 * template patched back (the rollback, as the API server recorded it).
 */
final class FleetWatch implements AutoCloseable {

  private final SharedIndexInformer<Rollout> rollouts;
  private final SharedIndexInformer<Deployment> deployments;

  /** Deployment → the image whose replacement counts as its rollback. */
  private final Map<String, String> rollbackFrom = new ConcurrentHashMap<>();

  private final Map<String, Long> rolledBackAt = new ConcurrentHashMap<>();
  private final Map<String, Long> firstBreachAt = new ConcurrentHashMap<>();
  private volatile BiConsumer<String, Long> onRollback = (name, at) -> {};
  private final KubernetesClient client;
  private volatile Watch breachingWatch;

  FleetWatch(KubernetesClient client) {
    this.client = client;
    deployments = client.apps().deployments().inNamespace(Fleet.NAMESPACE).inform();
    rollouts =
        client
            .resources(Rollout.class)
            .inNamespace(Fleet.NAMESPACE)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Rollout rollout) {}

                  @Override
                  public void onUpdate(Rollout before, Rollout after) {
                    noticeFirstBreach(after);
                  }

                  @Override
                  public void onDelete(Rollout rollout, boolean unknownFinalState) {}
                });
  }

  /**
   * From now on, a template of {@code deployment} that no longer runs {@code image} is its
   * rollback.
   */
  void expectRollback(String deployment, String image) {
    rolledBackAt.remove(deployment);
    firstBreachAt.remove(deployment);
    rollbackFrom.put(deployment, image);
  }

  /**
   * Watches only the Deployments labelled as breaching in {@code wave}: the informer over the whole
   * fleet can lag seconds behind during a wave, which would count as rollback time.
   */
  void watchBreaching(int wave) {
    if (breachingWatch != null) {
      breachingWatch.close();
    }
    breachingWatch =
        client
            .apps()
            .deployments()
            .inNamespace(Fleet.NAMESPACE)
            .withLabel(Fleet.BREACHING_LABEL, String.valueOf(wave))
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Deployment deployment) {
                    if (action == Action.MODIFIED) {
                      noticeRollback(deployment, System.currentTimeMillis());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  void onRollback(BiConsumer<String, Long> listener) {
    onRollback = listener;
  }

  Optional<Long> rolledBackAt(String deployment) {
    return Optional.ofNullable(rolledBackAt.get(deployment));
  }

  /**
   * When the operator took the first breaching measurement of the deploy now expected to roll back:
   * the measurement time it records in the Rollout's status (milliseconds), read once the status
   * shows the guard's first consecutive breach.
   */
  Optional<Long> firstBreachAt(String deployment) {
    return Optional.ofNullable(firstBreachAt.get(deployment));
  }

  private void noticeFirstBreach(Rollout rollout) {
    String name = rollout.getMetadata().getName();
    var status = rollout.getStatus();
    if (!rollbackFrom.containsKey(name)
        || status == null
        || status.analysis == null
        || status.analysis.kind != AnalysisStatus.Kind.Analysis) {
      return;
    }
    status.analysis.guards.stream()
        .filter(guard -> guard.verdict == GuardStatus.Verdict.Breach && guard.at != null)
        .map(guard -> guard.at.toEpochMilli())
        .min(Long::compare)
        .ifPresent(at -> firstBreachAt.merge(name, at, Math::min));
  }

  int rolledBackCount() {
    return rolledBackAt.size();
  }

  private void noticeRollback(Deployment deployment, long now) {
    String name = deployment.getMetadata().getName();
    String from = rollbackFrom.get(name);
    if (from != null
        && !from.equals(image(deployment))
        && rolledBackAt.putIfAbsent(name, now) == null) {
      rollbackFrom.remove(name);
      onRollback.accept(name, now);
    }
  }

  /** The cached Rollout, as YAML: its status history tells what happened when. */
  String rolloutYaml(String name) {
    Rollout rollout = rollouts.getStore().getByKey(Fleet.NAMESPACE + "/" + name);
    return rollout == null ? "" : io.fabric8.kubernetes.client.utils.Serialization.asYaml(rollout);
  }

  long availableDeployments() {
    return deployments.getStore().list().stream().filter(FleetWatch::available).count();
  }

  long adoptedRollouts() {
    return rollouts.getStore().list().stream()
        .filter(r -> r.getStatus() != null && r.getStatus().stableRevision != null)
        .count();
  }

  /** Rollouts whose stable (promoted) revision runs {@code image}. */
  long promotedTo(String image) {
    return rollouts.getStore().list().stream()
        .filter(r -> r.getStatus() != null && r.getStatus().phase == RolloutStatus.Phase.Healthy)
        .filter(
            r ->
                r.getStatus().stableRevision != null
                    && r.getStatus().stableRevision.images.contains(image))
        .count();
  }

  /**
   * Rollouts that rolled back a revision running {@code image} because it did not become available
   * in time: the platform could not finish the wave (it happens at 10,000 on two cores), so these
   * deploys will never be promoted.
   */
  long notAvailableInTime(String image) {
    return rollouts.getStore().list().stream()
        .filter(r -> r.getStatus() != null)
        .filter(
            r ->
                r.getStatus().failedRevisions.stream()
                    .anyMatch(
                        failed ->
                            FailedRevision.PROGRESS_DEADLINE_EXCEEDED.equals(failed.reason)
                                && failed.images.contains(image)))
        .count();
  }

  long inPhase(RolloutStatus.Phase phase) {
    return rollouts.getStore().list().stream()
        .filter(r -> r.getStatus() != null && r.getStatus().phase == phase)
        .count();
  }

  private static boolean available(Deployment deployment) {
    var status = deployment.getStatus();
    return status != null
        && Objects.equals(status.getObservedGeneration(), deployment.getMetadata().getGeneration())
        && Objects.equals(status.getUpdatedReplicas(), deployment.getSpec().getReplicas())
        && Objects.equals(status.getAvailableReplicas(), deployment.getSpec().getReplicas());
  }

  static String image(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  @Override
  public void close() {
    if (breachingWatch != null) {
      breachingWatch.close();
    }
    rollouts.close();
    deployments.close();
  }
}
