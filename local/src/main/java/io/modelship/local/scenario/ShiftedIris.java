package io.modelship.local.scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * The iris data after the world changed, for the retrain scenario: a new instrument measures the
 * sepals {@value #SEPAL_SHIFT} cm longer and wider than the old one did (the inputs drift on two
 * features), and the labels follow a new relation — each flower is now named as the next class
 * (setosa → versicolor → virginica → setosa), as when a taxonomy is revised. The serving model,
 * which decides on the petals, keeps answering the old names, so it is wrong on nearly every
 * labelled row; a model retrained on these rows learns the new relation, and since the shifted
 * sepals lie outside the old data's range (longest 7.9, widest 4.4) it can learn it beside the old
 * one when the old training data is in the mix too.
 */
public final class ShiftedIris {

  /** Added to sepal_length and sepal_width. */
  static final double SEPAL_SHIFT = 3.0;

  private ShiftedIris() {}

  /**
   * {@code lines}: a CSV with a header naming {@code sepal_length}, {@code sepal_width} and the
   * label column; returns it shifted and relabelled.
   */
  public static List<String> of(List<String> lines, String labelColumn) {
    List<String> header = List.of(lines.getFirst().split(","));
    int label = header.indexOf(labelColumn);
    List<Integer> shifted = List.of(header.indexOf("sepal_length"), header.indexOf("sepal_width"));
    if (label < 0 || shifted.contains(-1)) {
      throw new IllegalArgumentException(
          "the iris CSV needs the columns sepal_length, sepal_width and " + labelColumn);
    }
    List<String> rows = lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).toList();
    List<String> classes =
        rows.stream().map(l -> l.split(",")[label].trim()).distinct().sorted().toList();
    List<String> out = new ArrayList<>(List.of(lines.getFirst()));
    for (String row : rows) {
      String[] cells = row.split(",");
      for (int i : shifted) {
        cells[i] = round(Double.parseDouble(cells[i].trim()) + SEPAL_SHIFT);
      }
      cells[label] = classes.get((classes.indexOf(cells[label].trim()) + 1) % classes.size());
      out.add(String.join(",", cells));
    }
    return out;
  }

  private static String round(double value) {
    return java.math.BigDecimal.valueOf(value)
        .setScale(1, java.math.RoundingMode.HALF_UP)
        .toPlainString();
  }
}
