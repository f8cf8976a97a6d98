package dev.rollguard.operator.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollguard.operator.api.NotificationKind;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The notification targets of one ConfigMap (key {@value #KEY}, a YAML list), as parsed. A target
 * with a mistake is left out and its mistake kept, naming the field ({@code targets[0].url: must be
 * a secretKeyRef}); the other targets work.
 *
 * @param source the ConfigMap, as {@code namespace/name}
 * @param targets the usable targets by name
 * @param invalid targets left out, by name, with what is wrong
 * @param errors every mistake found, naming its field, for the log
 */
public record TargetsConfig(
    String source, Map<String, Target> targets, Map<String, String> invalid, List<String> errors) {

  public static final String KEY = "targets.yaml";
  static final int MAX_TARGETS = 100;

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern SECRET_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");
  private static final Set<String> FIELDS =
      Set.of("name", "format", "url", "token", "when", "allRollouts");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  public TargetsConfig {
    targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
    invalid = Collections.unmodifiableMap(new LinkedHashMap<>(invalid));
    errors = List.copyOf(errors);
  }

  /** No ConfigMap (yet): no target. */
  public static TargetsConfig empty(String source) {
    return new TargetsConfig(source, Map.of(), Map.of(), List.of());
  }

  /** Parses the ConfigMap's data; never throws, mistakes end up in {@link #errors}. */
  public static TargetsConfig parse(String source, Map<String, String> data) {
    String yaml = data == null ? null : data.get(KEY);
    if (yaml == null || yaml.isBlank()) {
      return new TargetsConfig(
          source, Map.of(), Map.of(), List.of(KEY + ": missing, no notification target defined"));
    }
    JsonNode root;
    try {
      root = JSON.readTree(YAML.convertToJson(yaml));
    } catch (Exception e) {
      return new TargetsConfig(
          source,
          Map.of(),
          Map.of(),
          // Not the parser's message: it quotes the offending line, which may hold a secret.
          List.of(KEY + ": not valid YAML"));
    }
    if (root == null || !root.isArray()) {
      return new TargetsConfig(
          source, Map.of(), Map.of(), List.of(KEY + ": must be a list of targets"));
    }
    Map<String, Target> targets = new LinkedHashMap<>();
    Map<String, String> invalid = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      String field = "targets[" + i + "]";
      if (i >= MAX_TARGETS) {
        errors.add(field + ": at most " + MAX_TARGETS + " targets; the rest are ignored");
        break;
      }
      List<String> problems = new ArrayList<>();
      Target target = target(field, root.get(i), problems);
      String name = root.get(i).path("name").asText("");
      if (!problems.isEmpty()) {
        errors.addAll(problems);
        if (NAME.matcher(name).matches() && !targets.containsKey(name)) {
          invalid.put(name, String.join("; ", problems));
        }
      } else if (targets.containsKey(name) || invalid.containsKey(name)) {
        String problem = field + ".name: \"" + name + "\" is defined twice; the first one is used";
        errors.add(problem);
      } else {
        targets.put(name, target);
      }
    }
    return new TargetsConfig(source, targets, invalid, errors);
  }

  private static Target target(String field, JsonNode node, List<String> problems) {
    if (!node.isObject()) {
      problems.add(field + ": must be a mapping with name, format and url");
      return null;
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String unknown = names.next();
      if (!FIELDS.contains(unknown)) {
        problems.add(
            field
                + "."
                + unknown
                + ": unknown field (known: "
                + String.join(", ", FIELDS.stream().sorted().toList())
                + ")");
      }
    }
    String name = node.path("name").asText("");
    if (!node.path("name").isTextual() || !NAME.matcher(name).matches()) {
      problems.add(
          field
              + ".name: must be a name such as payments-slack (lower case, digits, '-', at most 63)");
    }
    Target.Format format = null;
    String formatWord = node.path("format").asText("");
    for (Target.Format each : Target.Format.values()) {
      if (each.word.equals(formatWord)) {
        format = each;
      }
    }
    if (format == null) {
      problems.add(field + ".format: must be slack or cloudevents");
    }
    Target.SecretRef url = secretRef(field + ".url", node.get("url"), true, problems);
    Target.SecretRef token = secretRef(field + ".token", node.get("token"), false, problems);
    Set<NotificationKind> when = Target.DEFAULT_WHEN;
    if (node.has("when")) {
      when = kinds(field + ".when", node.get("when"), problems);
    }
    boolean allRollouts = false;
    if (node.has("allRollouts")) {
      if (!node.get("allRollouts").isBoolean()) {
        problems.add(field + ".allRollouts: must be true or false");
      } else {
        allRollouts = node.get("allRollouts").asBoolean();
      }
    }
    return problems.isEmpty() ? new Target(name, format, url, token, when, allRollouts) : null;
  }

  private static Target.SecretRef secretRef(
      String field, JsonNode node, boolean required, List<String> problems) {
    if (node == null || node.isNull()) {
      if (required) {
        problems.add(field + ": missing; must be a secretKeyRef {name, key}");
      }
      return null;
    }
    // Never echo the value: a literal URL may carry a token in its path.
    JsonNode ref = node.get("secretKeyRef");
    if (!node.isObject() || ref == null || !ref.isObject() || node.size() != 1) {
      problems.add(
          field
              + ": must be a secretKeyRef {name, key} naming a Secret in the ConfigMap's"
              + " namespace, never a literal value");
      return null;
    }
    String name = ref.path("name").asText("");
    String key = ref.path("key").asText("");
    boolean ok = true;
    if (!ref.path("name").isTextual()
        || name.length() > 253
        || !SECRET_NAME.matcher(name).matches()) {
      problems.add(field + ".secretKeyRef.name: must be the name of a Secret");
      ok = false;
    }
    if (!ref.path("key").isTextual() || !SECRET_KEY.matcher(key).matches()) {
      problems.add(field + ".secretKeyRef.key: must be a key of the Secret");
      ok = false;
    }
    return ok ? new Target.SecretRef(name, key) : null;
  }

  private static Set<NotificationKind> kinds(String field, JsonNode node, List<String> problems) {
    if (!node.isArray() || node.isEmpty()) {
      problems.add(field + ": must be a non-empty list of " + allKinds());
      return Set.of();
    }
    Set<NotificationKind> kinds = EnumSet.noneOf(NotificationKind.class);
    for (int i = 0; i < node.size(); i++) {
      String word = node.get(i).asText("");
      NotificationKind kind =
          Arrays.stream(NotificationKind.values())
              .filter(k -> k.name().equals(word))
              .findFirst()
              .orElse(null);
      if (kind == null) {
        problems.add(
            field + "[" + i + "]: \"" + abbreviate(word) + "\" is not one of " + allKinds());
      } else {
        kinds.add(kind);
      }
    }
    return kinds;
  }

  private static String allKinds() {
    return Arrays.stream(NotificationKind.values())
        .map(Enum::name)
        .collect(Collectors.joining(", "));
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }

  /** The usable targets every Rollout notifies (allRollouts: true). */
  public List<Target> forAllRollouts() {
    return targets.values().stream().filter(Target::allRollouts).toList();
  }
}
