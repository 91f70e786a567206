package io.modelship.kubectl.view;

import java.util.ArrayList;
import java.util.List;

/** Left-aligned columns separated by three spaces, as kubectl prints them. */
final class TextTable {

  private final List<String[]> rows = new ArrayList<>();
  private final String indent;

  TextTable(String indent, String... header) {
    this.indent = indent;
    rows.add(header);
  }

  TextTable row(Object... cells) {
    String[] row = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      row[i] = cells[i] == null ? "-" : cells[i].toString();
    }
    rows.add(row);
    return this;
  }

  int size() {
    return rows.size() - 1;
  }

  void appendTo(StringBuilder out) {
    int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].codePointCount(0, row[i].length()));
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder(indent);
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - row[i].codePointCount(0, row[i].length()) + 3));
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }
}
