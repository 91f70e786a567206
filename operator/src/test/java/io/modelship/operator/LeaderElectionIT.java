package io.modelship.operator;

import static io.modelship.operator.harness.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.modelship.operator.harness.Manifests;
import io.modelship.operator.harness.OperatorHarness;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** With leader election on, the operator reconciles only once it holds the Lease. */
class LeaderElectionIT {

  @Test
  void reconcilesAsTheLeaseHolder() {
    // In production losing the Lease ends the process; here the test stops the operator itself.
    var lease = new LeaderElectionConfiguration("modelship-operator", "modelship-system",
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE, LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, "test-operator", null, false);
    try (var harness = new OperatorHarness(false, Optional.of(lease))) {
      var leases = harness.client().leases().inNamespace("modelship-system");
      await().atMost(Duration.ofSeconds(20)).until(() -> leases.withName("modelship-operator").get() != null);
      assertThat(leases.withName("modelship-operator").get().getSpec().getHolderIdentity()).isEqualTo("test-operator");

      harness.client().resource(Manifests.iris("elected", "iris", "1.0.0")).create();
      harness.awaitStatus("elected", "iris", condition("Ready", "True", "Serving"));
    }
  }
}
