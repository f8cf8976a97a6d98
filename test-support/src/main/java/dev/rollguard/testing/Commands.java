package dev.rollguard.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Runs external commands to completion, capturing their output, with a time limit. */
public final class Commands {

  /** Output readers block until the process closes its pipes: give each its own thread. */
  private static final ExecutorService READERS =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "command-output-reader");
            thread.setDaemon(true);
            return thread;
          });

  private Commands() {}

  public static CommandResult run(
      List<String> command, Map<String, String> env, Path workDir, Duration timeout) {
    return run(command, env, workDir, timeout, null);
  }

  /**
   * Like {@link #run(List, Map, Path, Duration)}, writing {@code stdin} (may be null) to the
   * command.
   */
  public static CommandResult run(
      List<String> command, Map<String, String> env, Path workDir, Duration timeout, String stdin) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().putAll(env);
    String shown = String.join(" ", command);
    try {
      Process process = builder.start();
      try (var input = process.getOutputStream()) {
        if (stdin != null) {
          input.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      CompletableFuture<String> out = readAsync(process.getInputStream());
      CompletableFuture<String> err = readAsync(process.getErrorStream());
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new IllegalStateException("'" + shown + "' did not finish within " + timeout);
      }
      return new CommandResult(shown, process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException("could not run '" + shown + "'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running '" + shown + "'", e);
    }
  }

  private static CompletableFuture<String> readAsync(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        READERS);
  }
}
