package dev.rollguard.operator.reconcile;

import java.util.List;
import java.util.Optional;

/**
 * What the reconciler observed of the guarded Deployment.
 *
 * @param hash hash of its current pod template
 * @param available every desired replica runs the current template and is available
 * @param availability readiness in words, e.g. "2/3 updated replicas available"
 */
public record WorkloadState(String hash, List<String> images, boolean available, String availability,
    boolean paused, Optional<String> heldRevision) {

  /** The Deployment annotation that marks a pause as Rollguard's hold (its value: the held hash). */
  public static final String HELD_REVISION = "rollguard.dev/held-revision";

  public WorkloadState(String hash, List<String> images, boolean available, String availability) {
    this(hash, images, available, availability, false, Optional.empty());
  }

  /** Paused by Rollguard's hold (a pause someone else set is theirs to lift). */
  public boolean heldByRollguard() {
    return paused && heldRevision.isPresent();
  }
}
