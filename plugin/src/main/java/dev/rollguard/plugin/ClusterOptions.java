package dev.rollguard.plugin;

import java.util.ArrayList;
import java.util.List;

/** kubectl's own flags for where to look, passed on to kubectl as they are. */
record ClusterOptions(String namespace, boolean allNamespaces, String context, String kubeconfig) {

  /** Flags that choose the cluster and the credentials. */
  List<String> connection() {
    List<String> flags = new ArrayList<>();
    if (kubeconfig != null) {
      flags.add("--kubeconfig=" + kubeconfig);
    }
    if (context != null) {
      flags.add("--context=" + context);
    }
    return flags;
  }

  /** Flags that choose the namespace. */
  List<String> scope() {
    if (allNamespaces) {
      return List.of("--all-namespaces");
    }
    return namespace == null ? List.of() : List.of("--namespace=" + namespace);
  }

  /** {@code args} followed by the namespace flags. */
  List<String> scoped(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(scope());
    return all;
  }
}
