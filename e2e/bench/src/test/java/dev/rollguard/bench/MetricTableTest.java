package dev.rollguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricTableTest {

  private final MetricTable table = new MetricTable();

  @Test
  void connectionsBreachOnlyInsideTheWindowAndByEvaluationTime() {
    table.breachFrom("app-1", 1_000);
    assertThat(table.value(MetricTable.CONNECTIONS, "app-1", 999))
        .isLessThan(MetricTable.CONNECTIONS_LIMIT);
    assertThat(table.value(MetricTable.CONNECTIONS, "app-1", 1_000))
        .isGreaterThan(MetricTable.CONNECTIONS_LIMIT);

    table.breachUntil("app-1", 5_000);
    assertThat(table.value(MetricTable.CONNECTIONS, "app-1", 4_999))
        .isGreaterThan(MetricTable.CONNECTIONS_LIMIT);
    assertThat(table.value(MetricTable.CONNECTIONS, "app-1", 5_000))
        .isLessThan(MetricTable.CONNECTIONS_LIMIT);
  }

  @Test
  void otherDeploymentsAndTheErrorRatioStayUnderTheirLimits() {
    table.breachFrom("app-1", 0);
    assertThat(table.value(MetricTable.CONNECTIONS, "app-2", 10))
        .isLessThan(MetricTable.CONNECTIONS_LIMIT);
    assertThat(table.value(MetricTable.ERRORS, "app-1", 10)).isLessThan(MetricTable.ERRORS_LIMIT);
    assertThat(table.value("bench_unknown", "app-1", 10)).isNaN();
  }
}
