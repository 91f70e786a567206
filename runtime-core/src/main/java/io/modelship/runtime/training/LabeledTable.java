package io.modelship.runtime.training;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV with a header, read as numeric feature columns plus one label column. Bad cells are
 * reported with their row and column so users can fix the file.
 */
public record LabeledTable(
    List<String> featureNames, String target, double[][] rows, List<String> labelValues) {

  public int size() {
    return rows.length;
  }

  /**
   * Reads {@code file}; {@code features} limits and orders the feature columns (null: all but
   * target).
   */
  public static LabeledTable read(Path file, String target, List<String> features) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("data file not found: " + file);
    }
    CSVFormat format =
        CSVFormat.DEFAULT
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setIgnoreSurroundingSpaces(true)
            .setIgnoreEmptyLines(true)
            .get();
    try (Reader reader = Files.newBufferedReader(file);
        CSVParser parser = CSVParser.parse(reader, format)) {
      List<String> header = parser.getHeaderNames();
      if (target != null && !header.contains(target)) {
        throw new IllegalArgumentException(
            file.getFileName()
                + ": no column named '"
                + target
                + "' (columns: "
                + String.join(", ", header)
                + ")");
      }
      List<String> names =
          features != null ? features : header.stream().filter(h -> !h.equals(target)).toList();
      for (String name : names) {
        if (!header.contains(name)) {
          throw new IllegalArgumentException(
              file.getFileName() + ": missing feature column '" + name + "'");
        }
      }
      List<double[]> rows = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      for (CSVRecord record : parser) {
        double[] row = new double[names.size()];
        for (int j = 0; j < row.length; j++) {
          row[j] = parseCell(file, record, names.get(j));
        }
        rows.add(row);
        if (target != null) {
          String label = record.get(target);
          if (label.isEmpty()) {
            throw new IllegalArgumentException(
                file.getFileName()
                    + " line "
                    + (record.getRecordNumber() + 1)
                    + ": empty label in column '"
                    + target
                    + "'");
          }
          labels.add(label);
        }
      }
      if (rows.isEmpty()) {
        throw new IllegalArgumentException(file.getFileName() + " has no data rows");
      }
      return new LabeledTable(names, target, rows.toArray(double[][]::new), labels);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(
          file.getFileName() + " is not well-formed CSV: " + e.getMessage(), e);
    }
  }

  private static double parseCell(Path file, CSVRecord record, String column) {
    String cell = record.isSet(column) ? record.get(column) : "";
    try {
      double value = Double.parseDouble(cell);
      if (Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below with the position
    }
    throw new IllegalArgumentException(
        file.getFileName()
            + " line "
            + (record.getRecordNumber() + 1)
            + ", column '"
            + column
            + "': '"
            + cell
            + "' is not a finite number");
  }

  /**
   * The distinct labels in a stable order: numerically when all labels are integers (so class 10
   * follows 9), otherwise alphabetically.
   */
  public List<String> distinctLabels() {
    SequencedSet<String> distinct = new LinkedHashSet<>(labelValues);
    boolean integers = distinct.stream().allMatch(s -> s.matches("-?\\d{1,18}"));
    return distinct.stream()
        .sorted(
            integers
                ? (a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b))
                : String::compareTo)
        .toList();
  }

  /** The label of every row as an index into {@code labels}; unknown labels are an error. */
  public int[] encode(List<String> labels) {
    Map<String, Integer> index =
        labels.stream().collect(Collectors.toMap(Function.identity(), labels::indexOf));
    int[] y = new int[labelValues.size()];
    for (int i = 0; i < y.length; i++) {
      Integer k = index.get(labelValues.get(i));
      if (k == null) {
        throw new IllegalArgumentException(
            "label '"
                + labelValues.get(i)
                + "' (row "
                + (i + 1)
                + ") does not occur in the training data");
      }
      y[i] = k;
    }
    return y;
  }

  /**
   * The target column as numbers, for a regression; a non-numeric value is an error naming its row.
   */
  public double[] numericTargets() {
    double[] y = new double[labelValues.size()];
    for (int i = 0; i < y.length; i++) {
      String value = labelValues.get(i);
      try {
        y[i] = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        y[i] = Double.NaN;
      }
      if (!Double.isFinite(y[i])) {
        throw new IllegalArgumentException(
            "target column '"
                + target
                + "', row "
                + (i + 1)
                + ": '"
                + value
                + "' is not a finite number (a regression needs numeric targets)");
      }
    }
    return y;
  }

  public LabeledTable subset(int[] indices) {
    double[][] picked = new double[indices.length][];
    List<String> pickedLabels = new ArrayList<>(indices.length);
    for (int i = 0; i < indices.length; i++) {
      picked[i] = rows[indices[i]];
      if (!labelValues.isEmpty()) {
        pickedLabels.add(labelValues.get(indices[i]));
      }
    }
    return new LabeledTable(featureNames, target, picked, pickedLabels);
  }

  public double[] column(int j) {
    double[] values = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      values[i] = rows[i][j];
    }
    return values;
  }
}
