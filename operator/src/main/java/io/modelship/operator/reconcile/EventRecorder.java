package io.modelship.operator.reconcile;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.modelship.api.runtime.UriRedaction;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.operator.dependent.ServingNames;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a ModelDeployment's Events. Best effort: failing to record one must not fail the
 * reconcile.
 */
final class EventRecorder {

  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

  private final Clock clock;

  EventRecorder(Clock clock) {
    this.clock = clock;
  }

  void record(ModelDeployment md, TransitionEvents.Transition transition, KubernetesClient client) {
    String time = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(md.getMetadata().getName() + "-")
            .withNamespace(md.getMetadata().getNamespace())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(md.getApiVersion())
                    .withKind(md.getKind())
                    .withName(md.getMetadata().getName())
                    .withNamespace(md.getMetadata().getNamespace())
                    .withUid(md.getMetadata().getUid())
                    .build())
            .withType(transition.type())
            .withReason(transition.reason())
            .withMessage(UriRedaction.redact(transition.message()))
            .withFirstTimestamp(time)
            .withLastTimestamp(time)
            .withCount(1)
            .withNewSource()
            .withComponent(ServingNames.MANAGED_BY)
            .endSource()
            .build();
    try {
      client.v1().events().inNamespace(md.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      log.warn(
          "Could not record event {} on {}: {}",
          transition.reason(),
          md.getMetadata().getName(),
          e.getMessage());
    }
  }
}
