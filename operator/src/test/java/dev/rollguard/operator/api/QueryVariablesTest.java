package dev.rollguard.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryVariablesTest {

  @Test
  void findsTheVariablesAQueryUsesEachOnce() {
    String query =
        "avg(x{pod_template_hash=\"{{revision}}\"}) / avg(x{pod_template_hash=\"{{stableRevision}}\","
            + " namespace=\"{{namespace}}\", r=\"{{revision}}\"})";
    assertThat(QueryVariables.in(query)).containsExactly("revision", "stableRevision", "namespace");
    assertThat(QueryVariables.unknownIn(query)).isEmpty();
  }

  @Test
  void misspelledOrSpacedVariablesAreUnknown() {
    assertThat(QueryVariables.unknownIn("x{a=\"{{revison}}\", b=\"{{ revision }}\"}"))
        .containsExactly("revison", " revision ");
  }

  @Test
  void rendersKnownValuesAndLeavesTheRest() {
    String rendered =
        QueryVariables.render(
            "sum(x{h=\"{{revision}}\", s=\"{{stableRevision}}\", d=\"{{deployment}}\"})",
            Map.of("revision", "7c9d5f", "deployment", "web$1"));
    assertThat(rendered).isEqualTo("sum(x{h=\"7c9d5f\", s=\"{{stableRevision}}\", d=\"web$1\"})");
  }

  @Test
  void tellsWhetherAnyGuardSelectsPodsByRevision() {
    RolloutSpec spec = new RolloutSpec();
    spec.guards = List.of(new GuardSpec("a", "sum(x{namespace=\"{{namespace}}\"})"));
    assertThat(QueryVariables.usesRevisions(spec)).isFalse();
    GuardSpec compared = new GuardSpec("b", "up");
    compared.compare = new CompareSpec();
    compared.compare.baseline = "avg(x{pod_template_hash=\"{{stableRevision}}\"})";
    spec.guards = List.of(spec.guards.get(0), compared);
    assertThat(QueryVariables.usesRevisions(spec)).isTrue();
  }
}
