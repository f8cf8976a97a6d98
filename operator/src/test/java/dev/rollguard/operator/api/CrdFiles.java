package dev.rollguard.operator.api;

import dev.rollguard.testing.Platform;
import java.nio.file.Path;

/** The committed CRD that users apply. */
public final class CrdFiles {

  public static final String ROLLOUT_CRD = "rollouts.rollguard.dev-v1.yml";

  private CrdFiles() {}

  public static Path committed() {
    return Path.of(System.getProperty("rollguard.repo.dir", ".."), "crds", ROLLOUT_CRD);
  }

  /** Applies the committed CRD and waits until the API server serves Rollouts. */
  public static void install(Platform platform) {
    platform.kubectl("apply", "-f", committed().toString()).orThrow();
    platform
        .kubectl(
            "wait", "--for=condition=Established", "crd/rollouts.rollguard.dev", "--timeout=30s")
        .orThrow();
  }
}
