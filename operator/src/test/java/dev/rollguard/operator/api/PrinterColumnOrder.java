package dev.rollguard.operator.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts the Rollout's printer columns in the order people read them. The CRD generator sorts {@code
 * additionalPrinterColumns} by JSON path, which made {@code kubectl get rollouts} print AGE second
 * and the long MESSAGE before PHASE; this rewrites only that list, in the order of {@link #ORDER}
 * (the order of the annotations on {@link Rollout}, which a test keeps in step).
 *
 * <p>{@code scripts/update-crds} runs it on the generated CRD to write {@code crds/}, and {@code
 * CrdDriftTest} applies it to what the build generates before comparing, so the committed file is
 * exactly the model plus this step. It uses the JDK alone so that the script runs it with nothing
 * but the compiled test classes on the class path.
 */
public final class PrinterColumnOrder {

  /** Column names, as declared on {@link Rollout}. */
  public static final List<String> ORDER =
      List.of(
          "Target", "Phase", "Step", "Current", "Stable", "Age", "Decision", "Decided", "Message");

  private static final String LIST = "  - additionalPrinterColumns:";
  private static final String ITEM = "    - ";
  private static final String CONTINUATION = "      ";
  private static final Pattern NAME = Pattern.compile("^ {4}[- ] name: \"([^\"]*)\"$");

  private PrinterColumnOrder() {}

  /** The CRD text with its printer columns in {@link #ORDER}; everything else byte for byte. */
  public static String apply(String crd) {
    List<String> lines = new ArrayList<>(crd.lines().toList());
    int start = lines.indexOf(LIST);
    if (start < 0 || lines.lastIndexOf(LIST) != start) {
      throw new IllegalArgumentException("expected one list of printer columns in the CRD");
    }
    int end = start + 1;
    List<List<String>> columns = new ArrayList<>();
    while (end < lines.size()
        && (lines.get(end).startsWith(ITEM) || lines.get(end).startsWith(CONTINUATION))) {
      if (lines.get(end).startsWith(ITEM)) {
        columns.add(new ArrayList<>());
      }
      columns.get(columns.size() - 1).add(lines.get(end));
      end++;
    }
    List<String> names = columns.stream().map(PrinterColumnOrder::name).toList();
    if (names.size() != ORDER.size() || !names.containsAll(ORDER)) {
      throw new IllegalArgumentException(
          "the CRD's printer columns " + names + " are not the ones ordered " + ORDER);
    }
    columns.sort(Comparator.comparingInt(column -> ORDER.indexOf(name(column))));
    List<String> ordered = new ArrayList<>(lines.subList(0, start + 1));
    columns.forEach(ordered::addAll);
    ordered.addAll(lines.subList(end, lines.size()));
    return String.join("\n", ordered) + (crd.endsWith("\n") ? "\n" : "");
  }

  private static String name(List<String> column) {
    for (String line : column) {
      Matcher m = NAME.matcher(line);
      if (m.matches()) {
        return m.group(1);
      }
    }
    throw new IllegalArgumentException("a printer column without a name: " + column);
  }

  /** {@code PrinterColumnOrder GENERATED OUT}: writes the generated CRD, ordered, to OUT. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: PrinterColumnOrder GENERATED_CRD OUT");
    }
    String generated = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
    Files.writeString(Path.of(args[1]), apply(generated), StandardCharsets.UTF_8);
  }
}
