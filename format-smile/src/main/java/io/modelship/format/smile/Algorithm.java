package io.modelship.format.smile;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The classifiers {@code train} can fit, by the names users type. */
public enum Algorithm {
  RANDOM_FOREST("random-forest"),
  GRADIENT_BOOSTING("gradient-boosting"),
  LOGISTIC_REGRESSION("logistic-regression"),
  DECISION_TREE("decision-tree");

  private final String cliName;

  Algorithm(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public static Algorithm parse(String name) {
    return Arrays.stream(values())
        .filter(a -> a.cliName.equalsIgnoreCase(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown algorithm '"
                        + name
                        + "' (choose one of "
                        + Arrays.stream(values())
                            .map(Algorithm::cliName)
                            .collect(Collectors.joining(", "))
                        + ")"));
  }

  @Override
  public String toString() {
    return cliName;
  }
}
