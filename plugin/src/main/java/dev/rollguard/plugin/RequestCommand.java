package dev.rollguard.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollguard.operator.api.Durations;
import dev.rollguard.operator.decide.Requests;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * {@code promote}, {@code rollback} and {@code retry}: sets the same annotation a person would,
 * then waits until the operator has taken the request and prints its answer (the event it
 * recorded).
 */
final class RequestCommand implements Command {

  private static final Duration POLL = Duration.ofMillis(300);
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** A request: its annotation and the event reasons that answer it. */
  record Kind(
      String command,
      String annotation,
      String description,
      Set<String> accepted,
      Set<String> declined) {}

  static final Kind PROMOTE =
      new Kind(
          "promote",
          Requests.PROMOTE,
          "Promote the revision under analysis (or skip the remaining canary steps) now.",
          Set.of("Promoted"),
          Set.of("PromoteIgnored"));
  static final Kind ROLLBACK =
      new Kind(
          "rollback",
          Requests.ROLLBACK,
          "Roll the revision under analysis back to the stable revision now.",
          Set.of("RolledBack", "DryRunRollback"),
          Set.of("RollbackIgnored", "RollbackFailed"));
  static final Kind RETRY =
      new Kind(
          "retry",
          Requests.RETRY,
          "Forget the failed revisions, so a held revision is analysed again.",
          Set.of("Retried"),
          Set.of("RetryIgnored"));

  private final Kind kind;

  RequestCommand(Kind kind) {
    this.kind = kind;
  }

  @Override
  public String name() {
    return kind.command();
  }

  @Override
  public String summary() {
    return kind.description();
  }

  @Override
  public String usage() {
    return "Usage: kubectl rollguard "
        + kind.command()
        + " NAME [-n NAMESPACE] [--timeout DURATION | --no-wait]\n\n"
        + kind.description()
        + "\nSets the annotation "
        + kind.annotation()
        + " (as a person could), waits until the operator has taken the\n"
        + "request and prints its answer. Exits 0 when done, 1 when the operator declined,\n"
        + "3 when it did not answer in time (the annotation stays; it acts when it comes).\n\n"
        + "Flags:\n"
        + "      --timeout D       how long to wait for the answer (default: 60s)\n"
        + "      --no-wait         set the annotation and return\n"
        + Help.CLUSTER_FLAGS;
  }

  @Override
  public int run(Args args, Terminal terminal) throws InterruptedException {
    args.allow(kind.command(), Help.withCluster("--timeout", "--no-wait"));
    String name = args.name(kind.command());
    ClusterOptions cluster = args.cluster();
    if (cluster.allNamespaces()) {
      throw new Args.UsageError(kind.command() + " acts on one Rollout: give -n, not -A");
    }
    Duration limit = args.value("--timeout").map(Help::duration).orElse(DEFAULT_TIMEOUT);
    return new Request(terminal, terminal.kubectl(cluster), cluster, name)
        .ask(limit, args.has("--no-wait"));
  }

  /** One request in flight. */
  private final class Request {
    private final Terminal terminal;
    private final Kubectl kubectl;
    private final ClusterOptions cluster;
    private final String name;

    Request(Terminal terminal, Kubectl kubectl, ClusterOptions cluster, String name) {
      this.terminal = terminal;
      this.kubectl = kubectl;
      this.cluster = cluster;
      this.name = name;
    }

    int ask(Duration limit, boolean noWait) throws InterruptedException {
      // Events already there are not the answer: the answer is a new event.
      Kubectl.Result before = events();
      if (!before.ok()) {
        terminal.err().println(before.error());
        return ExitCodes.CLUSTER;
      }
      Set<String> seen = new HashSet<>();
      RolloutJson.tree(before.out()).path("items").forEach(e -> seen.add(eventName(e)));
      Instant asked = terminal.clock().instant();
      Kubectl.Result annotated =
          kubectl.run(
              cluster.scoped(
                  "annotate",
                  Kubectl.RESOURCE,
                  name,
                  kind.annotation() + "=" + asked,
                  "--overwrite"));
      if (!annotated.ok()) {
        terminal.err().println(annotated.error());
        return ExitCodes.CLUSTER;
      }
      terminal
          .out()
          .println(kind.command() + " requested: " + kind.annotation() + " set on " + name);
      terminal.out().flush();
      if (noWait) {
        return ExitCodes.OK;
      }
      return awaitAnswer(seen, asked, limit);
    }

    private int awaitAnswer(Set<String> seen, Instant asked, Duration limit)
        throws InterruptedException {
      Instant deadline = asked.plus(limit);
      boolean taken = false;
      while (true) {
        Kubectl.Result events = events();
        if (events.ok()) {
          Optional<JsonNode> answer = answer(events.out(), seen);
          if (answer.isPresent()) {
            return report(answer.get(), asked);
          }
        }
        if (!taken && annotationGone()) {
          taken = true;
          terminal.out().println("taken by the operator after " + elapsed(asked));
          terminal.out().flush();
        }
        if (!terminal.clock().instant().isBefore(deadline)) {
          return timedOut(taken, limit);
        }
        Thread.sleep(POLL.toMillis());
      }
    }

    private int report(JsonNode event, Instant asked) {
      String reason = event.path("reason").asText();
      terminal
          .out()
          .println(reason + " (after " + elapsed(asked) + "): " + event.path("message").asText());
      return kind.accepted().contains(reason) ? ExitCodes.OK : ExitCodes.NOT_HEALTHY;
    }

    private int timedOut(boolean taken, Duration limit) {
      String state = "";
      Kubectl.Result rollout =
          kubectl.run(cluster.scoped("get", Kubectl.RESOURCE, name, "-o", "json"));
      if (rollout.ok()) {
        JsonNode status = RolloutJson.tree(rollout.out()).path("status");
        state =
            " The Rollout is "
                + status.path("phase").asText("<none>")
                + ": "
                + status.path("message").asText("");
      }
      String waited = Durations.words(limit);
      terminal
          .err()
          .println(
              (taken
                      ? "the operator took the request but gave no answer within " + waited + "."
                      : "the operator has not taken the request within "
                          + waited
                          + ": is it running and watching this namespace? The annotation"
                          + " stays, and it acts on it when it comes.")
                  + state);
      return ExitCodes.UNDECIDED;
    }

    /** The newest event not seen before the request whose reason answers it. */
    private Optional<JsonNode> answer(String json, Set<String> seen) {
      JsonNode found = null;
      for (JsonNode event : RolloutJson.tree(json).path("items")) {
        String reason = event.path("reason").asText();
        boolean answers = kind.accepted().contains(reason) || kind.declined().contains(reason);
        if (answers && !seen.contains(eventName(event))) {
          found = event;
        }
      }
      return Optional.ofNullable(found);
    }

    private boolean annotationGone() {
      Kubectl.Result rollout =
          kubectl.run(cluster.scoped("get", Kubectl.RESOURCE, name, "-o", "json"));
      return rollout.ok()
          && !RolloutJson.tree(rollout.out())
              .path("metadata")
              .path("annotations")
              .has(kind.annotation());
    }

    private Kubectl.Result events() {
      return kubectl.run(
          cluster.scoped(
              "get",
              "events",
              "--field-selector=involvedObject.kind=Rollout,involvedObject.name=" + name,
              "-o",
              "json"));
    }

    private String elapsed(Instant since) {
      Duration elapsed = Duration.between(since, terminal.clock().instant());
      return Durations.words(Duration.ofMillis(elapsed.toMillis() / 100 * 100));
    }
  }

  private static String eventName(JsonNode event) {
    return event.path("metadata").path("name").asText();
  }
}
