package dev.rollguard.operator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "500ms, PT0.5S",
    "30s, PT30S",
    "10m, PT10M",
    "1h30m, PT1H30M",
    "1h1h, PT2H",
    "0s, PT0S",
    "00s, PT0S",
    "0h0m, PT0S",
    "000000000ms, PT0S",
    "99999h, PT99999H",
    "9999999m, PT9999999M",
    "999999999s, PT999999999S",
    "999999999ms, PT999999.999S",
  })
  void readsWhatTheCrdAccepts(String text, Duration expected) {
    assertThat(Durations.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "100000h",
        "000001h",
        "10000000m",
        "1000000000s",
        "1000000000ms",
        "99999999999999999999h",
        "1h99999999999999999999999999s"
      })
  void refusesANumberTooLargeForItsUnitNamingTheValue(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "'"
                + text
                + "' is too large: each number must be at most 99999h, 9999999m, 999999999s or "
                + "999999999ms");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "15", "15 seconds", "1d", "-1s", "1.5h", "s", "1hh"})
  void refusesAMalformedDurationNamingTheValue(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("'" + text + "' must be a duration such as 30s, 10m or 1h30m");
  }

  @Test
  void refusesNull() {
    assertThatThrownBy(() -> Durations.parse(null))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("'null' must be a duration such as 30s, 10m or 1h30m");
  }

  @Test
  void refusesATextLongerThanTheCrdAllowsWithoutReadingIt() {
    String huge = "1s".repeat(1_000_000);
    assertThatThrownBy(() -> Durations.parse(huge))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "'" + huge.substring(0, 32) + "...' is too long: a duration has at most 32 characters");
    assertThat(Durations.parse("1s".repeat(16))).isEqualTo(Duration.ofSeconds(16));
  }

  @Test
  void theLargestAcceptedDurationIsSafeForEveryConversion() {
    Duration largest = Durations.parse("999999999s999999999s999999999s9h");
    assertThat(largest).isEqualTo(Duration.ofSeconds(3 * 999_999_999L).plusHours(9));
    assertThat(largest).isLessThan(Duration.ofDays(100 * 365));
    assertThatCode(
            () -> {
              largest.toNanos();
              largest.toMillis();
              Instant.now().plus(largest);
            })
        .doesNotThrowAnyException();
  }

  /**
   * The CRD's rules and the parser agree: over many texts made of duration characters, a text
   * passes the CEL regexes (format, range, maxLength) exactly when {@link Durations#parse} reads
   * it, and then the positive rule refuses exactly the zero durations. Java's {@code find} and
   * RE2's unanchored {@code matches} agree on these plain patterns.
   */
  @Test
  void theCrdRulesAcceptExactlyWhatTheParserReads() {
    Pattern format = celRegex(Durations.RULE);
    Pattern range = celRegex(Durations.RANGE_RULE);
    Pattern zero = celRegex(Durations.POSITIVE_RULE);
    assertThat(Durations.RANGE_RULE).startsWith("!");
    assertThat(Durations.POSITIVE_RULE).startsWith("!");
    Random random = new Random(42);
    String[] units = {"h", "m", "s", "ms"};
    String noise = "0123456789hms x";
    int accepted = 0;
    for (int i = 0; i < 100_000; i++) {
      StringBuilder text = new StringBuilder();
      int parts = 1 + random.nextInt(4);
      for (int j = 0; j < parts; j++) {
        int digits = 1 + random.nextInt(11);
        for (int k = 0; k < digits; k++) {
          text.append(
              switch (random.nextInt(3)) {
                case 0 -> '0';
                case 1 -> '9';
                default -> (char) ('0' + random.nextInt(10));
              });
        }
        text.append(units[random.nextInt(units.length)]);
      }
      if (random.nextInt(10) == 0) {
        text.insert(
            random.nextInt(text.length() + 1), noise.charAt(random.nextInt(noise.length())));
      }
      String candidate = text.toString();
      boolean schemaValid =
          candidate.length() <= Durations.MAX_LENGTH
              && format.matcher(candidate).find()
              && !range.matcher(candidate).find();
      Duration parsed;
      try {
        parsed = Durations.parse(candidate);
      } catch (IllegalArgumentException e) {
        assertThat(schemaValid)
            .as("the CRD accepts %s but the parser refuses it: %s", candidate, e.getMessage())
            .isFalse();
        continue;
      }
      assertThat(schemaValid).as("the parser reads %s but the CRD refuses it", candidate).isTrue();
      assertThat(zero.matcher(candidate).find())
          .as("the positive rule on %s", candidate)
          .isEqualTo(parsed.isZero());
      accepted++;
    }
    assertThat(accepted).as("enough accepted samples").isGreaterThan(5_000);
  }

  @ParameterizedTest
  @CsvSource({
    "0s, true", "0ms, true", "0h0m, true", "00s, true", "0h0m0s0ms, true",
    "1ms, false", "10s, false", "0h1m, false", "100ms, false", "1h0m, false",
  })
  void thePositiveRuleRefusesZeroInAnySpelling(String text, boolean zero) {
    assertThat(celRegex(Durations.POSITIVE_RULE).matcher(text).find()).isEqualTo(zero);
    assertThat(Durations.parse(text).isZero()).isEqualTo(zero);
  }

  @ParameterizedTest
  @CsvSource({
    "99999h, false", "100000h, true", "9999999m, false", "10000000m, true", "10000000m5s, true",
    "99999999ms, false", "999999999ms, false", "1000000000ms, true", "999999999s, false",
        "1000000000s, true",
    "000001h, true",
  })
  void theRangeRuleRefusesNumbersTooLargeForTheirUnit(String text, boolean tooLarge) {
    assertThat(celRegex(Durations.RANGE_RULE).matcher(text).find()).isEqualTo(tooLarge);
  }

  @Test
  void formatReadsBack() {
    for (String text : new String[] {"500ms", "30s", "10m", "1h30m", "48h", "1h0m1s5ms"}) {
      Duration duration = Durations.parse(text);
      assertThat(Durations.parse(Durations.format(duration))).isEqualTo(duration);
    }
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0ms");
  }

  @Test
  void messagesWriteDurationsInOneStyle() {
    assertThat(Durations.words(Duration.ZERO)).isEqualTo("0s");
    assertThat(Durations.words(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(Durations.words(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(Durations.words(Duration.ofSeconds(42))).isEqualTo("42s");
    assertThat(Durations.words(Duration.ofSeconds(125))).isEqualTo("2m05s");
    assertThat(Durations.words(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThat(Durations.words(Duration.ofMinutes(65))).isEqualTo("1h05m");
    assertThat(Durations.words(Duration.ofSeconds(3630))).isEqualTo("1h00m30s");
    assertThat(Durations.words(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(Durations.words(Duration.ofMillis(125_700))).as("to the second").isEqualTo("2m05s");
  }

  private static Pattern celRegex(String rule) {
    Matcher m = Pattern.compile("^!?self\\.matches\\('([^']*)'\\)$").matcher(rule);
    assertThat(m.matches()).as("a single self.matches rule: %s", rule).isTrue();
    return Pattern.compile(m.group(1));
  }
}
