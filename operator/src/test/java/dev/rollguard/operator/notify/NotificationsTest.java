package dev.rollguard.operator.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.NotificationKind;
import dev.rollguard.operator.api.NotificationsSpec;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutSpec;
import dev.rollguard.operator.measure.TokenCache;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NotificationsTest {

  private static final String SOURCE = "rollguard-system/rollguard-notifications";

  private final TargetsConfig config =
      TargetsConfig.parse(
          SOURCE,
          Map.of(
              "targets.yaml",
              """
              - name: payments-slack
                format: slack
                url: {secretKeyRef: {name: payments, key: url}}
              - name: platform
                format: cloudevents
                url: {secretKeyRef: {name: platform, key: url}}
                when: [RolledBack, Promoted]
                allRollouts: true
              - name: broken
                format: slack
                url: https://hooks.example/literal
              """));
  private final NotificationSender sender =
      new NotificationSender(
          NotificationSender.Settings.DEFAULT,
          ref -> new TokenCache.Failure("unused"),
          (t, o) -> {},
          Clock.systemUTC());
  private final Notifications notifications = new Notifications(SOURCE, () -> config, sender);

  @AfterEach
  void stop() {
    sender.close();
  }

  private static Rollout rollout(long generation, NotificationsSpec spec) {
    Rollout rollout = new Rollout();
    rollout.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("shop")
            .withName("checkout")
            .withGeneration(generation)
            .build());
    rollout.setSpec(new RolloutSpec());
    rollout.getSpec().notifications = spec;
    return rollout;
  }

  private List<String> targets(Rollout rollout, NotificationKind kind) {
    return notifications.targets(rollout, kind).stream().map(Target::name).toList();
  }

  @Test
  void aRolloutNotifiesItsTargetsAndThoseForAllRolloutsByTheirKinds() {
    Rollout rollout = rollout(1, new NotificationsSpec(List.of("payments-slack"), null));
    assertThat(targets(rollout, NotificationKind.RolledBack))
        .containsExactly("payments-slack", "platform");
    assertThat(targets(rollout, NotificationKind.Held)).containsExactly("payments-slack");
    assertThat(targets(rollout, NotificationKind.Promoted)).containsExactly("platform");
    assertThat(targets(rollout(1, null), NotificationKind.RolledBack)).containsExactly("platform");
  }

  @Test
  void theRolloutsOnNarrowsItsOwnTargets() {
    Rollout rollout =
        rollout(
            1,
            new NotificationsSpec(
                List.of("payments-slack"), List.of(NotificationKind.NotRecovered)));
    assertThat(targets(rollout, NotificationKind.RolledBack)).containsExactly("platform");
    assertThat(targets(rollout, NotificationKind.NotRecovered)).containsExactly("payments-slack");
  }

  @Test
  void anUnknownOrBrokenTargetIsReportedOncePerGenerationNamingTheField() {
    Rollout rollout =
        rollout(4, new NotificationsSpec(List.of("payments-slack", "x", "broken"), null));
    assertThat(notifications.routingProblem(rollout))
        .hasValue(
            "spec.notifications.targets[1]: no notification target \"x\" in "
                + SOURCE
                + "; spec.notifications.targets[2]: notification target \"broken\" in "
                + SOURCE
                + " is not usable: targets[2].url: must be a secretKeyRef {name, key} naming a"
                + " Secret in the ConfigMap's namespace, never a literal value");
    assertThat(notifications.routingProblem(rollout)).as("once").isEmpty();
    assertThat(notifications.routingProblem(rollout(5, rollout.getSpec().notifications)))
        .as("again for a new generation")
        .isPresent();
    assertThat(targets(rollout, NotificationKind.RolledBack))
        .as("the known target still gets its messages")
        .containsExactly("payments-slack", "platform");
  }

  @Test
  void namingTargetsWithNotificationsOffIsReported() {
    Rollout rollout = rollout(1, new NotificationsSpec(List.of("payments-slack"), null));
    assertThat(Notifications.OFF.routingProblem(rollout))
        .hasValueSatisfying(p -> assertThat(p).contains("notifications are off"));
  }
}
