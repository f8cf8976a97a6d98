package dev.rollguard.operator;

import java.util.concurrent.CountDownLatch;

/** {@code java -jar rollguard-operator.jar [flags]}: runs the operator until SIGTERM. */
public final class RollguardMain {

  private RollguardMain() {}

  public static void main(String[] args) throws InterruptedException {
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
    RollguardOperator operator = new RollguardOperator(options);
    CountDownLatch stopped = new CountDownLatch(1);
    // Graceful shutdown: SIGTERM (kubelet, kill) stops reconciling, finishes work in flight, closes.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      stopped.countDown();
    }, "rollguard-shutdown"));
    operator.start();
    stopped.await();
  }
}
