package dev.rollguard.operator.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollguard.operator.api.NotificationKind;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.decide.Notification;
import dev.rollguard.operator.decide.guard.Numbers;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The bodies sent to targets: a Slack incoming-webhook message, or a CloudEvents 1.0 event in
 * structured mode. Written with Jackson; the CloudEvents SDK would add a dependency for a dozen
 * fixed attributes.
 */
public final class Payloads {

  public static final String CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json";
  public static final String TYPE_PREFIX = "dev.rollguard.rollout.";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Payloads() {}

  /** The body for {@code format}; {@code id} identifies the message across retries. */
  public static byte[] render(Target.Format format, Notification n, String id) {
    ObjectNode body = format == Target.Format.SLACK ? slack(n) : cloudEvent(n, id);
    try {
      return JSON.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write a notification", e);
    }
  }

  public static String contentType(Target.Format format) {
    return format == Target.Format.SLACK ? "application/json" : CLOUDEVENTS_CONTENT_TYPE;
  }

  /** A one-line title: "Rolled back shop/checkout". */
  static String headline(Notification n) {
    String rollout = n.namespace() + "/" + n.rollout();
    return switch (n.kind()) {
      case RolledBack ->
          n.dryRun() ? "Would have rolled back " + rollout + " (DryRun)" : "Rolled back " + rollout;
      case Held -> "Held a failed revision of " + rollout;
      case NotRecovered -> "NOT RECOVERED after rolling back " + rollout;
      case Promoted -> "Promoted a new revision of " + rollout;
      case RollbackFailed -> "Rollback FAILED for " + rollout;
    };
  }

  static ObjectNode slack(Notification n) {
    ObjectNode body = JSON.createObjectNode();
    body.put("text", icon(n.kind()) + " " + escape(headline(n) + ": " + n.message()));
    ArrayNode blocks = body.putArray("blocks");
    ObjectNode header = blocks.addObject().put("type", "header");
    header.putObject("text").put("type", "plain_text").put("text", limit(headline(n), 150));
    ObjectNode message = blocks.addObject().put("type", "section");
    message.putObject("text").put("type", "mrkdwn").put("text", limit(escape(n.message()), 3000));
    ArrayNode fields = JSON.createArrayNode();
    if (n.breach() != null) {
      field(fields, "Guard", n.breach().guard());
      field(fields, "Value", number(n.breach().value()));
      field(fields, "Bounds", n.breach().threshold());
      field(fields, "Baseline", number(n.breach().baseline()));
    }
    boolean promoted = n.kind() == NotificationKind.Promoted;
    field(fields, promoted ? "Promoted revision" : "Failed revision", describe(n.revision()));
    field(
        fields,
        promoted ? "Previous stable revision" : "Stable revision",
        describe(n.stableRevision()));
    if (!fields.isEmpty()) {
      blocks.addObject().put("type", "section").set("fields", fields);
    }
    ObjectNode context = blocks.addObject().put("type", "context");
    context
        .putArray("elements")
        .addObject()
        .put("type", "mrkdwn")
        .put(
            "text",
            escape(
                "Rollout "
                    + n.namespace()
                    + "/"
                    + n.rollout()
                    + " · Deployment "
                    + n.deployment()
                    + " · "
                    + DateTimeFormatter.ISO_INSTANT.format(n.at())
                    + " · Rollguard"));
    return body;
  }

  static ObjectNode cloudEvent(Notification n, String id) {
    ObjectNode event = JSON.createObjectNode();
    event.put("specversion", "1.0");
    event.put("id", id);
    event.put("source", source(n));
    event.put("type", TYPE_PREFIX + n.kind().name().toLowerCase(Locale.ROOT));
    event.put("subject", "deployments/" + n.deployment());
    event.put("time", DateTimeFormatter.ISO_INSTANT.format(n.at()));
    event.put("datacontenttype", "application/json");
    ObjectNode data = event.putObject("data");
    data.put("kind", n.kind().name());
    data.put("namespace", n.namespace());
    data.put("rollout", n.rollout());
    data.put("deployment", n.deployment());
    data.put("mode", n.mode());
    data.put("message", n.message());
    if (n.breach() != null) {
      ObjectNode guard = data.putObject("guard");
      guard.put("name", n.breach().guard());
      putNumber(guard, "value", n.breach().value());
      if (n.breach().threshold() != null) {
        guard.put("bounds", n.breach().threshold());
      }
      putNumber(guard, "baseline", n.breach().baseline());
    }
    boolean promoted = n.kind() == NotificationKind.Promoted;
    revision(data, "revision", n.revision());
    revision(data, promoted ? "previousStableRevision" : "stableRevision", n.stableRevision());
    return event;
  }

  /** The Rollout as a URI reference, like its path in the Kubernetes API. */
  static String source(Notification n) {
    return "/apis/"
        + Rollout.GROUP
        + "/"
        + Rollout.VERSION
        + "/namespaces/"
        + n.namespace()
        + "/rollouts/"
        + n.rollout();
  }

  private static void revision(ObjectNode data, String key, Notification.RevisionRef revision) {
    if (revision != null) {
      ObjectNode node = data.putObject(key);
      node.put("hash", revision.hash());
      ArrayNode images = node.putArray("images");
      revision.images().forEach(images::add);
    }
  }

  private static void putNumber(ObjectNode node, String key, Double value) {
    if (value != null && !value.isNaN() && !value.isInfinite()) {
      node.put(key, value);
    }
  }

  private static void field(ArrayNode fields, String title, String value) {
    if (value != null && fields.size() < 10) {
      fields
          .addObject()
          .put("type", "mrkdwn")
          .put("text", "*" + title + "*\n" + limit(escape(value), 1900));
    }
  }

  private static String number(Double value) {
    return value == null ? null : Numbers.format(value);
  }

  private static String describe(Notification.RevisionRef revision) {
    return revision == null
        ? null
        : revision.hash() + " (" + String.join(", ", revision.images()) + ")";
  }

  private static String icon(NotificationKind kind) {
    return switch (kind) {
      case RolledBack, NotRecovered, RollbackFailed -> ":rotating_light:";
      case Held -> ":pause_button:";
      case Promoted -> ":white_check_mark:";
    };
  }

  /** Slack's mrkdwn reads &, < and > as markup. */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String limit(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
