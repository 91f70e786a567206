package io.modelship.local.pods;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A container's termination message as a kubelet reads it. */
class TerminationMessageTest {

  @TempDir Path dir;

  TerminationMessage prepare(String policy) throws Exception {
    return TerminationMessage.prepare(
        new ContainerBuilder().withName("job").withTerminationMessagePolicy(policy).build(),
        dir,
        dir.resolve("job.log"));
  }

  @Test
  void theFileIsCreatedEmptyAndWritableByAnyUser() throws Exception {
    TerminationMessage message = prepare(null);
    assertThat(message.file()).isEmptyFile();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(message.file())))
        .isEqualTo("rw-rw-rw-");
    assertThat(message.read(0)).isNull();
  }

  @Test
  void whatTheContainerWroteIsTheMessageItsLast4096BytesAtMost() throws Exception {
    TerminationMessage message = prepare(null);
    Files.writeString(message.file(), "x".repeat(5000) + "{\"outcome\":\"Succeeded\"}");
    String read = message.read(0);
    assertThat(read).hasSize(4096).endsWith("{\"outcome\":\"Succeeded\"}");
  }

  @Test
  void fallbackToLogsOnErrorGivesTheLogsTailOnlyWhenTheContainerFailedAndWroteNothing()
      throws Exception {
    String log =
        IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));
    Files.writeString(dir.resolve("job.log"), log + "\n");
    TerminationMessage fallback = prepare("FallbackToLogsOnError");
    assertThat(fallback.read(0)).as("a success keeps its empty message").isNull();
    String tail = fallback.read(1);
    assertThat(tail.lines()).hasSize(80).startsWith("line 21").endsWith("line 100");
    assertThat(prepare("File").read(1)).as("policy File: no fallback").isNull();
  }

  @Test
  void theDefaultPathIsKubernetesOwn() {
    assertThat(TerminationMessage.path(new ContainerBuilder().withName("c").build()))
        .isEqualTo("/dev/termination-log");
    assertThat(
            TerminationMessage.path(
                new ContainerBuilder().withName("c").withTerminationMessagePath("/tmp/r").build()))
        .isEqualTo("/tmp/r");
  }
}
