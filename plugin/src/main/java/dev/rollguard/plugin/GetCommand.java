package dev.rollguard.plugin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code kubectl rollguard get [NAME...] [-w]}: a table of Rollouts. */
final class GetCommand implements Command {

  @Override
  public String name() {
    return "get";
  }

  @Override
  public String summary() {
    return "List Rollouts: phase, canary step, current and stable images, last decision, age";
  }

  @Override
  public String usage() {
    return """
        Usage: kubectl rollguard get [NAME...] [-n NAMESPACE | -A] [-w]

        List Rollouts: phase, canary step, current and stable images, the last decision
        and age.

        Flags:
          -w, --watch   after the table, print a line each time a Rollout's line changes
          -o FORMAT     json, yaml or name: kubectl's own output of the Rollouts, for scripts
        """
        + Help.CLUSTER_FLAGS;
  }

  @Override
  public int run(Args args, Terminal terminal) {
    args.allow(name(), Help.withCluster("--watch", "--output"));
    ClusterOptions cluster = args.cluster();
    Kubectl kubectl = terminal.kubectl(cluster);
    var output = Help.output(args);
    if (output.isPresent()) {
      if (args.has("--watch")) {
        throw new Args.UsageError("-o and --watch exclude each other; use kubectl get -w -o");
      }
      return passThrough(kubectl, cluster, args.positionals, output.get(), terminal);
    }
    List<String> command = new ArrayList<>(List.of("get", Kubectl.RESOURCE));
    command.addAll(args.positionals);
    command.addAll(cluster.scope());
    // The server's table of the CRD's printer columns: a few bytes per Rollout.
    command.addAll(List.of("-o", "wide"));
    Kubectl.Result result = kubectl.run(command);
    if (!result.ok()) {
      terminal.err().println(result.error());
      return ExitCodes.CLUSTER;
    }
    List<RolloutLine> lines =
        ServerTable.parse(result.out()).stream().map(RolloutLine::fromTable).toList();
    boolean withNamespace = cluster.allNamespaces();
    Table table = new Table(RolloutLine.header(withNamespace));
    List<List<String>> rows = new ArrayList<>();
    lines.forEach(line -> rows.add(line.row(withNamespace)));
    rows.forEach(table::fit);
    StringBuilder text = new StringBuilder();
    if (lines.isEmpty()) {
      terminal.err().println("No Rollouts found" + where(cluster) + ".");
    } else {
      text.append(table.header()).append('\n');
      rows.forEach(row -> text.append(table.line(row)).append('\n'));
      terminal.out().print(text);
      terminal.out().flush();
    }
    if (args.has("--watch")) {
      Map<String, String> printed = new HashMap<>();
      lines.forEach(line -> printed.put(line.key(), line.identity()));
      follow(kubectl, cluster, args.positionals, table, printed, lines.isEmpty(), terminal);
    }
    return ExitCodes.OK;
  }

  /** {@code -o json|yaml|name}: kubectl's own output of the same Rollouts, for scripts. */
  static int passThrough(
      Kubectl kubectl,
      ClusterOptions cluster,
      List<String> names,
      String output,
      Terminal terminal) {
    List<String> command = new ArrayList<>(List.of("get", Kubectl.RESOURCE));
    command.addAll(names);
    command.addAll(cluster.scope());
    command.addAll(List.of("-o", output));
    Kubectl.Result result = kubectl.run(command);
    terminal.out().print(result.out());
    if (!result.ok()) {
      terminal.err().println(result.error());
      return ExitCodes.CLUSTER;
    }
    return ExitCodes.OK;
  }

  /**
   * Prints a line whenever what a Rollout's line says changes; status writes that change nothing on
   * the line (a passing measurement) print nothing.
   */
  private static void follow(
      Kubectl kubectl,
      ClusterOptions cluster,
      List<String> names,
      Table table,
      Map<String, String> printed,
      boolean headerPending,
      Terminal terminal) {
    boolean[] needHeader = {headerPending};
    Set<String> only = Set.copyOf(names);
    String single = names.size() == 1 ? names.get(0) : null;
    new RolloutWatch(kubectl, cluster, single)
        .run(
            (rollout, deleted) -> {
              RolloutLine line = RolloutLine.fromJson(rollout, terminal.clock().instant());
              if (!only.isEmpty() && !only.contains(line.name())) {
                return true;
              }
              String identity = deleted ? "deleted" : line.identity();
              if (identity.equals(printed.put(line.key(), identity))) {
                return true;
              }
              if (needHeader[0]) {
                terminal.out().println(table.header());
                needHeader[0] = false;
              }
              List<String> row = line.row(cluster.allNamespaces());
              terminal.out().println(table.line(row) + (deleted ? "   (deleted)" : ""));
              terminal.out().flush();
              return true;
            });
  }

  private static String where(ClusterOptions cluster) {
    if (cluster.allNamespaces()) {
      return " in any namespace";
    }
    return cluster.namespace() == null ? "" : " in namespace " + cluster.namespace();
  }
}
