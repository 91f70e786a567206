package io.modelship.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelLocationRedactionTest {

  @Test
  void anUnparsableSignedUrlIsRefusedWithoutItsSignature() {
    var result = ModelLocation.parse("https://bucket.example.com/iris.tgz?X-Amz-Signature=abc def");
    assertThat(result).isInstanceOf(ModelLocation.Result.Invalid.class);
    assertThat(((ModelLocation.Result.Invalid) result).message())
        .doesNotContain("abc")
        .contains("REDACTED");
  }

  @Test
  void userInfoNeverReachesTheMessage() {
    var result = (ModelLocation.Result.Invalid) ModelLocation.parse("https://user:token@/iris.tgz");
    assertThat(result.message()).doesNotContain("token");
  }
}
