package dev.rollguard.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON as kubectl prints it. Commands read trees, which is quick on a cold JVM; only {@code report}
 * binds to the operator's model (the incident report is written from it), which costs about a
 * second of reflection the first time.
 */
final class RolloutJson {

  static final ObjectMapper TREES = new ObjectMapper();

  private RolloutJson() {}

  static JsonNode tree(String json) {
    try {
      return json.isBlank() ? TREES.missingNode() : TREES.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("kubectl printed something that is not JSON: " + e, e);
    }
  }

  /** The objects of a List, or the one object kubectl printed. */
  static List<JsonNode> objects(String json) {
    JsonNode root = tree(json);
    List<JsonNode> items = new ArrayList<>();
    if (root.has("items")) {
      root.get("items").forEach(items::add);
    } else if (!root.isMissingNode() && !root.isNull()) {
      items.add(root);
    }
    return items;
  }

  /** Binds to a model class (the operator's Rollout, Kubernetes' Event and Deployment). */
  static <T> List<T> bind(String json, Class<T> type) {
    ObjectMapper mapper = Binding.MAPPER;
    List<T> bound = new ArrayList<>();
    for (JsonNode node : objects(json)) {
      try {
        bound.add(mapper.treeToValue(node, type));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(
            "cannot read " + node.path("kind").asText("an object") + ": " + e.getOriginalMessage(),
            e);
      }
    }
    return bound;
  }

  /** Created on first use: commands that only read trees never pay for it. */
  private static final class Binding {
    static final ObjectMapper MAPPER =
        JsonMapper.builder()
            .addModule(new JavaTimeModule())
            // A newer operator may have added fields; an older plugin still reads the rest.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
  }
}
