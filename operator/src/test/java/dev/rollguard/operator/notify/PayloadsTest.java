package dev.rollguard.operator.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollguard.operator.api.NotificationKind;
import dev.rollguard.operator.decide.Notification;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PayloadsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static final Notification ROLLED_BACK =
      new Notification(
          NotificationKind.RolledBack,
          "shop",
          "checkout",
          "checkout-web",
          Instant.parse("2026-11-30T10:31:42.123Z"),
          "rolled back 5f7c9d0a1e (shop/checkout:1.4.2) to 3b1e2a7c44 (shop/checkout:1.4.1) 42s"
              + " after the deploy: db-connections = 66 > 45 (baseline 30 + 50%)",
          "Automatic",
          new Notification.Breach("db-connections", 66.0, "<= 45 (baseline 30 + 50%)", 30.0),
          new Notification.RevisionRef("5f7c9d0a1e", List.of("shop/checkout:1.4.2", "envoy:1.30")),
          new Notification.RevisionRef("3b1e2a7c44", List.of("shop/checkout:1.4.1", "envoy:1.30")));

  private static JsonNode render(Target.Format format, Notification n) throws Exception {
    return JSON.readTree(Payloads.render(format, n, "0b5e1c1e-3f6e-4c38-9d0e-6a4f5b0c7d21"));
  }

  @Test
  void slackHasAFallbackTextAndBlocksWithGuardValueBoundsRevisionsAndImages() throws Exception {
    JsonNode slack = render(Target.Format.SLACK, ROLLED_BACK);
    assertThat(slack.get("text").asText())
        .startsWith(":rotating_light: Rolled back shop/checkout: rolled back 5f7c9d0a1e")
        .contains("66 &gt; 45");
    JsonNode blocks = slack.get("blocks");
    assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
    assertThat(blocks.get(0).get("text").get("text").asText())
        .isEqualTo("Rolled back shop/checkout");
    assertThat(blocks.get(1).get("text").get("type").asText()).isEqualTo("mrkdwn");
    List<String> fields = blocks.get(2).get("fields").findValuesAsText("text");
    assertThat(fields)
        .containsExactly(
            "*Guard*\ndb-connections",
            "*Value*\n66",
            "*Bounds*\n&lt;= 45 (baseline 30 + 50%)",
            "*Baseline*\n30",
            "*Failed revision*\n5f7c9d0a1e (shop/checkout:1.4.2, envoy:1.30)",
            "*Stable revision*\n3b1e2a7c44 (shop/checkout:1.4.1, envoy:1.30)");
    assertThat(blocks.get(3).get("type").asText()).isEqualTo("context");
    assertThat(blocks.get(3).get("elements").get(0).get("text").asText())
        .contains("Rollout shop/checkout")
        .contains("Deployment checkout-web")
        .contains("2026-11-30T10:31:42.123Z");
    assertThat(Payloads.contentType(Target.Format.SLACK)).isEqualTo("application/json");
  }

  @Test
  void cloudEventsIsAStructuredModeEvent() throws Exception {
    JsonNode event = render(Target.Format.CLOUDEVENTS, ROLLED_BACK);
    assertThat(event.get("specversion").asText()).isEqualTo("1.0");
    assertThat(event.get("id").asText()).isEqualTo("0b5e1c1e-3f6e-4c38-9d0e-6a4f5b0c7d21");
    assertThat(event.get("source").asText())
        .isEqualTo("/apis/rollguard.dev/v1alpha1/namespaces/shop/rollouts/checkout");
    assertThat(event.get("type").asText()).isEqualTo("dev.rollguard.rollout.rolledback");
    assertThat(event.get("subject").asText()).isEqualTo("deployments/checkout-web");
    assertThat(event.get("time").asText()).isEqualTo("2026-11-30T10:31:42.123Z");
    assertThat(event.get("datacontenttype").asText()).isEqualTo("application/json");
    JsonNode data = event.get("data");
    assertThat(data.get("kind").asText()).isEqualTo("RolledBack");
    assertThat(data.get("namespace").asText()).isEqualTo("shop");
    assertThat(data.get("rollout").asText()).isEqualTo("checkout");
    assertThat(data.get("deployment").asText()).isEqualTo("checkout-web");
    assertThat(data.get("mode").asText()).isEqualTo("Automatic");
    assertThat(data.get("message").asText()).isEqualTo(ROLLED_BACK.message());
    assertThat(data.get("guard").get("name").asText()).isEqualTo("db-connections");
    assertThat(data.get("guard").get("value").asDouble()).isEqualTo(66.0);
    assertThat(data.get("guard").get("bounds").asText()).isEqualTo("<= 45 (baseline 30 + 50%)");
    assertThat(data.get("guard").get("baseline").asDouble()).isEqualTo(30.0);
    assertThat(data.get("revision").get("hash").asText()).isEqualTo("5f7c9d0a1e");
    assertThat(data.get("revision").get("images").findValuesAsText(""))
        .isEmpty(); // images is an array of strings
    assertThat(JSON.convertValue(data.get("revision").get("images"), List.class))
        .containsExactly("shop/checkout:1.4.2", "envoy:1.30");
    assertThat(JSON.convertValue(data.get("stableRevision").get("images"), List.class))
        .containsExactly("shop/checkout:1.4.1", "envoy:1.30");
    assertThat(Payloads.contentType(Target.Format.CLOUDEVENTS))
        .isEqualTo("application/cloudevents+json");
  }

  @Test
  void aPromotionNamesThePreviousStableRevisionAndHasNoGuard() throws Exception {
    Notification promoted =
        new Notification(
            NotificationKind.Promoted,
            "shop",
            "checkout",
            "checkout",
            Instant.parse("2026-11-30T10:40:00Z"),
            "promoted 5f7c9d0a1e (shop/checkout:1.4.2) to stable",
            "Automatic",
            null,
            new Notification.RevisionRef("5f7c9d0a1e", List.of("shop/checkout:1.4.2")),
            new Notification.RevisionRef("3b1e2a7c44", List.of("shop/checkout:1.4.1")));
    JsonNode event = render(Target.Format.CLOUDEVENTS, promoted);
    assertThat(event.get("type").asText()).isEqualTo("dev.rollguard.rollout.promoted");
    assertThat(event.get("data").has("guard")).isFalse();
    assertThat(event.get("data").get("previousStableRevision").get("hash").asText())
        .isEqualTo("3b1e2a7c44");
    JsonNode slack = render(Target.Format.SLACK, promoted);
    assertThat(slack.get("text").asText()).startsWith(":white_check_mark: Promoted");
    assertThat(slack.get("blocks").get(2).get("fields").findValuesAsText("text"))
        .containsExactly(
            "*Promoted revision*\n5f7c9d0a1e (shop/checkout:1.4.2)",
            "*Previous stable revision*\n3b1e2a7c44 (shop/checkout:1.4.1)");
  }
}
