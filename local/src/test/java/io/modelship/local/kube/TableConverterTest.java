package io.modelship.local.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TableConverterTest {

  @ParameterizedTest
  @CsvSource({
    "0,0s",
    "45,45s",
    "119,119s",
    "192,3m12s",
    "600,10m",
    "7500,125m",
    "36000,10h",
    "273600,3d4h",
    "1728000,20d",
    "63072000,2y",
    "19800,5h30m",
    "18000,5h"
  })
  void agesAsKubectlPrintsThem(long seconds, String expected) {
    assertThat(TableConverter.humanDuration(Duration.ofSeconds(seconds))).isEqualTo(expected);
  }
}
