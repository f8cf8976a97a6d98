package dev.rollguard.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollguard.operator.api.PodTemplates;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code kubectl rollguard status NAME [-w] [--timeout D]}: one Rollout in full. Exits 0 when
 * Healthy, 1 when rolled back, holding or in error, 3 while undecided; with {@code -w} it follows
 * the Rollout until it is decided (or the timeout), so a CI job can gate a release on it.
 */
final class StatusCommand implements Command {

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  @Override
  public String name() {
    return "status";
  }

  @Override
  public String summary() {
    return "One Rollout in full; exits 0 Healthy, 1 rolled back/holding/error, 3 undecided";
  }

  @Override
  public String usage() {
    return """
        Usage: kubectl rollguard status NAME [-n NAMESPACE] [-w [--timeout DURATION]]

        One Rollout in full: phase, revisions (current, stable, held, failed), the canary
        step, each guard's value, baseline, bounds and verdict, conditions, last incident.
        Exits 0 when Healthy, 1 when RolledBack, Holding or Error, 3 while undecided.
        Healthy also needs the operator to have reported on the revision the Deployment
        runs now, so `kubectl apply` followed by `status -w` waits for the new revision.

        Flags:
          -w, --watch           follow the Rollout until it is decided, then exit as above
              --timeout D       with -w: give up after D (e.g. 10m) and exit 3 (default: none)
          -o FORMAT             json, yaml or name: the Rollout as kubectl prints it; the exit
                                code is still the verdict
        """
        + Help.CLUSTER_FLAGS;
  }

  @Override
  public int run(Args args, Terminal terminal) {
    args.allow(name(), Help.withCluster("--watch", "--timeout", "--output"));
    String name = args.name(name());
    ClusterOptions cluster = args.cluster();
    Duration limit = args.value("--timeout").map(Help::duration).orElse(Duration.ZERO);
    Kubectl kubectl = terminal.kubectl(cluster);
    var output = Help.output(args);
    if (output.isPresent() && args.has("--watch")) {
      throw new Args.UsageError("-o and --watch exclude each other");
    }
    if (!args.has("--watch")) {
      Kubectl.Result result =
          kubectl.run(cluster.scoped("get", Kubectl.RESOURCE, name, "-o", "json"));
      if (!result.ok()) {
        terminal.err().println(result.error());
        return ExitCodes.CLUSTER;
      }
      JsonNode rollout = RolloutJson.tree(result.out());
      Health health = health(kubectl, rollout);
      if (output.isPresent()) {
        // The Rollout as kubectl prints it (JSON is what was just read); the exit code is still
        // the verdict.
        if (output.get().equals("json")) {
          terminal.out().print(result.out());
          return health.exitCode();
        }
        return GetCommand.passThrough(kubectl, cluster, List.of(name), output.get(), terminal) == 0
            ? health.exitCode()
            : ExitCodes.CLUSTER;
      }
      terminal.out().print(StatusView.render(rollout, health, terminal.clock().instant()));
      return health.exitCode();
    }
    return follow(kubectl, cluster, name, limit, terminal, args.value("--timeout").orElse(""));
  }

  private static int follow(
      Kubectl kubectl,
      ClusterOptions cluster,
      String name,
      Duration limit,
      Terminal terminal,
      String timeoutText) {
    RolloutWatch rolloutWatch = new RolloutWatch(kubectl, cluster, name);
    AtomicReference<Health> last = new AtomicReference<>();
    AtomicReference<String> lastLine = new AtomicReference<>();
    AtomicBoolean timedOut = new AtomicBoolean();
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "status-timeout");
              thread.setDaemon(true);
              return thread;
            });
    if (!limit.isZero()) {
      timer.schedule(
          () -> {
            timedOut.set(true);
            rolloutWatch.stop();
          },
          limit.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    try {
      rolloutWatch.run(
          (rollout, deleted) -> {
            if (deleted) {
              terminal.err().println("Rollout " + name + " was deleted");
              last.set(new Health(ExitCodes.CLUSTER, "deleted"));
              return false;
            }
            Health health = health(kubectl, rollout);
            boolean first = last.getAndSet(health) == null;
            show(rollout, health, first, lastLine, terminal);
            return !health.decided();
          });
    } catch (RolloutWatch.WatchFailed e) {
      terminal.err().println(e.getMessage());
      return ExitCodes.CLUSTER;
    } finally {
      timer.shutdownNow();
    }
    Health health = last.get();
    if (health == null) {
      terminal
          .err()
          .println(
              "Error from server (NotFound): rollouts.rollguard.dev \"" + name + "\" not found");
      return ExitCodes.CLUSTER;
    }
    if (timedOut.get() && !health.decided()) {
      terminal.err().println("timed out after " + timeoutText + ": " + health.summary());
      return ExitCodes.UNDECIDED;
    }
    return health.exitCode();
  }

  /**
   * A terminal gets the whole view redrawn on every change; a log (a CI job) gets the whole view
   * first and last, and one line per change in between.
   */
  private static void show(
      JsonNode rollout,
      Health health,
      boolean first,
      AtomicReference<String> lastLine,
      Terminal terminal) {
    Instant now = terminal.clock().instant();
    String view = StatusView.render(rollout, health, now);
    if (terminal.tty()) {
      terminal.out().print("\033[H\033[2J" + view);
      terminal.out().flush();
      return;
    }
    JsonNode status = rollout.path("status");
    String change =
        status.path("phase").asText("<none>") + "  " + status.path("message").asText("");
    if (first) {
      terminal.out().print(view);
    } else if (!change.equals(lastLine.get())) {
      terminal.out().println(CLOCK.format(now) + "  " + change);
    }
    lastLine.set(change);
    if (!first && health.decided()) {
      terminal.out().print("\n" + view);
    }
    terminal.out().flush();
  }

  private static Health health(Kubectl kubectl, JsonNode rollout) {
    // Only a Healthy verdict depends on the Deployment; other phases need not read it.
    boolean healthy = rollout.path("status").path("phase").asText("").equals("Healthy");
    return Health.of(rollout, healthy ? deployedRevision(kubectl, rollout) : Optional.empty());
  }

  /**
   * The revision the Deployment runs now, hashed as the operator hashes it, when the user may read
   * the Deployment.
   */
  private static Optional<String> deployedRevision(Kubectl kubectl, JsonNode rollout) {
    String deployment = rollout.path("spec").path("workloadRef").path("name").asText("");
    if (deployment.isEmpty()) {
      return Optional.empty();
    }
    Kubectl.Result result =
        kubectl.run(
            List.of(
                "get",
                "deployments.v1.apps",
                deployment,
                "--namespace=" + rollout.path("metadata").path("namespace").asText(),
                "-o",
                "json"));
    if (!result.ok()) {
      return Optional.empty();
    }
    Deployment read = RolloutJson.bind(result.out(), Deployment.class).get(0);
    return Optional.of(PodTemplates.hash(read.getSpec().getTemplate()));
  }
}
