package dev.rollguard.operator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A revision is a pod template, known by the hash of its canonical form: keys sorted, empty values
 * and the ReplicaSet's own pod-template-hash label dropped. Templates that differ only in field
 * order or in empty-versus-missing fields are the same revision.
 */
public final class PodTemplates {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final int HASH_LENGTH = 10;

  private PodTemplates() {}

  public static String hash(PodTemplateSpec template) {
    JsonNode canonical = canonical(JSON.valueToTree(template));
    if (canonical.path("metadata").path("labels") instanceof ObjectNode labels) {
      labels.remove("pod-template-hash");
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(JSON.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
    } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot hash a pod template", e);
    }
  }

  /** Images of the template's containers, in order (init containers first). */
  public static List<String> images(PodTemplateSpec template) {
    List<String> images = new ArrayList<>();
    if (template.getSpec() != null) {
      addImages(images, template.getSpec().getInitContainers());
      addImages(images, template.getSpec().getContainers());
    }
    return images;
  }

  private static void addImages(List<String> images, List<Container> containers) {
    if (containers != null) {
      containers.forEach(c -> images.add(c.getImage()));
    }
  }

  /**
   * Sorted keys, no nulls, no empty objects, arrays or strings; returns null when nothing is left.
   */
  private static JsonNode canonical(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode value = canonical(field.getValue());
        if (value != null) {
          sorted.put(field.getKey(), value);
        }
      }
      if (sorted.isEmpty()) {
        return null;
      }
      ObjectNode result = JsonNodeFactory.instance.objectNode();
      sorted.forEach(result::set);
      return result;
    }
    if (node.isArray()) {
      ArrayNode result = JsonNodeFactory.instance.arrayNode();
      node.forEach(
          element -> {
            JsonNode value = canonical(element);
            // Keep positions: an empty element inside a list still counts as an element.
            result.add(value != null ? value : JsonNodeFactory.instance.objectNode());
          });
      return result.isEmpty() ? null : result;
    }
    if (node.isTextual() && node.asText().isEmpty()) {
      return null;
    }
    return node;
  }
}
