package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A pod template of the guarded Deployment, known by the hash of its canonical form. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Revision {

  @JsonPropertyDescription("Hash of the canonical pod template.")
  public String hash;

  @JsonPropertyDescription("Container images of the template, in order.")
  public List<String> images = new ArrayList<>();

  @JsonPropertyDescription("When Rollguard first saw this revision running (the deploy time).")
  public Instant since;

  @JsonPropertyDescription("When this revision became stable.")
  public Instant promotedAt;

  @JsonPropertyDescription("The ControllerRevision holding this template, owned by the Rollout.")
  public String controllerRevision;

  @JsonPropertyDescription(
      "The pod-template-hash of its ReplicaSet, once seen: {{revision}} and {{stableRevision}} in"
          + " guard queries.")
  public String podTemplateHash;

  public Revision() {}

  public Revision(String hash, List<String> images) {
    this.hash = hash;
    this.images = new ArrayList<>(images);
  }
}
