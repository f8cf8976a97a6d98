package dev.rollguard.operator.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Variables a guard query may use, so that one query can select the pods of one revision: {@code
 * {{namespace}}}, {@code {{deployment}}}, {@code {{rollout}}}, {@code {{revision}}} and {@code
 * {{stableRevision}}} (the {@code pod-template-hash} of the new and of the stable ReplicaSet: pods
 * carry it as a label and in their names).
 */
public final class QueryVariables {

  public static final String NAMESPACE = "namespace";
  public static final String DEPLOYMENT = "deployment";
  public static final String ROLLOUT = "rollout";
  public static final String REVISION = "revision";
  public static final String STABLE_REVISION = "stableRevision";
  public static final Set<String> KNOWN =
      Set.of(NAMESPACE, DEPLOYMENT, ROLLOUT, REVISION, STABLE_REVISION);

  /** Written exactly so, without spaces inside the braces (as the CRD's rule reads them). */
  private static final Pattern VARIABLE = Pattern.compile("\\{\\{([^{}]*)\\}\\}");

  /**
   * CEL rule for a query field: once the known variables are taken out, no {@code {{} is left.
   * (A regex over every match costs more than the API server allows for a 4096-character field.)
   */
  public static final String RULE =
      "!self.replace('{{namespace}}', '').replace('{{deployment}}', '')"
          + ".replace('{{rollout}}', '').replace('{{revision}}', '')"
          + ".replace('{{stableRevision}}', '').contains('{{')";

  public static final String MESSAGE =
      "unknown variable: a query may use {{namespace}}, {{deployment}}, {{rollout}}, {{revision}}"
          + " and {{stableRevision}}";

  private QueryVariables() {}

  /** The variables a query names, in order, each once. */
  public static List<String> in(String query) {
    List<String> names = new ArrayList<>();
    Matcher m = VARIABLE.matcher(query == null ? "" : query);
    while (m.find()) {
      if (!names.contains(m.group(1))) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** Whether any guard query selects pods by revision ({{revision}} or {{stableRevision}}). */
  public static boolean usesRevisions(RolloutSpec spec) {
    if (spec == null || spec.guards == null) {
      return false;
    }
    for (GuardSpec guard : spec.guards) {
      List<String> used = new ArrayList<>(in(guard.query));
      if (guard.compare != null) {
        used.addAll(in(guard.compare.baseline));
      }
      if (used.contains(REVISION) || used.contains(STABLE_REVISION)) {
        return true;
      }
    }
    return false;
  }

  public static List<String> unknownIn(String query) {
    return in(query).stream().filter(name -> !KNOWN.contains(name)).toList();
  }

  /** The query with every variable replaced; a variable without a value stays as it is. */
  public static String render(String query, Map<String, String> values) {
    Matcher m = VARIABLE.matcher(query);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
    }
    m.appendTail(out);
    return out.toString();
  }
}
