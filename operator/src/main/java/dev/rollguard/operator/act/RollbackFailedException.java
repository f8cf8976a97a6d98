package dev.rollguard.operator.act;

/** Restoring the stable template failed: the Rollout reports {@code RollbackFailed}. */
public final class RollbackFailedException extends RuntimeException {
  public RollbackFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
