package dev.rollguard.plugin;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code kubectl rollguard}: the Rollouts of a cluster as people look at them, and the requests
 * they make (promote, roll back, retry), through their own kubectl.
 */
public final class PluginMain {

  static final List<Command> COMMANDS =
      List.of(
          new GetCommand(),
          new StatusCommand(),
          new RequestCommand(RequestCommand.PROMOTE),
          new RequestCommand(RequestCommand.ROLLBACK),
          new RequestCommand(RequestCommand.RETRY),
          new ReportCommand(),
          new VersionCommand());

  private PluginMain() {}

  public static void main(String[] args) {
    Terminal terminal = Terminal.system();
    int exit = run(terminal, args);
    terminal.out().flush();
    System.exit(exit);
  }

  static int run(Terminal terminal, String... words) {
    if (words.length == 1 && words[0].equals(CdsTraining.COMMAND)) {
      return CdsTraining.run();
    }
    if (words.length == 0 || isHelp(words[0]) || words[0].equals("help") && words.length == 1) {
      (words.length == 0 ? terminal.err() : terminal.out()).print(usage());
      return words.length == 0 ? ExitCodes.USAGE : ExitCodes.OK;
    }
    boolean helpFor = words[0].equals("help");
    String name = helpFor ? words[1] : words[0];
    Optional<Command> command = COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst();
    if (command.isEmpty()) {
      terminal.err().println("error: unknown command \"" + name + "\" for \"kubectl rollguard\"");
      terminal.err().println("Run 'kubectl rollguard --help' for the commands.");
      return ExitCodes.USAGE;
    }
    List<String> rest = Arrays.asList(words).subList(helpFor ? 2 : 1, words.length);
    try {
      Args args = Args.parse(rest);
      if (helpFor || args.has("--help")) {
        terminal.out().print(command.get().usage());
        return ExitCodes.OK;
      }
      return command.get().run(args, terminal);
    } catch (Args.UsageError e) {
      terminal.err().println("error: " + e.getMessage());
      terminal.err().println("Run 'kubectl rollguard " + name + " --help' for its usage.");
      return ExitCodes.USAGE;
    } catch (Kubectl.KubectlMissing | RolloutWatch.WatchFailed e) {
      terminal.err().println("error: " + e.getMessage());
      return ExitCodes.CLUSTER;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.UNDECIDED;
    }
  }

  private static boolean isHelp(String word) {
    return word.equals("-h") || word.equals("--help");
  }

  static String usage() {
    StringBuilder text =
        new StringBuilder(
            """
            kubectl rollguard: Rollguard's Rollouts, read and acted on through your own kubectl
            (your kubeconfig, context, credentials and RBAC; nothing runs in the cluster for it).

            Usage: kubectl rollguard COMMAND [NAME] [flags]

            Commands:
            """);
    for (Command command : COMMANDS) {
      text.append(String.format("  %-10s%s%n", command.name(), command.summary()));
    }
    text.append(
        """

        Run 'kubectl rollguard COMMAND --help' for a command's flags.

        """);
    text.append(Help.EXIT_CODES);
    return text.toString();
  }
}
