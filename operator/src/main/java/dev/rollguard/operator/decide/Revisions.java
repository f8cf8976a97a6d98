package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.Revision;

/** Small helpers for the revisions recorded in status. */
final class Revisions {

  private Revisions() {}

  static String controllerRevisionName(String rollout, String hash) {
    // ControllerRevision names are DNS subdomains: at most 253 characters.
    return (rollout.length() > 240 ? rollout.substring(0, 240) : rollout) + "-" + hash;
  }

  static String describe(Revision revision) {
    return revision.hash + " (" + String.join(", ", revision.images) + ")";
  }

  /**
   * Records the pod-template-hash of the revisions in status from the ReplicaSets the reconciler
   * saw, for queries that select one revision's pods.
   */
  static void learnPodTemplateHashes(DecisionContext ctx) {
    var seen = ctx.workload().podTemplateHashes();
    for (Revision revision :
        java.util.Arrays.asList(
            ctx.status.currentRevision,
            ctx.status.stableRevision,
            ctx.status.previousStableRevision)) {
      if (revision != null && revision.podTemplateHash == null && seen.containsKey(revision.hash)) {
        revision.podTemplateHash = seen.get(revision.hash);
      }
    }
  }

  static Revision copyOf(Revision revision) {
    Revision copy = new Revision(revision.hash, revision.images);
    copy.since = revision.since;
    copy.promotedAt = revision.promotedAt;
    copy.controllerRevision = revision.controllerRevision;
    copy.podTemplateHash = revision.podTemplateHash;
    return copy;
  }
}
