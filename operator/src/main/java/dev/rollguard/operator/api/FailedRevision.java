package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailedRevision {
  public String hash;
  public List<String> images = new ArrayList<>();
  public Instant failedAt;
  public String reason;
  public String guard;
  public Double value;
  public String threshold;
}
