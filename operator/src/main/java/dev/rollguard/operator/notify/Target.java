package dev.rollguard.operator.notify;

import dev.rollguard.operator.api.NotificationKind;
import java.util.Set;

/**
 * A notification target the platform team defines in the operator's ConfigMap: where messages go (a
 * URL in a Secret), in which format, about what. Its URL and token are never part of this object:
 * they are read from their Secrets when a message is sent.
 */
public record Target(
    String name,
    Format format,
    SecretRef url,
    SecretRef token,
    Set<NotificationKind> when,
    boolean allRollouts) {

  /** The kinds a target gets unless it says otherwise. */
  public static final Set<NotificationKind> DEFAULT_WHEN =
      Set.of(NotificationKind.RolledBack, NotificationKind.Held, NotificationKind.NotRecovered);

  public Target {
    when = Set.copyOf(when);
  }

  /** The body sent to the target. */
  public enum Format {
    /** A Slack incoming webhook: {@code text} plus {@code blocks}. */
    SLACK("slack"),
    /** A CloudEvents 1.0 event in structured mode ({@code application/cloudevents+json}). */
    CLOUDEVENTS("cloudevents");

    final String word;

    Format(String word) {
      this.word = word;
    }
  }

  /** A key of a Secret in the ConfigMap's namespace. */
  public record SecretRef(String name, String key) {}
}
