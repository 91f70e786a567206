package io.modelship.local.pods;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {

  @TempDir Path first;
  @TempDir Path second;

  @Test
  void artifactStoreUrisMapToLocalPackagesFirstDirectoryFirst() throws Exception {
    Files.writeString(first.resolve("iris-2.1.0.tar.gz"), "x");
    Files.writeString(second.resolve("iris-2.1.0.tar.gz"), "y");
    Files.writeString(second.resolve("iris-1.0.0.tar.gz"), "z");
    ModelStore store = new ModelStore(List.of(first, second));
    assertThat(store.resolve("https://models.example.com/iris/2.1.0.tar.gz"))
        .isEqualTo(first.resolve("iris-2.1.0.tar.gz").toUri().toString());
    assertThat(store.resolve("https://models.example.com/packages/iris-1.0.0.tar.gz"))
        .isEqualTo(second.resolve("iris-1.0.0.tar.gz").toUri().toString());
  }

  @Test
  void unknownAndLocalUrisStayAsTheyAre() {
    ModelStore store = new ModelStore(List.of(first));
    assertThat(store.resolve("https://models.example.com/iris/9.9.9.tar.gz"))
        .isEqualTo("https://models.example.com/iris/9.9.9.tar.gz");
    assertThat(store.resolve("file:///models/iris")).isEqualTo("file:///models/iris");
    assertThat(store.resolve("pvc://claim/iris.tar.gz")).isEqualTo("pvc://claim/iris.tar.gz");
  }

  @Test
  void s3UrisGoToTheEmbeddedStoreWhoseNameMapsToItsPort() throws Exception {
    Files.writeString(first.resolve("iris-1.0.0.tar.gz"), "x");
    ModelStore store =
        new ModelStore(List.of(first), java.net.URI.create("http://127.0.0.1:41234"));
    assertThat(store.resolve("s3://models/iris/1.0.0.tar.gz"))
        .isEqualTo("s3://models/iris/1.0.0.tar.gz");
    assertThat(store.resolveS3Endpoint(LocalS3.ENDPOINT)).isEqualTo("http://127.0.0.1:41234");
    assertThat(store.resolveS3Endpoint("https://minio.example.com"))
        .isEqualTo("https://minio.example.com");
  }
}
