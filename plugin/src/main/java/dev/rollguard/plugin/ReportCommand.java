package dev.rollguard.plugin;

import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.report.IncidentReport;
import io.fabric8.kubernetes.api.model.Event;

/** {@code kubectl rollguard report NAME}: the Rollout's incident record, as Markdown. */
final class ReportCommand implements Command {

  @Override
  public String name() {
    return "report";
  }

  @Override
  public String summary() {
    return "The incident record of a Rollout, as Markdown";
  }

  @Override
  public String usage() {
    return """
        Usage: kubectl rollguard report NAME [-n NAMESPACE]

        The incident record of a Rollout, as Markdown: the revisions, each breach with its
        numbers, the decisions in the order they happened, and the events.

        Flags:
        """
        + Help.CLUSTER_FLAGS;
  }

  @Override
  public int run(Args args, Terminal terminal) {
    args.allow(name(), Help.withCluster());
    String name = args.name(name());
    ClusterOptions cluster = args.cluster();
    Kubectl kubectl = terminal.kubectl(cluster);
    Kubectl.Result rollout =
        kubectl.run(cluster.scoped("get", Kubectl.RESOURCE, name, "-o", "json"));
    if (!rollout.ok()) {
      terminal.err().println(rollout.error());
      return ExitCodes.CLUSTER;
    }
    Kubectl.Result events =
        kubectl.run(
            cluster.scoped(
                "get",
                "events",
                "--field-selector=involvedObject.kind=Rollout,involvedObject.name=" + name,
                "-o",
                "json"));
    if (!events.ok()) {
      terminal.err().println(events.error());
      return ExitCodes.CLUSTER;
    }
    Rollout read = RolloutJson.bind(rollout.out(), Rollout.class).get(0);
    terminal.out().print(IncidentReport.render(read, RolloutJson.bind(events.out(), Event.class)));
    return ExitCodes.OK;
  }
}
