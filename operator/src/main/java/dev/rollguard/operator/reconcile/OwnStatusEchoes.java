package dev.rollguard.operator.reconcile;

import dev.rollguard.operator.api.Rollout;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Objects;

/**
 * Keeps the echo of the operator's own status writes from queueing another reconcile. Only the
 * operator writes a Rollout's status, and it has already acted on what it wrote; every other change
 * (spec, annotations such as the promote/rollback/retry requests, labels, finalizers, deletion)
 * still reconciles. At thousands of Rollouts in a deploy wave, the echoes were half the reconcile
 * queue, and the queue is what delays a rollback.
 */
public final class OwnStatusEchoes implements OnUpdateFilter<Rollout> {

  @Override
  public boolean accept(Rollout newer, Rollout older) {
    return !onlyStatusChanged(newer, older);
  }

  static boolean onlyStatusChanged(Rollout newer, Rollout older) {
    ObjectMeta a = newer.getMetadata();
    ObjectMeta b = older.getMetadata();
    return Objects.equals(a.getGeneration(), b.getGeneration())
        && Objects.equals(a.getAnnotations(), b.getAnnotations())
        && Objects.equals(a.getLabels(), b.getLabels())
        && Objects.equals(a.getFinalizers(), b.getFinalizers())
        && Objects.equals(a.getDeletionTimestamp(), b.getDeletionTimestamp())
        && Objects.equals(a.getOwnerReferences(), b.getOwnerReferences());
  }
}
