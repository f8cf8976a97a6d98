package dev.rollguard.operator.report;

import dev.rollguard.operator.api.Rollout;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code java -jar rollguard-operator.jar report NAMESPACE/ROLLOUT [--kubeconfig FILE]}: prints the
 * incident record of a Rollout as Markdown.
 */
public final class ReportCommand {

  private ReportCommand() {}

  public static int run(List<String> args, PrintStream out, PrintStream err) {
    String target = null;
    Path kubeconfig = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--kubeconfig") && i + 1 < args.size()) {
        kubeconfig = Path.of(args.get(++i));
      } else if (arg.startsWith("--kubeconfig=")) {
        kubeconfig = Path.of(arg.substring("--kubeconfig=".length()));
      } else if (target == null && !arg.startsWith("-")) {
        target = arg;
      } else {
        err.println("report: unexpected argument " + arg);
        return 2;
      }
    }
    if (target == null || !target.contains("/")) {
      err.println("usage: rollguard-operator report NAMESPACE/ROLLOUT [--kubeconfig FILE]");
      return 2;
    }
    String namespace = target.substring(0, target.indexOf('/'));
    String name = target.substring(target.indexOf('/') + 1);
    try (KubernetesClient client = client(kubeconfig)) {
      Rollout rollout = client.resources(Rollout.class).inNamespace(namespace).withName(name).get();
      if (rollout == null) {
        err.println("report: Rollout " + target + " not found");
        return 1;
      }
      List<Event> events =
          client.v1().events().inNamespace(namespace).list().getItems().stream()
              .filter(
                  e ->
                      "Rollout".equals(e.getInvolvedObject().getKind())
                          && name.equals(e.getInvolvedObject().getName()))
              .toList();
      out.print(IncidentReport.render(rollout, events));
      return 0;
    } catch (IOException e) {
      err.println("report: cannot read --kubeconfig " + kubeconfig + ": " + e.getMessage());
      return 1;
    }
  }

  private static KubernetesClient client(Path kubeconfig) throws IOException {
    KubernetesClientBuilder builder = new KubernetesClientBuilder();
    if (kubeconfig != null) {
      builder.withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)));
    }
    return builder.build();
  }
}
