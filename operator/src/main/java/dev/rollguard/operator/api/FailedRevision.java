package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailedRevision {
  /** The reason of a revision rolled back because it did not become available in time. */
  public static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";

  public String hash;
  public List<String> images = new ArrayList<>();
  public Instant failedAt;
  public String reason;
  public String guard;
  public Double value;
  public String threshold;
}
