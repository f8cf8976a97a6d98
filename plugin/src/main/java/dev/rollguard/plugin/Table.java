package dev.rollguard.plugin;

import java.util.ArrayList;
import java.util.List;

/**
 * Columns as kubectl aligns them: each as wide as its widest cell, three spaces apart, the last one
 * unpadded. A table that keeps printing (a watch) keeps the widths it started with, growing them
 * only when a wider cell comes.
 */
final class Table {

  private final List<String> header;
  private final int[] widths;

  Table(List<String> header) {
    this.header = List.copyOf(header);
    this.widths = new int[header.size()];
    fit(header);
  }

  void fit(List<String> row) {
    for (int i = 0; i < row.size(); i++) {
      widths[i] = Math.max(widths[i], row.get(i).length());
    }
  }

  String header() {
    return line(header);
  }

  String line(List<String> row) {
    fit(row);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < row.size(); i++) {
      String cell = row.get(i);
      if (i == row.size() - 1) {
        text.append(cell);
      } else {
        text.append(cell).append(" ".repeat(widths[i] - cell.length() + 3));
      }
    }
    return text.toString().stripTrailing();
  }

  /** A whole table: header, then rows, all aligned. */
  static String render(List<String> header, List<List<String>> rows) {
    Table table = new Table(header);
    rows.forEach(table::fit);
    List<String> lines = new ArrayList<>();
    lines.add(table.header());
    rows.forEach(row -> lines.add(table.line(row)));
    return String.join("\n", lines) + "\n";
  }
}
