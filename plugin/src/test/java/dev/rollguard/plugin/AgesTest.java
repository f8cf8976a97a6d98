package dev.rollguard.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The AGE column reads as kubectl's own. */
class AgesTest {

  @Test
  void readsLikeKubectlGet() {
    assertThat(Ages.human(Duration.ofSeconds(0))).isEqualTo("0s");
    assertThat(Ages.human(Duration.ofSeconds(119))).isEqualTo("119s");
    assertThat(Ages.human(Duration.ofSeconds(200))).isEqualTo("3m20s");
    assertThat(Ages.human(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(Ages.human(Duration.ofMinutes(25).plusSeconds(7))).isEqualTo("25m");
    assertThat(Ages.human(Duration.ofMinutes(310))).isEqualTo("5h10m");
    assertThat(Ages.human(Duration.ofHours(30))).isEqualTo("30h");
    assertThat(Ages.human(Duration.ofHours(76))).isEqualTo("3d4h");
    assertThat(Ages.human(Duration.ofDays(40))).isEqualTo("40d");
    assertThat(Ages.human(Duration.ofDays(800))).isEqualTo("2y70d");
    assertThat(Ages.human(Duration.ofDays(4000))).isEqualTo("10y");
  }

  @Test
  void aClockBehindShowsZeroAndAMissingTimeSaysSo() {
    Instant now = Instant.parse("2026-11-30T12:00:00Z");
    assertThat(Ages.since(now.plusMillis(500), now)).isEqualTo("0s");
    assertThat(Ages.since(now.plusSeconds(60), now)).isEqualTo("<invalid>");
    assertThat(Ages.since(null, now)).isEqualTo("<unknown>");
  }
}
