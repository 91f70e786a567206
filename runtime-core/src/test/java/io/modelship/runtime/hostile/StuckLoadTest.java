package io.modelship.runtime.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model load that outlives MODEL_LOAD_TIMEOUT and ignores its interrupt ends the process instead
 * of running on.
 */
class StuckLoadTest {

  @TempDir Path tmp;

  @Test
  void aLoadThatCannotBeStoppedExitsTheProcessWithStatus70() throws Exception {
    // Opening a named pipe with no writer blocks in the kernel, deaf to interrupts, like a
    // deserialisation that runs for ever.
    Path pipe = tmp.resolve("iris.tar.gz");
    assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
    try (ServeProcess serve =
        ServeProcess.listening(
            tmp, Map.of("MODEL_URI", pipe.toString(), "MODEL_LOAD_TIMEOUT", "1s"))) {
      assertThat(serve.process.waitFor(40, TimeUnit.SECONDS)).as("the process ends").isTrue();
      assertThat(serve.process.exitValue()).isEqualTo(70);
      assertThat(Files.readString(serve.log))
          .contains(
              "loading took longer than MODEL_LOAD_TIMEOUT (1 s)",
              "the model load is still running 10 s after MODEL_LOAD_TIMEOUT and cannot be stopped; exiting");
    }
  }
}
