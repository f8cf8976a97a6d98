package dev.rollguard.operator.decide;

import java.util.Map;

/** What people asked for with annotations on the Rollout. */
public record Requests(boolean promote, boolean rollback, boolean retry) {

  public static final String PROMOTE = "rollguard.dev/promote";
  public static final String ROLLBACK = "rollguard.dev/rollback";
  public static final String RETRY = "rollguard.dev/retry";
  public static final Requests NONE = new Requests(false, false, false);

  public static Requests from(Map<String, String> annotations) {
    if (annotations == null) {
      return NONE;
    }
    return new Requests(
        annotations.containsKey(PROMOTE),
        annotations.containsKey(ROLLBACK),
        annotations.containsKey(RETRY));
  }

  public boolean any() {
    return promote || rollback || retry;
  }
}
