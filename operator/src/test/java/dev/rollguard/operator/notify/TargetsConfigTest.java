package dev.rollguard.operator.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.NotificationKind;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetsConfigTest {

  private static TargetsConfig parse(String yaml) {
    return TargetsConfig.parse(
        "rollguard-system/rollguard-notifications", Map.of("targets.yaml", yaml));
  }

  @Test
  void readsTargetsWithDefaults() {
    TargetsConfig config =
        parse(
            """
            - name: payments-slack
              format: slack
              url: {secretKeyRef: {name: payments-slack-webhook, key: url}}
            - name: platform-events
              format: cloudevents
              url: {secretKeyRef: {name: events, key: url}}
              token: {secretKeyRef: {name: events, key: token}}
              when: [RolledBack, Promoted, RollbackFailed]
              allRollouts: true
            """);
    assertThat(config.errors()).isEmpty();
    assertThat(config.targets()).containsOnlyKeys("payments-slack", "platform-events");
    Target slack = config.targets().get("payments-slack");
    assertThat(slack.format()).isEqualTo(Target.Format.SLACK);
    assertThat(slack.url()).isEqualTo(new Target.SecretRef("payments-slack-webhook", "url"));
    assertThat(slack.token()).isNull();
    assertThat(slack.when())
        .containsExactlyInAnyOrder(
            NotificationKind.RolledBack, NotificationKind.Held, NotificationKind.NotRecovered);
    assertThat(slack.allRollouts()).isFalse();
    Target events = config.targets().get("platform-events");
    assertThat(events.format()).isEqualTo(Target.Format.CLOUDEVENTS);
    assertThat(events.token()).isEqualTo(new Target.SecretRef("events", "token"));
    assertThat(events.when())
        .containsExactlyInAnyOrder(
            NotificationKind.RolledBack,
            NotificationKind.Promoted,
            NotificationKind.RollbackFailed);
    assertThat(config.forAllRollouts()).containsExactly(events);
  }

  @Test
  void aLiteralUrlIsRefusedNamingTheFieldWithoutRepeatingIt() {
    TargetsConfig config =
        parse(
            """
            - name: leaky
              format: slack
              url: https://hooks.slack.example/services/T000/B000/SECRETPATH
            - name: fine
              format: slack
              url: {secretKeyRef: {name: fine, key: url}}
            """);
    assertThat(config.errors())
        .singleElement()
        .satisfies(
            error ->
                assertThat(error)
                    .startsWith("targets[0].url: must be a secretKeyRef")
                    .doesNotContain("SECRETPATH"));
    assertThat(config.targets()).as("the other targets keep working").containsOnlyKeys("fine");
    assertThat(config.invalid()).containsOnlyKeys("leaky");
    assertThat(config.invalid().get("leaky")).startsWith("targets[0].url: must be a secretKeyRef");
  }

  @Test
  void everyMistakeNamesItsField() {
    TargetsConfig config =
        parse(
            """
            - name: Bad_Name
              format: slack
              url: {secretKeyRef: {name: a, key: url}}
            - name: b
              format: teams
              url: {secretKeyRef: {name: b}}
              when: [RolledBack, Exploded]
              allRollouts: "yes"
              colour: red
            - name: c
              format: cloudevents
            - name: d
              format: slack
              url: {secretKeyRef: {name: d, key: url}}
            - name: d
              format: slack
              url: {secretKeyRef: {name: d2, key: url}}
            """);
    assertThat(config.errors())
        .anySatisfy(e -> assertThat(e).startsWith("targets[0].name: must be a name"))
        .anySatisfy(e -> assertThat(e).startsWith("targets[1].colour: unknown field"))
        .anySatisfy(e -> assertThat(e).isEqualTo("targets[1].format: must be slack or cloudevents"))
        .anySatisfy(e -> assertThat(e).startsWith("targets[1].url.secretKeyRef.key: must be"))
        .anySatisfy(e -> assertThat(e).startsWith("targets[1].when[1]: \"Exploded\" is not one of"))
        .anySatisfy(e -> assertThat(e).isEqualTo("targets[1].allRollouts: must be true or false"))
        .anySatisfy(e -> assertThat(e).startsWith("targets[2].url: missing"))
        .anySatisfy(e -> assertThat(e).startsWith("targets[4].name: \"d\" is defined twice"));
    assertThat(config.targets()).containsOnlyKeys("d");
    assertThat(config.targets().get("d").url().name()).isEqualTo("d");
  }

  @Test
  void aMissingKeyOrNoListIsOneClearError() {
    assertThat(TargetsConfig.parse("ns/cm", Map.of()).errors())
        .containsExactly("targets.yaml: missing, no notification target defined");
    assertThat(parse("name: x").errors())
        .containsExactly("targets.yaml: must be a list of targets");
    assertThat(parse("- [unclosed https://hooks.example/SECRET").errors())
        .containsExactly("targets.yaml: not valid YAML");
  }
}
