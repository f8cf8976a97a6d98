package dev.rollguard.operator;

import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.decide.Change;
import java.util.function.Consumer;

/**
 * Points where tests stop or fail the operator on purpose: before a change to the cluster is made,
 * and before a status is written. In production both do nothing.
 */
public record OperatorHooks(
    Consumer<Change> beforeChange, Consumer<RolloutStatus> beforeStatusWrite) {

  public static final OperatorHooks NONE = new OperatorHooks(change -> {}, status -> {});

  public static OperatorHooks beforeChange(Consumer<Change> hook) {
    return new OperatorHooks(hook, status -> {});
  }

  public static OperatorHooks beforeStatusWrite(Consumer<RolloutStatus> hook) {
    return new OperatorHooks(change -> {}, hook);
  }
}
