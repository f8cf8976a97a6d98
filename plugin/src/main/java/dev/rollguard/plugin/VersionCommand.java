package dev.rollguard.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;

/** {@code kubectl rollguard version}: the plugin's version and the Rollout API on the cluster. */
final class VersionCommand implements Command {

  @Override
  public String name() {
    return "version";
  }

  @Override
  public String summary() {
    return "The plugin's version, and the Rollout API the cluster serves";
  }

  @Override
  public String usage() {
    return """
        Usage: kubectl rollguard version [--client]

        The plugin's version, and the versions of the Rollout API the cluster serves.

        Flags:
              --client          only the plugin's version; do not ask the cluster
        """
        + Help.CLUSTER_FLAGS;
  }

  static String version() {
    Properties properties = new Properties();
    try (InputStream in =
        VersionCommand.class.getResourceAsStream("/rollguard-plugin.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // A jar without the file still runs; it reports an unknown version.
    }
    return properties.getProperty("version", "unknown");
  }

  @Override
  public int run(Args args, Terminal terminal) {
    args.allow(name(), Help.withCluster("--client"));
    terminal.out().println("kubectl-rollguard " + version());
    if (args.has("--client")) {
      return ExitCodes.OK;
    }
    Kubectl.Result crd =
        terminal
            .kubectl(args.cluster())
            .run(
                List.of(
                    "get",
                    "customresourcedefinitions.v1.apiextensions.k8s.io",
                    "rollouts.rollguard.dev",
                    "-o",
                    "jsonpath={.spec.versions[*].name}"));
    if (!crd.ok()) {
      terminal.out().println("Rollout API on the cluster: not readable: " + crd.error());
      return ExitCodes.CLUSTER;
    }
    terminal.out().println("Rollout API on the cluster: rollguard.dev " + crd.out().strip());
    return ExitCodes.OK;
  }
}
