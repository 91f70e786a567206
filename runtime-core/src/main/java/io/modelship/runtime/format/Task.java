package io.modelship.runtime.format;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What a model predicts: a class from a fixed set of labels, or a number. */
public enum Task {
  CLASSIFICATION("classification"),
  REGRESSION("regression");

  private final String cliName;

  Task(String cliName) {
    this.cliName = cliName;
  }

  /** The name in {@code model.json} and on the command line. */
  @JsonValue
  public String cliName() {
    return cliName;
  }

  /**
   * Parses a manifest or command-line value; null means classification (packages older than
   * regression).
   */
  @JsonCreator
  public static Task of(String name) {
    if (name == null) {
      return CLASSIFICATION;
    }
    for (Task task : values()) {
      if (task.cliName.equals(name)) {
        return task;
      }
    }
    throw new ModelPackageException(
        "unsupported task '"
            + name
            + "' (supported: "
            + Arrays.stream(values()).map(Task::cliName).collect(Collectors.joining(", "))
            + ")");
  }

  @Override
  public String toString() {
    return cliName;
  }
}
