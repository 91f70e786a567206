package io.modelship.runtime.format;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The model formats on the class path, found once with {@link ServiceLoader}. */
public final class ModelFormats {

  private static final List<ModelFormat> INSTALLED =
      ServiceLoader.load(ModelFormat.class).stream()
          .map(ServiceLoader.Provider::get)
          .sorted((a, b) -> a.name().compareTo(b.name()))
          .toList();

  private ModelFormats() {}

  public static List<ModelFormat> installed() {
    return INSTALLED;
  }

  public static List<String> names() {
    return INSTALLED.stream().map(ModelFormat::name).toList();
  }

  /** The format called {@code name}, or a refusal naming the formats this build can load. */
  public static ModelFormat named(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new ModelPackageException(
                    "model.json: unknown format '"
                        + name
                        + "' (this runtime loads "
                        + (INSTALLED.isEmpty() ? "no formats" : String.join(", ", names()))
                        + ")"));
  }

  public static Optional<ModelFormat> find(String name) {
    return INSTALLED.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /**
   * The format whose packages hold an artifact called like {@code file} (by its extension), if any.
   */
  public static Optional<ModelFormat> forArtifact(String file) {
    String ext = file.substring(file.lastIndexOf('.') + 1);
    return INSTALLED.stream().filter(f -> f.artifactFile().endsWith("." + ext)).findFirst();
  }
}
