package io.modelship.runtime.cli;

import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.training.LabeledTable;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code score}: offline batch scoring of a CSV with a model package. */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description =
        "Score a CSV offline: writes the features plus prediction and one probability column per label.")
public final class ScoreCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "Package URI.")
  String model;

  @Option(
      names = "--input",
      required = true,
      description = "CSV with a header naming the model's features.")
  Path input;

  @Option(names = "--output", required = true, description = "CSV to write.")
  Path output;

  @Override
  public Integer call() throws IOException {
    ModelPackage pkg = ModelPackage.load(model, null, LocalPackages.options());
    List<String> features = pkg.featureNames();
    String target = pkg.manifest().target();
    LabeledTable table =
        LabeledTable.read(input, hasColumn(input, target) ? target : null, features);
    List<String> labels = pkg.manifest().labels();
    double[] probabilities = new double[labels.size()];
    int correct = 0;
    if (output.getParent() != null) {
      Files.createDirectories(output.getParent());
    }
    try (BufferedWriter writer = Files.newBufferedWriter(output);
        CSVPrinter csv = new CSVPrinter(writer, CSVFormat.DEFAULT)) {
      List<String> header = new ArrayList<>(features);
      header.add("prediction");
      labels.forEach(label -> header.add("probability_" + label));
      csv.printRecord(header);
      for (int i = 0; i < table.size(); i++) {
        double[] row = table.rows()[i];
        int k = pkg.model().predict(new double[][] {row}).classIndex()[0];
        List<Object> record = new ArrayList<>(header.size());
        for (double v : row) {
          record.add(v);
        }
        record.add(labels.get(k));
        for (double p : probabilities) {
          record.add(String.format(Locale.ROOT, "%.6f", p));
        }
        csv.printRecord(record);
        if (!table.labelValues().isEmpty() && table.labelValues().get(i).equals(labels.get(k))) {
          correct++;
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "scored %d rows with %s %s into %s%n",
        table.size(),
        pkg.manifest().name(),
        pkg.manifest().version(),
        output);
    if (!table.labelValues().isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "accuracy against column '%s': %.4f%n",
          target,
          (double) correct / table.size());
    }
    return 0;
  }

  private static boolean hasColumn(Path csv, String column) throws IOException {
    if (column == null || !Files.isRegularFile(csv)) {
      return false;
    }
    try (CSVParser parser =
        CSVParser.parse(
            Files.newBufferedReader(csv),
            CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get())) {
      return parser.getHeaderNames().contains(column);
    }
  }
}
