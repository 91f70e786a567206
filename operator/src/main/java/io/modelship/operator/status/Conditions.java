package io.modelship.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds metav1.Conditions against the previous ones, so lastTransitionTime moves only when a
 * condition's status changes.
 */
public final class Conditions {

  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String MODEL_LOADED = "ModelLoaded";
  public static final String DRIFTED = "Drifted";

  /**
   * Present (True) only while the package comes over plain http:// without a sha256 to check it.
   */
  public static final String UNVERIFIED_MODEL = "UnverifiedModel";

  private final List<Condition> previous;
  private final long generation;
  private final String now;
  private final List<Condition> built = new ArrayList<>();

  public Conditions(List<Condition> previous, long generation, Instant now) {
    this.previous = previous == null ? List.of() : previous;
    this.generation = generation;
    this.now = now.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  public Conditions set(String type, String status, String reason, String message) {
    String since =
        find(previous, type)
            .filter(c -> status.equals(c.getStatus()) && c.getLastTransitionTime() != null)
            .map(Condition::getLastTransitionTime)
            .orElse(now);
    built.add(
        new ConditionBuilder()
            .withType(type)
            .withStatus(status)
            .withReason(reason)
            // The one place conditions are settled, so the one place URI secrets are removed.
            .withMessage(io.modelship.api.runtime.UriRedaction.redact(message))
            .withObservedGeneration(generation)
            .withLastTransitionTime(since)
            .build());
    return this;
  }

  public List<Condition> build() {
    return List.copyOf(built);
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static String statusOf(List<Condition> conditions, String type) {
    return find(conditions, type).map(Condition::getStatus).orElse("Unknown");
  }
}
