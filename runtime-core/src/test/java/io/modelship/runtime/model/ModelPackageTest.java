package io.modelship.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelship.runtime.TestModels;
import io.modelship.runtime.format.CentroidFormat;
import io.modelship.runtime.format.ModelPackageException;
import io.modelship.runtime.training.PackageWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPackageTest {

  @TempDir Path tmp;

  private ModelPackage load(Path path, String sha) {
    return ModelPackage.load(
        path.toString(),
        sha,
        ModelPackage.LoadOptions.of(tmp.resolve("pvc"), tmp.resolve("work"), 100_000_000));
  }

  @Test
  void loadsFolderTarGzAndZipAndPredictsTheSame() throws IOException {
    Path dir = TestModels.irisDirectory();
    Path tgz = tmp.resolve("iris.tar.gz");
    Path zip = tmp.resolve("iris.zip");
    PackageWriter.archive(dir, tgz);
    PackageWriter.archive(dir, zip);
    double[] setosa = {5.1, 3.5, 1.4, 0.2};
    for (Path p : new Path[] {dir, tgz, zip}) {
      ModelPackage pkg = load(p, null);
      assertThat(pkg.manifest().name()).isEqualTo("iris");
      assertThat(pkg.manifest().labels().get(TestModels.classify(pkg, setosa, new double[3])))
          .isEqualTo("setosa");
    }
    ModelPackage viaUri =
        ModelPackage.load(
            tgz.toUri().toString(),
            Checksums.sha256(tgz),
            ModelPackage.LoadOptions.of(tmp, tmp.resolve("w2"), 100_000_000));
    assertThat(viaUri.packageSha256()).isEqualTo(Checksums.sha256(tgz));
  }

  @Test
  void resolvesPvcUrisUnderTheClaimMount() throws IOException {
    Path claim = Files.createDirectories(tmp.resolve("pvc/models-claim/iris"));
    for (Path f : Files.list(TestModels.irisDirectory()).toList()) {
      Files.copy(f, claim.resolve(f.getFileName()));
    }
    ModelPackage pkg =
        ModelPackage.load(
            "pvc://models-claim/iris",
            null,
            ModelPackage.LoadOptions.of(tmp.resolve("pvc"), tmp.resolve("work"), 1_000_000));
    assertThat(pkg.manifest().version()).isEqualTo("1.0.0");
    assertThatThrownBy(
            () ->
                ModelPackage.load(
                    "pvc://models-claim/../../etc",
                    null,
                    ModelPackage.LoadOptions.of(
                        tmp.resolve("pvc"), tmp.resolve("work"), 1_000_000)))
        .hasMessageContaining("escapes its claim");
  }

  @Test
  void refusesATamperedArtifact() throws IOException {
    Path copy = TestModels.irisCopy(tmp);
    byte[] bytes = Files.readAllBytes(copy.resolve(CentroidFormat.ARTIFACT_FILE));
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(copy.resolve(CentroidFormat.ARTIFACT_FILE), bytes);
    assertThatThrownBy(() -> load(copy, null))
        .isInstanceOf(ModelPackageException.class)
        .hasMessageContaining("checksum mismatch")
        .hasMessageContaining("tampered");
  }

  @Test
  void refusesAPackageWhoseExpectedSha256DoesNotMatch() throws IOException {
    Path tgz = tmp.resolve("iris.tar.gz");
    PackageWriter.archive(TestModels.irisDirectory(), tgz);
    assertThatThrownBy(() -> load(tgz, "0".repeat(64)))
        .hasMessageContaining("checksum mismatch for package");
  }

  @Test
  void refusesZipSlipEntries() throws IOException {
    Path zip = tmp.resolve("evil.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("../../escaped.txt"));
      out.write("pwned".getBytes());
      out.closeEntry();
    }
    assertThatThrownBy(() -> load(zip, null)).hasMessageContaining("escapes the package folder");
    Path tgz = tmp.resolve("evil.tar.gz");
    try (TarArchiveOutputStream out =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(Files.newOutputStream(tgz)))) {
      TarArchiveEntry entry = new TarArchiveEntry("iris/../../escaped.txt");
      entry.setSize(1);
      out.putArchiveEntry(entry);
      out.write('x');
      out.closeArchiveEntry();
    }
    assertThatThrownBy(() -> load(tgz, null)).hasMessageContaining("escapes the package folder");
    assertThat(tmp.resolve("escaped.txt")).doesNotExist();
  }

  @Test
  void refusesATruncatedArchive() throws IOException {
    Path tgz = tmp.resolve("iris.tar.gz");
    PackageWriter.archive(TestModels.irisDirectory(), tgz);
    byte[] bytes = Files.readAllBytes(tgz);
    Path cut = tmp.resolve("cut.tar.gz");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> load(cut, null))
        .isInstanceOf(ModelPackageException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void refusesUnsupportedSchemesAndMissingFiles() {
    assertThatThrownBy(
            () ->
                ModelPackage.load(
                    "ftp://bucket/iris.tar.gz", null, ModelPackage.LoadOptions.of(tmp, tmp, 1000)))
        .hasMessageContaining("unsupported model URI scheme 'ftp'");
    assertThatThrownBy(() -> load(tmp.resolve("absent.tar.gz"), null))
        .hasMessageContaining("not found");
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
