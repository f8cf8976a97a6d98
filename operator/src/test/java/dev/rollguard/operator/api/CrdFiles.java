package dev.rollguard.operator.api;

import java.nio.file.Path;

/** The committed CRD that users apply. */
public final class CrdFiles {

  public static final String ROLLOUT_CRD = "rollouts.rollguard.dev-v1.yml";

  private CrdFiles() {}

  public static Path committed() {
    return Path.of(System.getProperty("rollguard.repo.dir", ".."), "crds", ROLLOUT_CRD);
  }
}
