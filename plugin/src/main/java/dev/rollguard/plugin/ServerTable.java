package dev.rollguard.plugin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A table as kubectl prints it: column names in the header, each column starting where its name
 * starts (kubectl pads every cell to its column's width, so a cell never runs into the next one,
 * and only the last column, the free-text message, may hold spaces). {@code <none>} is read as
 * empty.
 */
final class ServerTable {

  private static final Pattern WORD = Pattern.compile("\\S+");

  private ServerTable() {}

  static List<Map<String, String>> parse(String output) {
    List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
    List<Map<String, String>> rows = new ArrayList<>();
    if (lines.isEmpty()) {
      return rows;
    }
    List<String> names = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    Matcher header = WORD.matcher(lines.get(0));
    while (header.find()) {
      names.add(header.group());
      starts.add(header.start());
    }
    for (String line : lines.subList(1, lines.size())) {
      Map<String, String> cells = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        int from = Math.min(starts.get(i), line.length());
        int to = i + 1 < names.size() ? Math.min(starts.get(i + 1), line.length()) : line.length();
        String cell = line.substring(from, to).strip();
        cells.put(names.get(i), cell.equals("<none>") ? "" : cell);
      }
      rows.add(cells);
    }
    return rows;
  }
}
