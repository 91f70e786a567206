package io.modelship.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.ModelDeploymentSpec;
import io.modelship.api.v1alpha1.spec.ModelSpec;
import io.modelship.api.v1alpha1.status.CandidateVerdict;
import io.modelship.api.v1alpha1.status.RetrainingCandidate;
import io.modelship.api.v1alpha1.status.RetrainingStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which candidates count as waiting for adoption (modelship_retraining_candidates_waiting). */
class CandidateVerdictsTest {

  static ModelDeployment serving(String version) {
    var md = new ModelDeployment();
    md.setMetadata(new ObjectMetaBuilder().withNamespace("ml").withName("iris").build());
    var spec = new ModelDeploymentSpec();
    var model = new ModelSpec();
    model.setVersion(version);
    spec.setModel(model);
    md.setSpec(spec);
    return md;
  }

  static RetrainingCandidate candidate(String version, String against, CandidateVerdict verdict) {
    var c = new RetrainingCandidate();
    c.setVersion(version);
    c.setServingVersion(against);
    c.setVerdict(verdict);
    return c;
  }

  static RetrainingStatus status(RetrainingCandidate... candidates) {
    var s = new RetrainingStatus();
    s.setCandidates(List.of(candidates));
    return s;
  }

  @Test
  void betterThanWhatServesNowAndNotAdoptedWaits() {
    var status =
        status(
            candidate("1.0.0-retrain.1", "1.0.0", CandidateVerdict.Better),
            candidate("1.0.0-retrain.2", "1.0.0", CandidateVerdict.NotBetter),
            candidate("1.0.0-retrain.3", "1.0.0", CandidateVerdict.Better));
    assertThat(CandidateVerdicts.waiting(serving("1.0.0"), status)).isEqualTo(2);
  }

  @Test
  void adoptingOneClearsTheOthersMeasuredAgainstTheOldVersion() {
    var status =
        status(
            candidate("1.0.0-retrain.1", "1.0.0", CandidateVerdict.Better),
            candidate("1.0.0-retrain.3", "1.0.0", CandidateVerdict.Better));
    assertThat(CandidateVerdicts.waiting(serving("1.0.0-retrain.3"), status)).isZero();
    assertThat(CandidateVerdicts.waiting(serving("2.0.0"), status))
        .as("spec.model moved on in Git")
        .isZero();
  }

  @Test
  void noStatusNoCandidates() {
    assertThat(CandidateVerdicts.waiting(serving("1.0.0"), null)).isZero();
    assertThat(CandidateVerdicts.waiting(serving("1.0.0"), new RetrainingStatus())).isZero();
  }
}
