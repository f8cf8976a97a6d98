package dev.rollguard.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A rollback's message reads the same whether the recovery or the hold came first. */
class RecoveryMessageTest {

  @Test
  void recoveredGoesBeforeTheHoldWhicheverCameFirst() {
    String held = "; held: Deployment web paused until a new revision or a retry";
    assertThat(RecoveryHandler.withRecovered("rolled back a to b" + held))
        .isEqualTo("rolled back a to b; recovered" + held);
    assertThat(RecoveryHandler.withRecovered("rolled back a to b"))
        .isEqualTo("rolled back a to b; recovered");
    assertThat(RecoveryHandler.withRecovered(null)).isEqualTo("; recovered");
  }
}
