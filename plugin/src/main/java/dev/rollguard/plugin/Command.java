package dev.rollguard.plugin;

/** One of the plugin's commands. */
interface Command {

  /** Its name on the command line. */
  String name();

  /** One line for the command list. */
  String summary();

  /** Its usage: synopsis, description, flags. */
  String usage();

  /** Runs it; returns the exit code ({@link ExitCodes}). */
  int run(Args args, Terminal terminal) throws InterruptedException;
}
