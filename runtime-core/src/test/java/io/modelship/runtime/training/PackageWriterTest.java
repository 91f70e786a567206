package io.modelship.runtime.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelship.runtime.TestModels;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.model.ModelPackage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `train` and `package` writing an archive leave the archive and nothing else behind. */
class PackageWriterTest {

  @TempDir Path tmp;

  @Test
  void anArchiveIsAllThatIsLeftAndItLoads() throws IOException {
    ModelManifest manifest = TestModels.irisManifest();
    Path artifact = TestModels.irisDirectory().resolve(manifest.artifact().file());
    for (String name : new String[] {"iris.tar.gz", "iris.zip"}) {
      Path out = tmp.resolve("out-" + name).resolve(name);
      new PackageWriter()
          .write(manifest, manifest.artifact().file(), file -> Files.copy(artifact, file), out);
      assertThat(list(out.getParent())).containsExactly(name);
      ModelPackage loaded =
          ModelPackage.load(
              out.toString(),
              null,
              ModelPackage.LoadOptions.of(tmp, tmp.resolve("work-" + name), 100_000_000));
      assertThat(loaded.manifest().artifact().sha256()).isEqualTo(manifest.artifact().sha256());
    }
  }

  @Test
  void aFailedWriteLeavesNothing() throws IOException {
    ModelManifest manifest = TestModels.irisManifest();
    Path out = tmp.resolve("out").resolve("iris.tar.gz");
    assertThatThrownBy(
            () ->
                new PackageWriter()
                    .write(
                        manifest,
                        manifest.artifact().file(),
                        file -> {
                          throw new IOException("disk full");
                        },
                        out))
        .hasMessageContaining("cannot write the model package to " + out)
        .hasRootCauseMessage("disk full");
    assertThat(list(out.getParent())).isEmpty();
  }

  private static java.util.List<String> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }
}
