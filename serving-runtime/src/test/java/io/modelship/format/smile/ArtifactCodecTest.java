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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deserialisation filter fits a real forest and refuses streams that ask for more than their size. */
class ArtifactCodecTest {

    @TempDir
    Path tmp;

    @Test
    void aHundredTreeForestFitsTheFilterWithTheFiguresMeasured() throws Exception {
        LabeledTable data = LabeledTable.read(TestModels.locate("examples/data/synthetic-20.csv"), "label", null);
        Trainer.Result forest = new Trainer().train(new Trainer.Request(data, null, "synthetic", "1",
                Algorithm.RANDOM_FOREST, 100, 10, 42));
        Path file = tmp.resolve("model.bin");
        ArtifactCodec.write(forest.model(), file);

        AtomicLong depth = new AtomicLong();
        AtomicLong refs = new AtomicLong();
        AtomicLong array = new AtomicLong();
        try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(file))) {
            in.setObjectInputFilter(info -> {
                depth.accumulateAndGet(info.depth(), Math::max);
                refs.accumulateAndGet(info.references(), Math::max);
                array.accumulateAndGet(info.arrayLength(), Math::max);
                return ObjectInputFilter.Status.UNDECIDED;
            });
            in.readObject();
        }
        long bytes = Files.size(file);
        System.out.printf("100-tree depth-10 forest on 20 features: %d bytes, depth %d, references %d, longest array %d%n",
                bytes, depth.get(), refs.get(), array.get());
        assertThat(depth.get()).isEqualTo(ArtifactCodec.MEASURED_FOREST_DEPTH).isLessThan(ArtifactCodec.MAX_DEPTH);
        assertThat(refs.get()).isLessThan(bytes);
        assertThat(array.get()).isLessThan(bytes);
        assertThat(ArtifactCodec.read(file)).isNotNull();
    }

    @Test
    void aStreamDeclaringAnArrayLargerThanItselfIsRefused() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(buffer)) {
            out.writeObject(new long[4]);
        }
        byte[] stream = buffer.toByteArray();
        // the array's length is the int just before its 4 x 8 bytes of data: claim 2^31-1 elements (16 GiB)
        ByteBuffer.wrap(stream).putInt(stream.length - 32 - 4, Integer.MAX_VALUE);
        Path file = tmp.resolve("crafted.bin");
        Files.write(file, stream);
        assertThatThrownBy(() -> ArtifactCodec.read(file)).isInstanceOf(ModelPackageException.class)
                .hasMessageContaining("refused by the deserialisation filter");
    }
}
