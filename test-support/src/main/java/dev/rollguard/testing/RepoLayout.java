package dev.rollguard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where the platform scripts and the binaries that provisioning built are. */
public final class RepoLayout {

  private static final Pattern KUBERNETES_REQUIRE =
      Pattern.compile("(?m)^\\s*(?:require\\s+)?k8s\\.io/kubernetes v(\\S+)");

  private final Path repoDir;

  private RepoLayout(Path repoDir) {
    this.repoDir = repoDir;
  }

  /**
   * The repository holding {@code e2e/platform}: the {@code rollguard.repo.dir} system property
   * (Maven sets it), else the nearest ancestor of the working directory that holds the scripts.
   */
  public static RepoLayout locate() {
    String configured = System.getProperty("rollguard.repo.dir");
    if (configured != null && Files.isExecutable(Path.of(configured, "e2e/platform/up"))) {
      return new RepoLayout(Path.of(configured).toAbsolutePath().normalize());
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isExecutable(dir.resolve("e2e/platform/up"))) {
        return new RepoLayout(dir);
      }
    }
    throw new IllegalStateException(
        "cannot find e2e/platform/up above "
            + Paths.get("").toAbsolutePath()
            + "; set the system property rollguard.repo.dir to the Rollguard repository");
  }

  /** The repository root. */
  public Path root() {
    return repoDir;
  }

  Path platformScript(String name) {
    return repoDir.resolve("e2e/platform").resolve(name);
  }

  /** The Kubernetes version pinned by the platform's Go module, e.g. {@code 1.37.2}. */
  public String kubernetesVersion() {
    Path goMod = repoDir.resolve("e2e/platform/src/kubernetes/go.mod");
    try {
      Matcher matcher = KUBERNETES_REQUIRE.matcher(Files.readString(goMod));
      if (!matcher.find()) {
        throw new IllegalStateException(goMod + " does not require k8s.io/kubernetes");
      }
      return matcher.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The provisioned binaries (kubectl, kube-apiserver, ...). */
  public Path binDir() {
    String cache = System.getenv("ROLLGUARD_CACHE");
    Path root =
        cache != null
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache/rollguard");
    return root.resolve("k8s-" + kubernetesVersion()).resolve("bin");
  }
}
