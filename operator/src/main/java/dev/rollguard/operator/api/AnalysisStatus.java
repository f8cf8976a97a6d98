package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AnalysisStatus {

  @JsonPropertyDescription(
      "Analysis: the new revision is being judged. PostPromotion: the promoted revision is still guarded. Recovery: the stable revision is checked after a rollback.")
  public Kind kind;

  @JsonPropertyDescription("Hash of the revision under analysis.")
  public String revision;

  public Instant startedAt;

  @JsonPropertyDescription("When the pre-deploy baseline was last queried.")
  public Instant baselineAttemptedAt;

  @JsonPropertyDescription("Time of the last completed measurement round.")
  public Instant lastMeasuredAt;

  @JsonPropertyDescription(
      "With a canary: when the rollout resumed after the last step; the progress deadline and the"
          + " bake time count from then.")
  public Instant fullRolloutAt;

  public List<GuardStatus> guards = new ArrayList<>();

  @JsonPropertyDescription(
      "End of the post-promotion window, while the promoted revision is still guarded.")
  public Instant guardedUntil;

  public enum Kind {
    Analysis,
    PostPromotion,
    Recovery
  }
}
