package dev.rollguard.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a person reads, compared with a committed snapshot (e2e/src/test/resources/
 * plugin-snapshots). What differs from run to run is replaced first: the revision hashes the test
 * names, timestamps, clock times, ages and durations; column padding is collapsed, because an age
 * one character longer widens a column. {@code -Dsnapshots.update=true} rewrites the snapshots.
 */
final class OutputSnapshot {

  private static final Pattern TIMESTAMP =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
  private static final Pattern CLOCK = Pattern.compile("\\b\\d\\d:\\d\\d:\\d\\d\\b");
  private static final Pattern DURATION =
      Pattern.compile("\\b\\d+(\\.\\d+)?(ms|s|m|h|d|y)(\\d+(ms|s|m|h|d))*\\b");
  private static final Pattern PADDING = Pattern.compile(" {2,}");

  private final Map<String, String> replacements = new LinkedHashMap<>();

  /** {@code text} (a revision hash, say) reads as {@code placeholder} in the snapshot. */
  OutputSnapshot replace(String text, String placeholder) {
    if (text != null && !text.isEmpty()) {
      replacements.put(text, placeholder);
    }
    return this;
  }

  String normalize(String output) {
    String text = output;
    for (Map.Entry<String, String> replacement : replacements.entrySet()) {
      text = text.replace(replacement.getKey(), replacement.getValue());
    }
    text = TIMESTAMP.matcher(text).replaceAll("<timestamp>");
    text = CLOCK.matcher(text).replaceAll("<clock>");
    text = DURATION.matcher(text).replaceAll("<t>");
    return PADDING.matcher(text).replaceAll("  ");
  }

  void assertMatches(String name, String output) {
    String actual = normalize(output);
    Path committed =
        Tools.repo().resolve("e2e/src/test/resources/plugin-snapshots/" + name + ".txt");
    try {
      if (Boolean.getBoolean("snapshots.update")) {
        Files.createDirectories(committed.getParent());
        Files.writeString(committed, actual);
        return;
      }
      if (!Files.exists(committed)) {
        Path proposed = Tools.repo().resolve("e2e/target/plugin-snapshots/" + name + ".txt");
        Files.createDirectories(proposed.getParent());
        Files.writeString(proposed, actual);
        throw new AssertionError(
            "no snapshot " + committed + "; this run's output is in " + proposed + ":\n" + actual);
      }
      assertThat(actual)
          .as("output of %s, normalized", name)
          .isEqualTo(Files.readString(committed));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
