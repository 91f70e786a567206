package io.modelship.operator;

import static io.modelship.operator.harness.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelship.operator.harness.Manifests;
import io.modelship.operator.harness.OperatorHarness;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** With leader election on, the operator reconciles only once it holds the Lease. */
class LeaderElectionIT {

  @Test
  void reconcilesAsTheLeaseHolder() {
    var lease = new LeaderLease("modelship-operator", "modelship-system", "test-operator");
    try (var harness = new OperatorHarness(false, Optional.of(lease))) {
      var leases = harness.client().leases().inNamespace("modelship-system");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> leases.withName("modelship-operator").get() != null);
      assertThat(leases.withName("modelship-operator").get().getSpec().getHolderIdentity())
          .isEqualTo("test-operator");

      harness.client().resource(Manifests.iris("elected", "iris", "1.0.0")).create();
      harness.awaitStatus("elected", "iris", condition("Ready", "True", "Serving"));

      // Stopping hands the Lease back at once, so the next replica need not wait for it to expire.
      harness.operator().close();
      var released = leases.withName("modelship-operator").get().getSpec();
      assertThat(released.getHolderIdentity()).isNull();
      assertThat(released.getLeaseDurationSeconds()).isEqualTo(1);
    }
  }
}
