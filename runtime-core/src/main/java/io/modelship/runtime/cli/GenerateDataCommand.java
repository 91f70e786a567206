package io.modelship.runtime.cli;

import io.modelship.runtime.training.SyntheticClassification;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code generate-data}: writes the reproducible synthetic data set used by examples and
 * benchmarks.
 */
@Command(
    name = "generate-data",
    mixinStandardHelpOptions = true,
    description =
        "Write a reproducible synthetic binary classification CSV (label column 'label').")
public final class GenerateDataCommand implements Callable<Integer> {

  @Option(names = "--rows", defaultValue = "5000", description = "Rows (default 5000).")
  int rows;

  @Option(
      names = "--features",
      defaultValue = "20",
      description = "Feature columns f0… (default 20).")
  int features;

  @Option(names = "--seed", defaultValue = "7", description = "Random seed (default 7).")
  long seed;

  @Option(names = "--out", required = true, description = "CSV to write.")
  Path out;

  @Override
  public Integer call() throws Exception {
    SyntheticClassification.write(out, rows, features, seed);
    System.out.println("wrote " + rows + " rows x " + features + " features to " + out);
    return 0;
  }
}
