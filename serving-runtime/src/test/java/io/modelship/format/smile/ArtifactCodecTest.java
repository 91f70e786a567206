package io.modelship.format.smile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelship.runtime.TestModels;
import io.modelship.runtime.format.ModelPackageException;
import io.modelship.runtime.training.LabeledTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deserialisation filter fits a real forest and refuses streams that ask for more than their
 * size.
 */
class ArtifactCodecTest {

  @TempDir Path tmp;

  @Test
  void aHundredTreeForestFitsTheFilterWithTheFiguresMeasured() throws Exception {
    LabeledTable data =
        LabeledTable.read(TestModels.locate("examples/data/synthetic-20.csv"), "label", null);
    Trainer.Result forest =
        new Trainer()
            .train(
                new Trainer.Request(
                    data, null, "synthetic", "1", Algorithm.RANDOM_FOREST, 100, 10, 42));
    Path file = tmp.resolve("model.bin");
    ArtifactCodec.write(forest.model(), file);

    AtomicLong depth = new AtomicLong();
    AtomicLong refs = new AtomicLong();
    AtomicLong array = new AtomicLong();
    try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(file))) {
      in.setObjectInputFilter(
          info -> {
            depth.accumulateAndGet(info.depth(), Math::max);
            refs.accumulateAndGet(info.references(), Math::max);
            array.accumulateAndGet(info.arrayLength(), Math::max);
            return ObjectInputFilter.Status.UNDECIDED;
          });
      in.readObject();
    }
    long bytes = Files.size(file);
    System.out.printf(
        "100-tree depth-10 forest on 20 features: %d bytes, depth %d, references %d, longest array %d%n",
        bytes, depth.get(), refs.get(), array.get());
    assertThat(depth.get())
        .isEqualTo(ArtifactCodec.MEASURED_FOREST_DEPTH)
        .isLessThan(ArtifactCodec.MAX_DEPTH);
    assertThat(refs.get()).isLessThan(bytes);
    assertThat(array.get()).isLessThan(bytes);
    assertThat(ArtifactCodec.read(file)).isNotNull();
  }

  @Test
  void everyAlgorithmTrainCanFitLoadsThroughTheFilter() throws Exception {
    java.util.Set<String> jdkClasses = new java.util.TreeSet<>();
    for (Algorithm algorithm : Algorithm.values()) {
      Path file = tmp.resolve(algorithm.cliName() + ".bin");
      ArtifactCodec.write(TestModels.train(algorithm, 20).model(), file);
      assertThat(ArtifactCodec.read(file)).as(algorithm.cliName()).isNotNull();
      jdkClasses.addAll(classesIn(file));
    }
    LabeledTable data =
        LabeledTable.read(
            TestModels.locate("examples/data/iris.csv"),
            "petal_width",
            List.of("sepal_length", "sepal_width", "petal_length"));
    Path regression = tmp.resolve("regression.bin");
    ArtifactCodec.write(
        new Trainer()
            .train(
                new Trainer.Request(
                    data,
                    null,
                    "iris-width",
                    "1",
                    Algorithm.RANDOM_FOREST,
                    20,
                    8,
                    42,
                    io.modelship.runtime.format.Task.REGRESSION))
            .model(),
        regression);
    assertThat(ArtifactCodec.read(regression)).isNotNull();
    jdkClasses.addAll(classesIn(regression));
    System.out.println("JDK classes in Smile artifacts of every algorithm: " + jdkClasses);
  }

  /**
   * The classic hash-collection bomb: sets nested {@code depth} deep, each level's two sets sharing
   * the next level's, so a few hundred bytes take 2^depth hash steps to read.
   */
  static java.util.Set<Object> nestedSets(int depth) {
    java.util.Set<Object> root = new java.util.HashSet<>();
    java.util.Set<Object> s1 = root;
    java.util.Set<Object> s2 = new java.util.HashSet<>();
    for (int i = 0; i < depth; i++) {
      java.util.Set<Object> t1 = new java.util.HashSet<>();
      java.util.Set<Object> t2 = new java.util.HashSet<>();
      t1.add("x" + i); // t1 and t2 differ so neither collapses into the other
      s1.add(t1);
      s1.add(t2);
      s2.add(t1);
      s2.add(t2);
      s1 = t1;
      s2 = t2;
    }
    return root;
  }

  /** The same shape from what real models do hold: lists sharing their elements, as a map's key. */
  static java.util.Map<Object, Object> nestedListsAsAKey(int depth) {
    List<Object> level = new java.util.ArrayList<>(List.of("leaf"));
    for (int i = 0; i < depth; i++) {
      level = new java.util.ArrayList<>(List.of(level, level));
    }
    // the key goes in empty (hashing it full here would take as long), and is filled afterwards
    List<Object> key = new java.util.ArrayList<>();
    java.util.Map<Object, Object> map = new java.util.HashMap<>();
    map.put(key, "x");
    key.addAll(level);
    return map;
  }

  @Test
  void aNestedHashSetPackageIsRefusedInMillisecondsBeforeItsSetsAreHashed() throws Exception {
    for (java.io.Serializable bomb :
        List.<java.io.Serializable>of(
            (java.io.Serializable) nestedSets(100),
            (java.io.Serializable) nestedListsAsAKey(100))) {
      Path dir = tmp.resolve("bomb-" + bomb.getClass().getSimpleName());
      // a real package whose artifact is the bomb, with its sha256 in the manifest: it gets to
      // deserialisation
      SmileFormat.writePackage(new Trainer.Result(bomb, TestModels.irisManifest()), dir);
      assertThat(Files.size(dir.resolve("model.bin"))).as("a small file").isLessThan(8 * 1024);
      long start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  io.modelship.runtime.model.ModelPackage.load(
                      dir.toString(),
                      null,
                      io.modelship.runtime.model.ModelPackage.LoadOptions.of(
                          tmp, tmp.resolve("work"), 1 << 20)))
          .isInstanceOf(ModelPackageException.class)
          .hasMessageContaining("refused by the deserialisation filter");
      long millis = (System.nanoTime() - start) / 1_000_000;
      System.out.println(
          bomb.getClass().getSimpleName()
              + " bomb of "
              + Files.size(dir.resolve("model.bin"))
              + " bytes refused in "
              + millis
              + " ms");
      assertThat(millis).isLessThan(2000);
    }
  }

  private static java.util.Set<String> classesIn(Path file) throws Exception {
    java.util.Set<String> seen = new java.util.TreeSet<>();
    try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(file))) {
      in.setObjectInputFilter(
          info -> {
            if (info.serialClass() != null && info.serialClass().getName().startsWith("java.")) {
              seen.add(info.serialClass().getName());
            }
            return ObjectInputFilter.Status.UNDECIDED;
          });
      in.readObject();
    }
    return seen;
  }

  @Test
  void aStreamDeclaringAnArrayLargerThanItselfIsRefused() throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(buffer)) {
      out.writeObject(new long[4]);
    }
    byte[] stream = buffer.toByteArray();
    // the array's length is the int just before its 4 x 8 bytes of data: claim 2^31-1 elements (16
    // GiB)
    ByteBuffer.wrap(stream).putInt(stream.length - 32 - 4, Integer.MAX_VALUE);
    Path file = tmp.resolve("crafted.bin");
    Files.write(file, stream);
    assertThatThrownBy(() -> ArtifactCodec.read(file))
        .isInstanceOf(ModelPackageException.class)
        .hasMessageContaining("refused by the deserialisation filter");
  }
}
