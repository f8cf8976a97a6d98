package dev.rollguard.operator.notify;

import dev.rollguard.operator.api.NotificationKind;
import dev.rollguard.operator.api.NotificationsSpec;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.decide.Notification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Routes a Rollout's notifications to its targets: those named in {@code spec.notifications}
 * (narrowed by its {@code when}) and those defined for all Rollouts, each filtered by the target's
 * own {@code when}. Never blocks: messages are handed to the {@link NotificationSender}.
 */
public class Notifications {

  /** Notifications off (no --notification-targets). */
  public static final Notifications OFF = new Notifications(null, null, null);

  /** The reason of the Warning event for a Rollout naming a target that cannot be used. */
  public static final String TARGET_UNKNOWN = "NotificationTargetUnknown";

  private final Supplier<TargetsConfig> config;
  private final NotificationSender sender;
  private final String source;

  /** The last routing problem reported per Rollout, with its generation: reported once. */
  private final Map<String, String> reported = new ConcurrentHashMap<>();

  /**
   * @param source the ConfigMap, {@code namespace/name}
   */
  public Notifications(String source, Supplier<TargetsConfig> config, NotificationSender sender) {
    this.source = source;
    this.config = config;
    this.sender = sender;
  }

  /** Hands the notification to the sender for each of its targets; returns at once. */
  public void send(Rollout rollout, Notification notification) {
    if (sender == null) {
      return;
    }
    for (Target target : targets(rollout, notification.kind())) {
      sender.offer(target, notification, UUID.randomUUID().toString());
    }
  }

  /** The targets that get a notification of {@code kind} from {@code rollout}. */
  List<Target> targets(Rollout rollout, NotificationKind kind) {
    TargetsConfig current = config.get();
    Map<String, Target> chosen = new LinkedHashMap<>();
    NotificationsSpec spec = rollout.getSpec() == null ? null : rollout.getSpec().notifications;
    if (spec != null && spec.targets != null) {
      boolean wanted = spec.when == null || spec.when.isEmpty() || spec.when.contains(kind);
      for (String name : spec.targets) {
        Target target = current.targets().get(name);
        if (wanted && target != null && target.when().contains(kind)) {
          chosen.putIfAbsent(name, target);
        }
      }
    }
    for (Target target : current.forAllRollouts()) {
      if (target.when().contains(kind)) {
        chosen.putIfAbsent(target.name(), target);
      }
    }
    return new ArrayList<>(chosen.values());
  }

  /**
   * What is wrong with the targets {@code rollout} names, when that was not reported yet for its
   * generation: one message per field, e.g. {@code spec.notifications.targets[1]: no notification
   * target "x" in rollguard-system/rollguard-notifications}.
   */
  public Optional<String> routingProblem(Rollout rollout) {
    NotificationsSpec spec = rollout.getSpec() == null ? null : rollout.getSpec().notifications;
    String id = rollout.getMetadata().getNamespace() + "/" + rollout.getMetadata().getName();
    if (spec == null || spec.targets == null || spec.targets.isEmpty()) {
      reported.remove(id);
      return Optional.empty();
    }
    List<String> problems = new ArrayList<>();
    if (sender == null) {
      problems.add(
          "spec.notifications.targets: notifications are off in this operator (no"
              + " --notification-targets), nothing is sent");
    } else {
      TargetsConfig current = config.get();
      for (int i = 0; i < spec.targets.size(); i++) {
        String name = spec.targets.get(i);
        if (current.targets().containsKey(name)) {
          continue;
        }
        String field = "spec.notifications.targets[" + i + "]: ";
        String invalid = current.invalid().get(name);
        problems.add(
            invalid != null
                ? field
                    + "notification target \""
                    + name
                    + "\" in "
                    + source
                    + " is not usable: "
                    + invalid
                : field + "no notification target \"" + name + "\" in " + source);
      }
    }
    if (problems.isEmpty()) {
      reported.remove(id);
      return Optional.empty();
    }
    String message = String.join("; ", problems);
    String key = rollout.getMetadata().getGeneration() + " " + message;
    if (key.equals(reported.put(id, key))) {
      return Optional.empty();
    }
    return Optional.of(message);
  }

  /** Targets by name, for tests and the startup log. */
  Set<String> targetNames() {
    return config == null ? Set.of() : config.get().targets().keySet();
  }
}
