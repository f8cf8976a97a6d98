package dev.rollguard.plugin;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * The run the launcher records its class-data-sharing archive from: the paths of {@code get} and
 * {@code status} on a sample Rollout, with a stand-in kubectl that prints it, so the archive holds
 * the classes real commands load and the first real command is already fast.
 */
final class CdsTraining {

  static final String COMMAND = "__train-cds";

  private static final String SAMPLE =
      """
      {"apiVersion": "rollguard.dev/v1alpha1", "kind": "Rollout",
       "metadata": {"namespace": "shop", "name": "checkout", "generation": 1,
                    "creationTimestamp": "2026-01-01T00:00:00Z"},
       "spec": {"workloadRef": {"kind": "Deployment", "name": "checkout"}},
       "status": {"observedGeneration": 1, "phase": "RolledBack", "stage": "VerifyingRecovery",
         "message": "rolled back",
         "currentRevision": {"hash": "a", "images": ["app:1"], "since": "2026-01-01T00:00:00Z"},
         "stableRevision": {"hash": "a", "images": ["app:1"], "promotedAt": "2026-01-01T00:00:00Z"},
         "heldRevision": "b",
         "failedRevisions": [{"hash": "b", "images": ["app:2"], "failedAt": "2026-01-01T00:00:00Z",
                              "guard": "db", "value": 100.5, "threshold": "<= 30"}],
         "canary": {"step": "1/2", "state": "Paused", "since": "2026-01-01T00:00:00Z",
                    "pods": 1, "replicas": 4, "targetPods": 1},
         "analysis": {"kind": "Recovery", "revision": "a", "startedAt": "2026-01-01T00:00:00Z",
           "lastMeasuredAt": "2026-01-01T00:00:00Z",
           "guards": [{"name": "db", "value": 20, "baseline": 20, "threshold": "<= 30",
                       "verdict": "Pass", "consecutiveBreaches": 0}]},
         "lastDecision": {"type": "Held", "at": "2026-01-01T00:00:00Z", "revision": "b"},
         "history": [{"type": "RolledBack", "at": "2026-01-01T00:00:00Z", "revision": "b"},
                     {"type": "Held", "at": "2026-01-01T00:00:00Z", "revision": "b"}],
         "conditions": [{"type": "Ready", "status": "True", "reason": "Stable",
                         "lastTransitionTime": "2026-01-01T00:00:00Z", "message": "m"}]}}
      """;

  private CdsTraining() {}

  static int run() {
    PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
    Terminal terminal = new Terminal(discard, discard, Map.of(), Clock.systemUTC(), false);
    var rollout = RolloutJson.tree(SAMPLE);
    Table table = new Table(RolloutLine.header(false));
    String server =
        "NAME       TARGET     PHASE      STEP   CURRENT   STABLE   AGE   DECISION     DECIDED"
            + "   MESSAGE\n"
            + "checkout   checkout   Analysing  1/2    app:2     app:1    5m    RolledBack   2m"
            + "        a message with spaces\n";
    ServerTable.parse(server).stream()
        .map(RolloutLine::fromTable)
        .forEach(l -> discard.println(table.line(l.row(false))));
    discard.println(
        table.line(RolloutLine.fromJson(rollout, terminal.clock().instant()).row(true)));
    discard.print(table.header());
    Health health = Health.of(rollout, java.util.Optional.empty());
    discard.print(StatusView.render(rollout, health, terminal.clock().instant()));
    discard.print(PluginMain.usage());
    Args.parse(java.util.List.of("x", "-n", "shop", "--watch", "--timeout=1m")).cluster();
    new Kubectl("true", java.util.List.of()).run(java.util.List.of());
    return ExitCodes.OK;
  }
}
