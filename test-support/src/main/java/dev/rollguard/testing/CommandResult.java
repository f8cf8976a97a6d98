package dev.rollguard.testing;

/** What an external command did: its exit code and everything it printed. */
public record CommandResult(String command, int exitCode, String stdout, String stderr) {

  public boolean succeeded() {
    return exitCode == 0;
  }

  /** Returns this result, or fails with the command's own output when it did not succeed. */
  public CommandResult orThrow() {
    if (!succeeded()) {
      throw new IllegalStateException(
          "'"
              + command
              + "' exited with "
              + exitCode
              + "\nstdout:\n"
              + stdout
              + "\nstderr:\n"
              + stderr);
    }
    return this;
  }
}
