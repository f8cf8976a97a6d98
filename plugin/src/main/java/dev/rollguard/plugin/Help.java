package dev.rollguard.plugin;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Usage texts shared by the commands. */
final class Help {

  static final String CLUSTER_FLAGS =
      """
        -n, --namespace NS     the namespace (default: the namespace of the current context)
        -A, --all-namespaces   every namespace
            --context NAME     the kubeconfig context to use
            --kubeconfig FILE  the kubeconfig file to use
        """;

  static final String EXIT_CODES =
      """
      Exit codes:
        0  done; status: the Rollout is Healthy
        1  status: RolledBack, Holding or Error; a request the operator declined
        2  wrong command line
        3  status: still undecided (Pending, Analysing, RollingBack); a wait that timed out
        4  the cluster could not be read or written (not found, forbidden, unreachable)
      """;

  private Help() {}

  /** A --timeout value, in the CRD's duration format. */
  static java.time.Duration duration(String text) {
    try {
      java.time.Duration duration = dev.rollguard.operator.api.Durations.parse(text);
      if (duration.isZero()) {
        throw new Args.UsageError("--timeout must be positive, is " + text);
      }
      return duration;
    } catch (IllegalArgumentException e) {
      throw new Args.UsageError("--timeout: " + e.getMessage());
    }
  }

  /** The formats {@code -o} takes: kubectl's own output of the Rollouts, for scripts. */
  static final java.util.Set<String> OUTPUTS = java.util.Set.of("json", "yaml", "name");

  /** The {@code -o} format, if given; refuses a format the plugin does not pass on. */
  static java.util.Optional<String> output(Args args) {
    java.util.Optional<String> output = args.value("--output");
    output.ifPresent(
        format -> {
          if (!OUTPUTS.contains(format)) {
            throw new Args.UsageError(
                "--output must be one of json, yaml, name (kubectl's own output), is " + format);
          }
        });
    return output;
  }

  /** The flags every command takes (where to look, help) plus its own. */
  static Set<String> withCluster(String... own) {
    Set<String> flags =
        new HashSet<>(
            List.of("--namespace", "--all-namespaces", "--context", "--kubeconfig", "--help"));
    flags.addAll(List.of(own));
    return flags;
  }
}
