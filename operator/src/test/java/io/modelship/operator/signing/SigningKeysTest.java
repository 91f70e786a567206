package io.modelship.operator.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.operator.harness.Manifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {

  static final byte[] MASTER =
      "a-master-key-of-forty-bytes-0123456789ab".getBytes(StandardCharsets.US_ASCII);

  static ModelDeployment md(String namespace, String name, String uid) {
    var md = Manifests.iris(namespace, name, "1.0.0");
    md.getMetadata().setUid(uid);
    return md;
  }

  @Test
  void keysAreRecomputedFromTheMasterKeyAndTheResourcesIdentity() {
    var keys = new SigningKeys(MASTER);
    var again = new SigningKeys(MASTER.clone());
    assertThat(again.reportKey(md("ml", "iris", "u-1")))
        .as("same resource, same key after a restart")
        .isEqualTo(keys.reportKey(md("ml", "iris", "u-1")));
    assertThat(keys.reportKey(md("ml", "iris", "u-1")))
        .isNotEqualTo(keys.reportKey(md("ml", "iris", "u-2")))
        .isNotEqualTo(keys.reportKey(md("ml", "recommender", "u-1")))
        .isNotEqualTo(keys.reportKey(md("other", "iris", "u-1")))
        .as("one key per purpose")
        .isNotEqualTo(keys.feedbackKey(md("ml", "iris", "u-1")));
    assertThat(
            new SigningKeys(
                    "another-master-key-of-forty-bytes-012345".getBytes(StandardCharsets.US_ASCII))
                .reportKey(md("ml", "iris", "u-1")))
        .isNotEqualTo(keys.reportKey(md("ml", "iris", "u-1")));
  }

  @Test
  void aMissingFileIsAnErrorNamingItAndTheVariable(@TempDir Path dir) {
    assertThatThrownBy(() -> SigningKeys.fromFile(dir.resolve("absent")))
        .hasMessageContaining(dir.resolve("absent").toString())
        .hasMessageContaining("MODELSHIP_SIGNING_KEY_FILE");
  }

  @Test
  void anEmptyOrShortFileIsRefusedNotTakenAsNoKey(@TempDir Path dir) throws IOException {
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> SigningKeys.fromFile(empty))
        .hasMessageContaining("holds 0 bytes")
        .hasMessageContaining("at least 32");
    Path shortKey = Files.writeString(dir.resolve("short"), "s3cret");
    assertThatThrownBy(() -> SigningKeys.fromFile(shortKey))
        .hasMessageContaining("holds 6 bytes")
        .message()
        .doesNotContain("s3cret");
  }

  @Test
  void aTrailingNewlineIsNotPartOfTheKey(@TempDir Path dir) throws IOException {
    Path file =
        Files.write(
            dir.resolve("key"), (new String(MASTER, StandardCharsets.US_ASCII) + "\n").getBytes());
    assertThat(SigningKeys.fromFile(file).reportKey(md("ml", "iris", "u-1")))
        .isEqualTo(new SigningKeys(MASTER).reportKey(md("ml", "iris", "u-1")));
  }
}
