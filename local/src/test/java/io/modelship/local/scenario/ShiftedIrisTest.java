package io.modelship.local.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShiftedIrisTest {

  @Test
  void sepalsAreShiftedAndEachClassNamedAsTheNext() {
    List<String> shifted =
        ShiftedIris.of(
            List.of(
                "sepal_length,sepal_width,petal_length,petal_width,species",
                "5.1,3.5,1.4,0.2,setosa",
                "7.0,3.2,4.7,1.4,versicolor",
                "6.3,3.3,6.0,2.5,virginica",
                ""),
            "species");
    assertThat(shifted)
        .containsExactly(
            "sepal_length,sepal_width,petal_length,petal_width,species",
            "8.1,6.5,1.4,0.2,versicolor",
            "10.0,6.2,4.7,1.4,virginica",
            "9.3,6.3,6.0,2.5,setosa");
  }

  @Test
  void aCsvWithoutTheSepalColumnsIsRefusedByName() {
    assertThatThrownBy(() -> ShiftedIris.of(List.of("a,b,species", "1,2,x"), "species"))
        .hasMessageContaining("sepal_length, sepal_width and species");
  }
}
