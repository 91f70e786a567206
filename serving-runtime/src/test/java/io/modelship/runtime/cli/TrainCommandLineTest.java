package io.modelship.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.runtime.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The model tooling as a user runs it: train, inspect, score, with clear errors on bad input.
 * {@code train} is contributed by the Smile format; inspect's timeout and generate-data are
 * runtime-core's CommandLineTest.
 */
class TrainCommandLineTest {

  @TempDir Path tmp;

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    try {
      System.setOut(new PrintStream(out, true));
      CommandLine cli = Main.commandLine();
      cli.setErr(new PrintWriter(err, true));
      int exit = cli.execute(args);
      return new Run(exit, out.toString(), err.toString());
    } finally {
      System.setOut(original);
    }
  }

  @Test
  void trainInspectAndScoreTheIrisModel() throws Exception {
    Path pkg = tmp.resolve("iris-1.0.0.tar.gz");
    Run train =
        run(
            "train",
            "--data",
            TestModels.IRIS_CSV.toString(),
            "--target",
            "species",
            "--name",
            "iris",
            "--version",
            "1.0.0",
            "--out",
            pkg.toString(),
            "--trees",
            "20",
            "--algorithm",
            "random-forest");
    assertThat(train.exit()).as(train.err()).isZero();
    assertThat(train.out()).contains("holdout accuracy: 0.9").contains("3 classes");

    Run inspect = run("inspect", pkg.toString());
    assertThat(inspect.exit()).as(inspect.err()).isZero();
    assertThat(inspect.out())
        .contains("name:        iris")
        .contains("version:     1.0.0")
        .contains("labels:      setosa, versicolor, virginica")
        .contains("(verified)")
        .contains("petal_length");

    Path scored = tmp.resolve("scored.csv");
    Run score =
        run(
            "score",
            "--model",
            pkg.toString(),
            "--input",
            TestModels.IRIS_CSV.toString(),
            "--output",
            scored.toString());
    assertThat(score.exit()).as(score.err()).isZero();
    assertThat(score.out())
        .contains("scored 150 rows")
        .contains("accuracy against column 'species': 0.9");
    List<String> lines = Files.readAllLines(scored);
    assertThat(lines).hasSize(151);
    assertThat(lines.getFirst())
        .isEqualTo(
            "sepal_length,sepal_width,petal_length,petal_width,prediction,"
                + "probability_setosa,probability_versicolor,probability_virginica");
    assertThat(lines.get(1)).contains(",setosa,");
  }

  @Test
  void errorsAreOneLineWithoutAStackTrace() {
    Run missing =
        run(
            "train",
            "--data",
            tmp.resolve("none.csv").toString(),
            "--target",
            "y",
            "--name",
            "m",
            "--version",
            "1",
            "--out",
            tmp.resolve("o").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).startsWith("error: data file not found").doesNotContain("Exception");

    Run badPackage = run("inspect", tmp.toString());
    assertThat(badPackage.exit()).isEqualTo(2);
    assertThat(badPackage.err()).contains("no model.json");

    Run emptyToken =
        run(
            "serve",
            "--model",
            tmp.toString(),
            "--auth-token-file",
            write("token", "\n").toString());
    assertThat(emptyToken.exit()).isEqualTo(2);
    assertThat(emptyToken.err()).contains("--auth-token-file", "is empty");

    Run unknownFlag = run("serve", "--modle", "x");
    assertThat(unknownFlag.exit()).isEqualTo(2);
    assertThat(unknownFlag.err()).contains("Unknown option").contains("'--modle'");
  }

  private Path write(String name, String text) {
    try {
      return Files.writeString(tmp.resolve(name), text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
