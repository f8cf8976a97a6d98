package dev.rollguard.operator;

import dev.rollguard.operator.observability.LogSetup;
import dev.rollguard.operator.report.ReportCommand;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar rollguard-operator.jar [flags]}: runs the operator until SIGTERM. {@code java
 * -jar rollguard-operator.jar report NAMESPACE/ROLLOUT}: prints a Rollout's incident record.
 */
public final class RollguardMain {

  /**
   * With one or two CPUs the JVM sizes its common fork-join pool to one thread, and then every
   * asynchronous step of a {@code CompletableFuture} without an executor (the Kubernetes client has
   * several per request) runs on a new thread: thousands of short-lived threads per minute in a
   * deploy wave, measured as the biggest share of the operator's CPU after the JIT. Two threads
   * keep the pool in use. Set before anything touches the pool; an explicit -D setting wins.
   */
  private static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  static {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null
        && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
  }

  private RollguardMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0 && args[0].equals("report")) {
      // Quiet logs: the report is the output.
      System.setProperty(LogSetup.FORMAT, "quiet");
      System.exit(ReportCommand.run(List.of(args).subList(1, args.length), System.out, System.err));
    }
    OperatorOptions options;
    try {
      options = OperatorOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("rollguard-operator: " + e.getMessage());
      System.err.println(OperatorOptions.usage());
      System.exit(2);
      return;
    }
    if (options.helpRequested()) {
      System.out.println(OperatorOptions.usage());
      return;
    }
    // Before the first logger exists: logback reads its configuration once.
    if (options.logFormat() == OperatorOptions.LogFormat.JSON) {
      System.setProperty(LogSetup.FORMAT, "json");
    }
    RollguardOperator operator;
    try {
      operator = new RollguardOperator(options);
    } catch (RuntimeException e) {
      System.err.println("rollguard-operator: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // Graceful shutdown: SIGTERM (kubelet, kill) stops reconciling, finishes work in flight,
    // closes.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.close();
                  stopped.countDown();
                },
                "rollguard-shutdown"));
    operator.start();
    stopped.await();
  }
}
