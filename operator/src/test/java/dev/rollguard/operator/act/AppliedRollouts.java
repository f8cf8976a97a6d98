package dev.rollguard.operator.act;

import dev.rollguard.operator.api.CrdFiles;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.testing.Platform;

/** A namespace with one small Rollout, applied with kubectl as a user would and read back. */
final class AppliedRollouts {

  private AppliedRollouts() {}

  /** Installs the CRDs, creates {@code namespace} and applies Rollout {@code name} in it. */
  static Rollout inNewNamespace(
      Platform platform, String namespace, String name, String annotations) {
    CrdFiles.install(platform);
    platform.kubectl("create", "namespace", namespace).orThrow();
    platform
        .kubectlWithInput(
            """
            apiVersion: rollguard.dev/v1alpha1
            kind: Rollout
            metadata: {name: %s, namespace: %s, annotations: {%s}}
            spec:
              workloadRef: {kind: Deployment, name: %s}
              guards:
              - {name: db-connections, query: 'sum(pg_stat_activity_count)', max: 150}
            """
                .formatted(name, namespace, annotations, name),
            "apply",
            "-f",
            "-")
        .orThrow();
    return platform.client().resources(Rollout.class).inNamespace(namespace).withName(name).get();
  }
}
