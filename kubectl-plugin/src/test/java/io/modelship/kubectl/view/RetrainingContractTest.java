package io.modelship.kubectl.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelship.api.retraining.RetrainJob;
import io.modelship.api.v1alpha1.spec.ModelDeploymentSpec;
import io.modelship.api.v1alpha1.status.CandidateVerdict;
import io.modelship.api.v1alpha1.status.RetrainingOutcome;
import io.modelship.api.v1alpha1.status.RetrainingStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plugin reads retraining leniently from JSON; this holds what it reads to api's types, so a
 * renamed field or value fails here rather than showing nothing in a cluster.
 */
class RetrainingContractTest {

  static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @ParameterizedTest
  @ValueSource(strings = {"retraining-better.yaml", "retraining-running.yaml"})
  void theSamplesAreWhatTheOperatorWrites(String sample) {
    var resource = Samples.resource(sample);
    var status =
        STRICT.convertValue(
            ((Map<?, ?>) resource.get("status")).get("retraining"), RetrainingStatus.class);
    STRICT.convertValue(resource.get("spec"), ModelDeploymentSpec.class);

    assertThat(status.getCandidates()).isNotEmpty();
    assertThat(status.getRuns()).isNotEmpty();
  }

  @Test
  void theNamesThePluginComparesAreTheApis() {
    assertThat(Retraining.RETRAIN_ANNOTATION).isEqualTo(RetrainJob.RETRAIN_ANNOTATION);
    assertThat(Retraining.BETTER).isEqualTo(CandidateVerdict.Better.name());
    assertThat(Retraining.RUNNING).isEqualTo(RetrainingOutcome.Running.name());
  }
}
