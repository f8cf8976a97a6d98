package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * Where this Rollout's decisions are sent: notification targets the platform team defines in the
 * operator's ConfigMap (--notification-targets), by name. URLs and tokens stay in Secrets there.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NotificationsSpec {

  @Required
  @Size(min = 1, max = 10)
  @ValidationRule(
      value = "self.all(t, self.exists_one(u, u == t))",
      message = "target names must be unique")
  @JsonPropertyDescription(
      "Names of notification targets defined by the platform team in the operator's"
          + " notification ConfigMap, e.g. [payments-slack].")
  public List<@Size(max = 63) @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") String> targets =
      new ArrayList<>();

  // Not "on": YAML 1.1, which kubectl reads, turns the key on into true.
  @Size(max = 5)
  @JsonPropertyDescription(
      "Send only these kinds of decision: RolledBack, Held, NotRecovered, Promoted,"
          + " RollbackFailed. Narrows each target's own list. Default: the target's list.")
  public List<NotificationKind> when;

  public NotificationsSpec() {}

  public NotificationsSpec(List<String> targets, List<NotificationKind> when) {
    this.targets = new ArrayList<>(targets);
    this.when = when == null ? null : new ArrayList<>(when);
  }
}
