package dev.rollguard.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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

  public static final String NAME_RULE =
      "self.all(t, t.matches('^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'))";

  @Required
  @Size(min = 1, max = 10)
  @ValidationRule(
      value = NAME_RULE,
      message = "each target must be a name such as payments-slack (lower case, digits, '-')")
  @ValidationRule(
      value = "self.all(t, self.exists_one(u, u == t))",
      message = "target names must be unique")
  @JsonPropertyDescription(
      "Names of notification targets defined by the platform team in the operator's"
          + " notification ConfigMap, e.g. [payments-slack].")
  public List<String> targets = new ArrayList<>();

  @Size(max = 5)
  @JsonPropertyDescription(
      "Send only these kinds of decision: RolledBack, Held, NotRecovered, Promoted,"
          + " RollbackFailed. Narrows each target's own list. Default: the target's list.")
  public List<NotificationKind> on;

  public NotificationsSpec() {}

  public NotificationsSpec(List<String> targets, List<NotificationKind> on) {
    this.targets = new ArrayList<>(targets);
    this.on = on == null ? null : new ArrayList<>(on);
  }
}
