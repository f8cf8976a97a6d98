package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** A rollback decided and persisted, not yet applied to the Deployment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PendingRollback {
  public String revision;
  public String toRevision;
  public String reason;
  public String guard;
  public Double value;
  public String threshold;
  public String message;
  public Instant decidedAt;
}
