package io.modelship.runtime.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelship.format.smile.ArtifactCodec;
import io.modelship.runtime.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Package refusals that depend on the formats installed in the bundle: Smile's deserialisation
 * filter, its feature-count check, and the list of formats an unknown one is refused with. The
 * format-neutral package rules are runtime-core's ModelPackageTest.
 */
class FormatPackageTest {

  @TempDir Path tmp;

  private ModelPackage load(Path path, String sha) {
    return ModelPackage.load(
        path.toString(),
        sha,
        ModelPackage.LoadOptions.of(tmp.resolve("pvc"), tmp.resolve("work"), 100_000_000));
  }

  @Test
  void refusesClassesOutsideTheAllowListEvenWithAMatchingChecksum() throws IOException {
    Path copy = TestModels.irisCopy(tmp);
    ArtifactCodec.write(new Date(), copy.resolve("model.bin"));
    rewriteSha(copy);
    assertThatThrownBy(() -> load(copy, null))
        .hasMessageContaining("refused by the deserialisation filter");
  }

  @Test
  void refusesMissingOrInvalidManifests() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThatThrownBy(() -> load(empty, null)).hasMessageContaining("no model.json");

    Path broken = TestModels.irisCopy(tmp);
    Files.writeString(broken.resolve("model.json"), "{\"name\": \"iris\", ");
    assertThatThrownBy(() -> load(broken, null)).hasMessageContaining("model.json is not valid");

    Path unknownFormat = TestModels.irisCopy(Files.createDirectories(tmp.resolve("f")));
    editManifest(unknownFormat, m -> m.put("format", "tensorflow"));
    assertThatThrownBy(() -> load(unknownFormat, null))
        .hasMessageContaining("unknown format 'tensorflow' (this runtime loads onnx, smile)");
    Path smileCalledOnnx = TestModels.irisCopy(tmp.resolve("onnx"));
    editManifest(smileCalledOnnx, m -> m.put("format", "onnx"));
    assertThatThrownBy(() -> load(smileCalledOnnx, null))
        .hasMessageContaining("ONNX Runtime cannot load model.bin");

    Path noVersion = TestModels.irisCopy(Files.createDirectories(tmp.resolve("v")));
    editManifest(noVersion, m -> m.remove("version"));
    assertThatThrownBy(() -> load(noVersion, null)).hasMessageContaining("'version' is missing");
  }

  @Test
  void refusesAManifestWhoseFeatureCountDisagreesWithTheModel() throws IOException {
    Path copy = TestModels.irisCopy(tmp);
    editManifest(copy, m -> ((ArrayNode) m.get("features")).remove(3));
    assertThatThrownBy(() -> load(copy, null))
        .hasMessageContaining("model was trained on 4 features but model.json lists 3");
  }

  private static void editManifest(Path dir, java.util.function.Consumer<ObjectNode> edit)
      throws IOException {
    ObjectNode manifest =
        (ObjectNode) ModelPackage.json().readTree(dir.resolve("model.json").toFile());
    edit.accept(manifest);
    ModelPackage.json().writeValue(dir.resolve("model.json").toFile(), manifest);
  }

  private static void rewriteSha(Path dir) throws IOException {
    String sha = Checksums.sha256(dir.resolve("model.bin"));
    editManifest(dir, m -> ((ObjectNode) m.get("artifact")).put("sha256", sha));
  }
}
