package dev.rollguard.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventRecorderTest {

  private static final HasMetadata CHECKOUT =
      new ConfigMapBuilder().withNewMetadata().withName("checkout").endMetadata().build();

  @Test
  void eventNamesSortInTimeOrder() {
    List<String> names = new ArrayList<>();
    Instant second = Instant.parse("2026-03-01T10:00:00Z");
    for (Instant at :
        List.of(
            second,
            second.plusNanos(1_000),
            second.plusMillis(999),
            Instant.parse("2026-03-01T10:00:01Z"),
            Instant.parse("2031-01-01T00:00:00Z"))) {
      names.add(EventRecorder.name(CHECKOUT, at));
    }

    assertThat(names).isSorted().doesNotHaveDuplicates();
    assertThat(names.get(0)).matches("checkout\\.[0-9a-f]{16}");
  }

  @Test
  void eventTimeHasExactlySixFractionalDigits() {
    assertThat(EventRecorder.MICRO_TIME.format(Instant.parse("2026-03-01T10:00:00Z")))
        .isEqualTo("2026-03-01T10:00:00.000000Z");
    assertThat(EventRecorder.MICRO_TIME.format(Instant.parse("2026-03-01T10:00:00.12345Z")))
        .isEqualTo("2026-03-01T10:00:00.123450Z");
  }
}
